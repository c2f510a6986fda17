"""One access convention: `access_<entity>_by_uuid(user, uuid, ...)` for every entity a URL
names, answering ONE 404 (same words) for "missing" and "not yours" alike.

Part 1 asks every helper twice, once with a uuid that names nothing and once with someone
else's object, and expects the same Http404 message. Part 2 reads the code: no view loads a
model a URL names except through the helpers, and no selector raises Http404.
"""

from __future__ import annotations

import ast
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.http import Http404
from django.utils import timezone

from accounts import permissions as account_access
from accounts.models import Invitation
from accounts.services import api_token_create
from commissioning import permissions as commissioning_access
from commissioning.models import Contract
from delivery import permissions as delivery_access
from grants import access as grants_access
from grants.models import Application, ApplicationDocument, BankDetails, MonitoringEvidence
from outcomes import permissions as outcomes_access
from outcomes.models import IndicatorMeasure, ReadingUpload
from outcomes.periods import Period
from outcomes.services import ReadingInput, reading_save
from tests.commissioning.builders import make_contract, open_return, service
from tests.commissioning.conftest import Q1
from tests.factories import (
    ApplicationFactory,
    AssessmentFactory,
    AwardFactory,
    FundFactory,
    MonitoringReportFactory,
    PanelRecommendationFactory,
    RoundFactory,
)

ROOT = Path(__file__).resolve().parent.parent
MISSING = uuid.UUID("00000000-0000-4000-8000-000000000000")


def _panel_report(plan, who):
    from delivery.models import SECTION_ORDER, PanelReport

    return PanelReport.objects.create(
        plan=plan,
        year=2025,
        sections=SECTION_ORDER,
        version=1,
        requested_by=who,
        requested_at=timezone.now(),
    )


@dataclass
class Case:
    """How to ask one helper: `call(user, obj_or_None)`, the object someone else owns, and
    the user for whom it is not theirs."""

    call: Callable
    theirs: object
    outsider: object


def _raise(call) -> str:
    with pytest.raises(Http404) as raised:
        call()
    return str(raised.value)


def _bank_details(award) -> BankDetails:
    return BankDetails.objects.create(
        award=award,
        account_name="Group B",
        sort_code="123456",
        account_number="12345678",
        evidence=ContentFile(b"%PDF-1.4", name="statement.pdf"),
        evidence_name="statement.pdf",
        evidence_type="application/pdf",
        evidence_size=8,
        entered_at=timezone.now(),
    )


def _evidence(report) -> MonitoringEvidence:
    return MonitoringEvidence.objects.create(
        report=report,
        file=ContentFile(b"%PDF-1.4", name="photos.pdf"),
        original_name="photos.pdf",
        content_type="application/pdf",
        size=8,
    )


def _cases(personas, plan) -> dict[str, Case]:
    """Every helper, with an object that belongs to someone else than `outsider`."""
    p = personas
    draft_round = RoundFactory(status="draft")
    fund = FundFactory(code="other", name="Another Fund")
    b_application = ApplicationFactory(organisation=p.org_b, submitted=True, status="submitted")
    award = AwardFactory(application__organisation=p.org_b)
    report = MonitoringReportFactory(award=award)
    bank = _bank_details(award)
    evidence = _evidence(report)
    document = ApplicationDocument.objects.create(
        application=b_application,
        kind=ApplicationDocument.Kind.OTHER,
        file=ContentFile(b"%PDF-1.4", name="policy.pdf"),
        original_name="policy.pdf",
        content_type="application/pdf",
        size=8,
    )
    assessment = AssessmentFactory()  # another assessor's
    panel = PanelRecommendationFactory()
    pot = draft_round.pots.first()
    contract = make_contract(provider=p.provider_org, commissioner=p.commissioner, plan=plan)
    monitoring_return = open_return(contract, Q1)
    invitation = Invitation.objects.create(organisation=p.org_b, email="new@example.org")
    measure = IndicatorMeasure.objects.select_related("indicator").get(indicator__code="P1-I7")
    reading = reading_save(
        indicator=measure.indicator,
        data=ReadingInput(
            measure_id=measure.pk,
            district_id=None,
            period=Period.financial_year(2021),
            value=Decimal("85.6"),
        ),
        by=p.performance_lead,
    )
    upload = ReadingUpload.objects.create(
        plan=plan, file_name="r.csv", uploaded_by=p.performance_lead, uploaded_at=timezone.now()
    )
    o = outcomes_access
    a = grants_access
    view = "grants.view_application"
    return {
        "application": Case(
            lambda u, o: a.access_application_by_uuid(u, o.uuid if o else MISSING, view),
            b_application,
            p.applicant_a,
        ),
        "document": Case(
            lambda u, o: a.access_document_by_uuid(u, b_application.uuid, o.uuid if o else MISSING),
            document,
            p.applicant_a,
        ),
        "staff application": Case(
            lambda u, o: a.access_staff_application_by_uuid(u, o.uuid if o else MISSING),
            b_application,
            p.applicant_b,  # their own bid, but not through the officers' pages
        ),
        "round": Case(
            lambda u, o: a.access_round_by_uuid(u, o.uuid if o else MISSING),
            draft_round,
            p.applicant_a,  # a draft round is the officers' until it opens
        ),
        "staff round": Case(
            lambda u, o: a.access_staff_round_by_uuid(u, o.uuid if o else MISSING),
            draft_round,
            p.assessor,
        ),
        "fund": Case(
            lambda u, o: a.access_fund_by_uuid(u, o.uuid if o else MISSING), fund, p.assessor
        ),
        "pot": Case(
            lambda u, o: a.access_pot_by_id(
                u, o.round.uuid if o else draft_round.uuid, o.pk if o else 0
            ),
            pot,
            p.assessor,
        ),
        "assessment": Case(
            lambda u, o: a.access_assessment_by_uuid(u, o.uuid if o else MISSING),
            assessment,
            p.assessor,
        ),
        "panel": Case(
            lambda u, o: a.access_panel_by_uuid(u, o.uuid if o else MISSING),
            panel,
            p.assessor,
        ),
        "award": Case(
            lambda u, o: a.access_award_by_uuid(u, o.uuid if o else MISSING), award, p.assessor
        ),
        "grant": Case(
            lambda u, o: a.access_grant_by_application_uuid(
                u, o.application.uuid if o else MISSING
            ),
            award,
            p.applicant_a,
        ),
        "bank details": Case(
            lambda u, o: a.access_bank_details_by_uuid(u, award.uuid, o.uuid if o else MISSING),
            bank,
            p.applicant_a,
        ),
        "report": Case(
            lambda u, o: a.access_report_by_uuid(u, o.uuid if o else MISSING),
            report,
            p.applicant_a,
        ),
        "evidence": Case(
            lambda u, o: a.access_evidence_by_uuid(u, report.uuid, o.uuid if o else MISSING),
            evidence,
            p.applicant_a,
        ),
        "organisation": Case(
            lambda u, o: account_access.access_organisation_by_uuid(
                u, o.uuid if o else MISSING, "accounts.view_organisation"
            ),
            p.org_b,
            p.applicant_a,
        ),
        "invitation": Case(
            # The token is the secret: only someone signed out is an outsider to it.
            lambda u, o: account_access.access_invitation_by_token(u, o.token if o else MISSING),
            invitation,
            AnonymousUser(),
        ),
        "contract": Case(
            lambda u, o: commissioning_access.access_contract_by_uuid(u, o.uuid if o else MISSING),
            contract,
            p.applicant_a,
        ),
        "return": Case(
            lambda u, o: commissioning_access.access_return_by_uuid(u, o.uuid if o else MISSING),
            monitoring_return,
            p.applicant_a,
        ),
        "service": Case(
            lambda u, o: commissioning_access.access_service_by_uuid(u, o.uuid if o else MISSING),
            service(),
            p.provider,
        ),
        # The plan-delivery summaries: anyone who may not read plan delivery is an outsider.
        "award summary": Case(
            lambda u, o: delivery_access.access_award_by_uuid(u, o.uuid if o else MISSING),
            award,
            p.assessor,
        ),
        "contract summary": Case(
            lambda u, o: delivery_access.access_contract_by_uuid(u, o.uuid if o else MISSING),
            contract,
            p.provider,
        ),
        "panel report": Case(
            lambda u, o: delivery_access.access_panel_report_by_uuid(u, o.uuid if o else MISSING),
            _panel_report(plan, p.performance_lead),
            p.provider,
        ),
        # Plans and their readings are for the staff who follow plan delivery.
        "plan": Case(
            lambda u, x: o.access_plan_by_code(u, x.code if x else "NO-SUCH-PLAN"),
            plan,
            p.assessor,
        ),
        "indicator": Case(
            lambda u, x: o.access_indicator_by_code(u, plan.code, x.code if x else "P9-I9"),
            measure.indicator,
            p.provider,
        ),
        "reading": Case(
            lambda u, x: o.access_reading_by_uuid(u, x.uuid if x else MISSING),
            reading,
            p.applicant_a,
        ),
        "readings upload": Case(
            lambda u, x: o.access_upload_by_uuid(u, x.uuid if x else MISSING),
            upload,
            p.assessor,
        ),
        "measure set": Case(
            lambda u, o: commissioning_access.access_measure_set_by_uuid(
                u, o.uuid if o else MISSING
            ),
            monitoring_return.measure_set,
            p.applicant_a,
        ),
        "api token": Case(
            lambda u, o: account_access.access_api_token_by_uuid(u, o.uuid if o else MISSING),
            api_token_create(
                actor=p.applicant_b, organisation=p.org_b, name="B's system", scopes=["read"]
            ).token,
            p.applicant_a,
        ),
    }


OWNERS = {
    "application": "applicant_b",
    "document": "applicant_b",
    "staff application": "officer",
    "round": "officer",
    "staff round": "officer",
    "fund": "officer",
    "pot": "officer",
    "panel": "decision_maker",
    "award": "officer",
    "grant": "officer",
    "bank details": "officer",
    "report": "officer",
    "evidence": "officer",
    "organisation": "applicant_b",
    "invitation": "applicant_a",
    "contract": "provider",
    "return": "provider",
    "service": "commissioner",
    "award summary": "performance_lead",
    "contract summary": "performance_lead",
    "plan": "officer",
    "indicator": "decision_maker",
    "reading": "performance_lead",
    "readings upload": "commissioner",
    "measure set": "provider",
    "api token": "applicant_b",
}


def _helper_names() -> set[str]:
    modules = (
        grants_access,
        account_access,
        commissioning_access,
        delivery_access,
        outcomes_access,
    )
    return {name for module in modules for name in vars(module) if name.startswith("access_")}


def test_every_access_helper_is_asked(personas, plan):
    called = {
        node.func.attr
        for node in ast.walk(ast.parse(Path(__file__).read_text()))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }
    assert _helper_names() - called == set()


def test_missing_and_not_yours_are_the_same_404(personas, plan):
    failures = []
    for entity, case in _cases(personas, plan).items():
        missing = _raise(lambda case=case: case.call(case.outsider, None))
        not_yours = _raise(lambda case=case: case.call(case.outsider, case.theirs))
        if not missing.startswith("No such") or missing != not_yours:
            failures.append(f"{entity}: missing says {missing!r}, not yours {not_yours!r}")
        owner = OWNERS.get(entity)
        if owner and case.call(getattr(personas, owner), case.theirs) is None:
            failures.append(f"{entity}: its owner {owner} was not given it")
    assert failures == []


def test_the_assessors_own_assessment_is_given_to_them(personas, plan):
    assessment = AssessmentFactory(assessor=personas.assessor)
    assert grants_access.access_assessment_by_uuid(personas.assessor, assessment.uuid) == (
        assessment
    )


def test_the_404_page_says_the_same_for_missing_and_not_yours(client, personas, plan):
    """What the user sees: the page for another group's bid reads like a missing one."""
    theirs = ApplicationFactory(organisation=personas.org_b)
    client.force_login(personas.applicant_a)
    other = client.get(f"/applications/{theirs.uuid}/")
    missing = client.get(f"/applications/{MISSING}/")
    assert other.status_code == missing.status_code == 404
    # The same page, but for what differs on every request: the CSP nonce and the masked
    # CSRF token (the timeout warning's sign-out form).
    varies = re.compile(rb'(nonce|value|data-csrf[\w-]*)="[^"]*"')
    assert varies.sub(b"", other.content) == varies.sub(b"", missing.content)
    assert Application.objects.filter(pk=theirs.pk).exists()
    assert Contract.objects.count() == 0


# Part 2: the code ------------------------------------------------------------------------

# Models a URL names (by uuid, token or number) in some app's urls.py.
URL_MODELS = {
    "ApiToken",
    "Application",
    "ApplicationDocument",
    "Assessment",
    "Award",
    "BankDetails",
    "Contract",
    "Fund",
    "Indicator",
    "IndicatorReading",
    "Invitation",
    "MeasureSet",
    "MonitoringEvidence",
    "MonitoringReport",
    "MonitoringReturn",
    "Organisation",
    "PanelRecommendation",
    "Plan",
    "Pot",
    "ReadingUpload",
    "Round",
    "Service",
}

# (module, model, why) the scan lets through.
EXCEPTIONS = {
    # The officer marks a bid named in the POST body (not the URL), within the round the
    # URL named and already passed through access_staff_round_by_uuid.
    ("grants/views/panel.py", "Application"),
}


def _modules(pattern: str) -> list[Path]:
    apps = (
        "accounts",
        "commissioning",
        "config",
        "core",
        "delivery",
        "documents",
        "grants",
        "opendata",
        "outcomes",
    )
    return sorted(
        path
        for app in apps
        for path in (ROOT / app).rglob(pattern)
        if "migrations" not in path.parts
    )


def _view_modules() -> list[Path]:
    return [p for p in _modules("*.py") if "views" in p.name or "views" in p.parent.name]


def _selector_modules() -> list[Path]:
    return [p for p in _modules("*.py") if "selectors" in p.name or "selectors" in p.parent.name]


def _model_of(node: ast.AST) -> str | None:
    """`Model` for `Model.objects.<anything>` chains."""
    while isinstance(node, ast.Call | ast.Attribute):
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "objects"
            and isinstance(node.value, ast.Name)
        ):
            return node.value.id
        node = node.func if isinstance(node, ast.Call) else node.value
    return None


def _loads(tree: ast.AST) -> list[tuple[int, str, str]]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Name) and node.func.id == "get_object_or_404":
            found.append((node.lineno, "get_object_or_404", ast.unparse(node.args[0])))
        elif isinstance(node.func, ast.Attribute) and node.func.attr in ("get", "filter"):
            model = _model_of(node.func.value)
            if model in URL_MODELS:
                found.append((node.lineno, f"{model}.objects.{node.func.attr}", model))
    return sorted(found)


def test_scan_sees_the_loads_it_forbids():
    tree = ast.parse(
        "get_object_or_404(Round, uuid=x)\n"
        "Round.objects.get(uuid=x)\n"
        "Contract.objects.select_related('a').filter(uuid=x).first()\n"
        "District.objects.get(pk=1)\n"
    )
    assert [what for _, what, _ in _loads(tree)] == [
        "get_object_or_404",
        "Round.objects.get",
        "Contract.objects.filter",
    ]


def test_views_load_url_named_objects_only_through_the_access_helpers():
    assert _view_modules(), "no views modules found"
    offences = []
    for path in _view_modules():
        relative = str(path.relative_to(ROOT))
        for line, what, model in _loads(ast.parse(path.read_text())):
            if (relative, model) not in EXCEPTIONS:
                offences.append(f"{relative}:{line} {what}")
    assert offences == []


def test_no_selector_raises_http404():
    assert _selector_modules(), "no selectors modules found"
    offences = []
    for path in _selector_modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Name) and node.id == "Http404":
                offences.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offences == []
