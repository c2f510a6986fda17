"""Every page, for every persona, in every status: no server errors, and every HTML page
has a title, a language, one <h1> and a <main> (issue 12's guard).

The demo world (`seed_demo`) is loaded once for the module inside a transaction that is
rolled back at the end, so nothing leaks into other tests on SQLite or PostgreSQL. The
demo does not hold an object in every status, so `_fill_gaps` adds what is missing: for
Org A (the demo applicant's group) a bid in every application status, each in its own
round copied from demo round 7, and returns, reports, contracts, assessments and bank
details in every status.

Patterns are filled by the names of their path parameters. A new URL pattern whose
parameters have no filler and which is not in NOT_CRAWLED fails
`test_every_url_pattern_is_crawled_or_listed`.
"""

from __future__ import annotations

import datetime as dt
import traceback
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import Invitation, Organisation, User
from accounts.roles import Role

# Each test also runs in its own savepoint; this mark also has the test database made.
pytestmark = pytest.mark.django_db

# Patterns the crawl does not visit, and why.
NOT_CRAWLED: dict[str, str] = {
    "admin": "Django's admin site (its own markup, not the GOV.UK layout); the whole namespace",
    # The API's endpoints (namespace "api") are crawled like the pages; these two are not.
    "api-docs": "Swagger UI's own page from the drf-spectacular-sidecar package, not the GOV.UK "
    "layout; tests/api/test_machinery.py checks it is served from the package",
    "api-schema": "the OpenAPI document: tests/api (the access matrix, schemathesis) read it",
}
# Query strings visited as well as the bare page: filters, exports, and bad values (a
# typed-in or stale link), which must get the page with an error, never a server error.
ROLLUP = "measure_set={measure_set}&financial_year=2026&period=Q1"
QUERIES: dict[str, list[str]] = {
    "commissioning:rollup": [
        ROLLUP,
        f"{ROLLUP}&export=csv",
        f"{ROLLUP}&export=xlsx",
        f"{ROLLUP}&export=csv&published=1",
        f"{ROLLUP}&export=xlsx&published=1",
        "measure_set=999999&financial_year=abc&period=Q9",
    ],
    "commissioning:contract-list": [
        "status=active&category=isva&q=ISVA",
        "status=nonsense&category=nonsense&page=999",
        "page=abc",
    ],
    "commissioning:contract": ["year=2026", "year=abc", "year=0", "year=99999", "year=-1"],
    "commissioning:dashboard": ["year=2025", "year=-1"],
    "accounts:staff-organisation-list": ["q=Boxing&district={district}", "district=abc&page=999"],
    "grants:staff-round-applications": [
        "status=submitted&district={district}",
        "format=csv",
        "status=nonsense&pot=abc&district=abc&priority=abc&page=999",
        "sort=-score&view=waiting",
        "sort=nonsense&view=nonsense&cursor=nonsense",
    ],
    "grants:staff-round-ranking": ["pot=abc&district=abc&priority=abc", "pot=999999", "page=999"],
    "opendata:funded": [
        "year=2026&district=Leeds&priority=P3&round=MSCF-R7",
        "year=abc&round=nonsense&district=Nowhere&priority=P9&page=999",
        "page=abc",
    ],
    "outcomes:indicator-list": [
        "period=2021/22",
        "period=Q9+2021",
        "period=12+months+to+2022-02-31",
    ],
    "account_login": ["next=/applications/"],
    "delivery:dashboard": [
        "year=all&district=leeds&theme=CCT-SWG",
        "source=stream:moj_victims",
        "table=priorities&export=csv",
        "table=districts&export=xlsx",
        "table=gaps&export=csv",
        "year=abc&plan=nope&source=bad&district=nowhere&theme=none",
    ],
    "delivery:awards": [
        "by=outcome&key=P3-O1&year=all",
        "by=area&key=total&export=xlsx",
        "by=nonsense&key=nothing",
        "by=priority&key=P9&page=abc",
    ],
    "delivery:contracts": ["by=priority&key=P1&export=csv", "by=theme&key=CCT-SWG&year=all"],
    "delivery:bids": ["by=district&key=leeds&year=all", "by=area&key=" + "x" * 80],
}

# Visited last, so that a sign-out on GET could not hide the pages after it.
LAST = "account_logout"
ORGANISATION_NAMES = [
    "Manningham Youth Boxing Project",
    "Calder Valley Women's Centre",
    "West Yorkshire Independent Advocacy Service",
]

PERSONAS = [
    "anonymous",
    "applicant_a",
    "colleague_a",
    "applicant_b",
    "officer",
    "second_officer",
    "assessor",
    "decision_maker",
    "provider",
    "commissioner",
    "performance_lead",
    "administrator",
]
DEMO_EMAILS = {
    "applicant_a": "applicant@demo.example",
    "colleague_a": "colleague@demo.example",
    "applicant_b": "halifax@demo.example",
    "officer": "officer@demo.example",
    "second_officer": "officer2@demo.example",
    "assessor": "assessor@demo.example",
    "decision_maker": "decision@demo.example",
    "provider": "provider@demo.example",
    "commissioner": "commissioner@demo.example",
    "performance_lead": "performance@demo.example",
    "administrator": "admin@demo.example",
}
TINY_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@dataclass
class Target:
    """One object to visit, and the status it stands for in failure messages."""

    kwargs: dict
    label: str


@dataclass
class World:
    users: dict[str, User | None]
    storages: dict
    query_values: dict[str, object] = field(default_factory=dict)
    targets: dict[frozenset[str], list[Target]] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------
# The demo world, with an object in every status


def _copy_round(source, number: int, status: str):
    """A copy of `source` (pots, criteria, priorities) as round `number`."""
    from grants.models import Round

    pots = list(source.pots.all())
    criteria = list(source.criteria.all())
    priorities = list(source.priorities.all())
    round = Round.objects.get(pk=source.pk)
    round.pk = None
    round.uuid = uuid.uuid4()
    round.number = number
    round.title = f"{source.title} ({status})"
    round.reference_prefix = f"CRAWL-R{number}"
    round._state.adding = True
    round.save()
    round.priorities.set(priorities)
    pot_map = {}
    for pot in pots:
        old = pot.pk
        pot.pk = None
        pot.round = round
        pot._state.adding = True
        pot.save()
        pot_map[old] = pot
    criterion_map = {}
    for criterion in criteria:
        old = criterion.pk
        criterion.pk = None
        criterion.round = round
        criterion._state.adding = True
        criterion.save()
        criterion_map[old] = criterion
    return round, pot_map, criterion_map


def _copy_bid(source, round, pot_map, criterion_map, status: str, assessments=()):
    """A copy of `source` in `round` with `status`, its budget, documents and screening;
    `assessments` gives each copied assessment's status (empty: none copied)."""
    from grants.models import Application, Score

    many = {f.name: list(getattr(source, f.name).all()) for f in Application._meta.many_to_many}
    lines = list(source.budget_lines.all())
    documents = list(source.documents.all())
    screening = getattr(source, "screening", None)
    originals = list(source.assessments.prefetch_related("scores"))
    bid = Application.objects.get(pk=source.pk)
    bid.pk = None
    bid.uuid = uuid.uuid4()
    bid.round = round
    bid.pot = pot_map.get(bid.pot_id)
    bid.status = status
    bid.reference = None if status in ("draft", "withdrawn") else f"{round.reference_prefix}-0001"
    bid._state.adding = True
    bid.save()
    for name, values in many.items():
        getattr(bid, name).set(values)
    for row in [*lines, *documents]:
        row.pk = None
        if hasattr(row, "uuid"):
            row.uuid = uuid.uuid4()
        row.application = bid
        row._state.adding = True
        row.save()
    if screening is not None and status not in ("draft", "withdrawn", "submitted"):
        screening.pk = None
        screening.application = bid
        if status == "ineligible":
            screening.outcome = "ineligible"
            screening.reason = "The group has no bank account in its own name."
        screening._state.adding = True
        screening.save()
    for original, new_status in zip(originals, assessments, strict=False):
        scores = list(original.scores.all())
        original.pk = None
        original.uuid = uuid.uuid4()
        original.application = bid
        original.status = new_status
        original._state.adding = True
        original.save()
        if new_status not in ("assigned", "recused"):
            Score.objects.bulk_create(
                Score(
                    assessment=original,
                    criterion=criterion_map[score.criterion_id],
                    value=score.value,
                    not_applicable=score.not_applicable,
                    comment=score.comment,
                )
                for score in scores
            )
    return bid


def _copy_award(source_award, bid, **changes):
    from grants.models import Award
    from grants.services.awards import _reports_create

    outcomes = list(source_award.outcomes.all())
    themes = list(source_award.themes.all())
    award = Award.objects.get(pk=source_award.pk)
    award.pk = None
    award.uuid = uuid.uuid4()
    award.reference = f"{bid.round.reference_prefix}-AWARD"
    award.application = bid
    award.panel_item = None
    for name, value in changes.items():
        setattr(award, name, value)
    award._state.adding = True
    award.save()
    award.outcomes.set(outcomes)
    award.themes.set(themes)
    if award.accepted_at:
        _reports_create(award)
    return award


def _fill_gaps() -> None:
    """Add to the demo an object in every status it lacks (see the module docstring)."""
    from commissioning.models import Contract, MonitoringReturn
    from grants.models import (
        Application,
        Assessment,
        BankDetails,
        MonitoringEvidence,
        MonitoringReport,
        PanelItem,
        PanelRecommendation,
        Round,
    )

    status = Application.Status
    org_a = Organisation.objects.get(name="Manningham Youth Boxing Project")
    officer = User.objects.get(email=DEMO_EMAILS["officer"])
    round_7 = Round.objects.get(fund__code="mscf", number=7)
    # Offered by the worker: the demo's award letter went out (see the world fixture).
    approved = Application.objects.get(round=round_7, organisation=org_a)
    assert approved.status == status.OFFERED, approved.status
    award = approved.award
    now = timezone.now()
    plans = {
        status.DRAFT: ((), {}),
        status.ELIGIBLE: ((), {}),
        status.INELIGIBLE: ((), {}),
        status.IN_ASSESSMENT: (("assigned", "in_progress"), {}),
        status.ASSESSED: (("submitted", "submitted"), {}),
        status.RECOMMENDED: (("submitted", "submitted"), {}),
        status.RESERVE: (("submitted", "submitted"), {}),
        status.NOT_RECOMMENDED: (("submitted", "submitted"), {}),
        status.DECLINED: (("submitted", "submitted"), {}),
        status.APPROVED: (("submitted", "submitted"), {"award": {}}),
        status.ACCEPTED: (
            ("submitted", "submitted"),
            {"award": {"accepted_at": now, "signatory_name": "Aisha Applicant"}},
        ),
        status.OFFER_DECLINED: (
            ("submitted", "submitted"),
            {"award": {"offer_declined_at": now, "offer_declined_reason": "We merged."}},
        ),
        status.ACTIVE: (("submitted", "submitted"), {"award": {"accepted_at": now}}),
        status.COMPLETED: (("submitted", "submitted"), {"award": {"accepted_at": now}}),
        status.WITHDRAWN: ((), {}),
    }
    bids = {}
    for number, (target, (assessments, extra)) in enumerate(plans.items(), start=100):
        round, pots, criteria = _copy_round(round_7, number, target)
        bids[target] = _copy_bid(approved, round, pots, criteria, target, assessments)
        if "award" in extra:
            _copy_award(award, bids[target], **extra["award"])
    # A second bid mid-assessment whose assessors declared a conflict or were removed.
    round, pots, criteria = _copy_round(round_7, 99, "recused")
    _copy_bid(approved, round, pots, criteria, status.IN_ASSESSMENT, ("recused", "removed"))
    # A frozen panel still waiting for the decision maker.
    recommended = bids[status.RECOMMENDED]
    panel = PanelRecommendation.objects.create(
        round=recommended.round, frozen_by=officer, frozen_at=now, note="Crawl panel"
    )
    PanelItem.objects.create(
        panel=panel,
        application=recommended,
        pot=recommended.pot,
        rank=1,
        score=Decimal("70"),
        mark="recommended",
        amount_requested=recommended.amount_requested,
        recommended_amount=recommended.amount_requested,
        within_budget=True,
    )
    Round.objects.filter(pk__in=[b.round_id for b in bids.values()]).update(status="closed")
    Round.objects.filter(pk=bids[status.DRAFT].round_id).update(status="draft")
    # Monitoring reports in every status, and evidence on one.
    reports = MonitoringReport.objects.filter(award__application=bids[status.ACTIVE])
    reports.filter(kind="six_month").update(status="changes_requested")
    reports.filter(kind="final").update(status="draft")
    MonitoringReport.objects.filter(award__application=bids[status.COMPLETED]).update(
        status="accepted"
    )
    submitted = MonitoringReport.objects.filter(status="submitted").first()
    evidence = MonitoringEvidence(
        report=submitted,
        original_name="photo.pdf",
        content_type="application/pdf",
        size=len(TINY_PDF),
        uploaded_by=officer,
    )
    from django.core.files.base import ContentFile

    evidence.file.save("photo.pdf", ContentFile(TINY_PDF), save=False)
    evidence.save()
    # Rejected bank details.
    pending = BankDetails.objects.filter(status="pending").first()
    rejected = BankDetails.objects.get(pk=pending.pk)
    rejected.pk = None
    rejected.uuid = uuid.uuid4()
    rejected.status = "rejected"
    rejected.checked_by = officer
    rejected.checked_at = now
    rejected.rejection_reason = "The statement is not in the group's name."
    rejected.entered_at = now - dt.timedelta(days=1)
    rejected._state.adding = True
    rejected.save()
    # Assessments in every status exist through the copies above.
    assert set(Assessment.objects.values_list("status", flat=True)) == set(Assessment.Status)
    # Contracts that ended and were terminated.
    active = Contract.objects.filter(status="active").first()
    for ending in ("ended", "terminated"):
        contract = Contract.objects.get(pk=active.pk)
        outcomes, themes = list(active.outcomes.all()), list(active.themes.all())
        contract.pk = None
        contract.uuid = uuid.uuid4()
        contract.reference = f"{active.reference}-{ending.upper()}"
        contract.status = ending
        contract._state.adding = True
        contract.save()
        contract.outcomes.set(outcomes)
        contract.themes.set(themes)
    assert set(MonitoringReturn.objects.values_list("status", flat=True)) == set(
        MonitoringReturn.Status
    )
    Invitation.objects.create(organisation=org_a, email="new.volunteer@example.org")


# ---------------------------------------------------------------------------------------
# What to visit for each set of path parameters


def _one_per_status(rows, status_of: Callable, prefer: Callable = lambda row: False) -> list:
    """One row per status, preferring rows for which `prefer` is true."""
    chosen: dict = {}
    for row in rows:
        key = status_of(row)
        if key not in chosen or (prefer(row) and not prefer(chosen[key])):
            chosen[key] = row
    return list(chosen.values())


def _panel_reports() -> list:
    from django.core.files.base import ContentFile

    from delivery.models import SECTION_ORDER, PanelReport
    from outcomes.models import Plan as PlanModel

    plan = PlanModel.objects.get(is_current=True)
    lead = User.objects.filter(email__startswith="performance").first() or User.objects.first()
    reports = []
    for version, status in enumerate(("ready", "failed", "waiting"), start=1):
        report = PanelReport(
            plan=plan,
            year=2025,
            sections=SECTION_ORDER,
            version=version,
            requested_by=lead,
            requested_at=timezone.now(),
            status=status,
            failure_reason="The report could not be built: a test failure."
            if status == "failed"
            else "",
        )
        if status == "ready":
            report.file.save("report.pdf", ContentFile(b"%PDF-1.4 crawl"), save=False)
            report.built_at = timezone.now()
        report.save()
        reports.append(report)
    return reports


def _targets() -> dict[frozenset[str], list[Target]]:
    from commissioning.models import Contract, MeasureSet, MonitoringReturn, Service
    from grants.models import (
        Application,
        Assessment,
        Award,
        BankDetails,
        Fund,
        MonitoringReport,
        PanelRecommendation,
        Round,
    )
    from grants.sections import SECTION_SLUGS
    from outcomes.models import Indicator, IndicatorReading, Plan, ReadingUpload

    org_a = Organisation.objects.get(name="Manningham Youth Boxing Project")
    bids = _one_per_status(
        Application.objects.select_related("round").order_by("pk"),
        lambda bid: bid.status,
        lambda bid: bid.organisation_id == org_a.pk,
    )
    by_round = {bid.round_id for bid in bids}
    rounds = _one_per_status(
        Round.objects.order_by("pk"), lambda r: (r.status, r.panels.exists(), r.pk in by_round)
    )
    awards = _one_per_status(
        Award.objects.select_related("application").order_by("pk"),
        lambda a: a.application.status,
    )
    reports = _one_per_status(
        MonitoringReport.objects.select_related("award__application").order_by("pk"),
        lambda r: r.status,
        lambda r: r.award.application.organisation_id == org_a.pk,
    )
    # Org A's first, whatever order the database made them in (the POST matrix takes the
    # first object of each pattern, and PostgreSQL and SQLite number the seed differently).
    reports.sort(key=lambda r: r.award.application.organisation_id != org_a.pk)
    returns = _one_per_status(
        MonitoringReturn.objects.order_by("pk"), lambda r: (r.status, r.corrects_id is not None)
    )
    contracts = _one_per_status(Contract.objects.order_by("pk"), lambda c: c.status)
    assessments = _one_per_status(
        Assessment.objects.select_related("application").order_by("pk"), lambda a: a.status
    )
    panels = list(PanelRecommendation.objects.prefetch_related("items"))
    t: dict[frozenset[str], list[Target]] = {}

    def add(names: tuple[str, ...], kwargs: dict, label: str) -> None:
        t.setdefault(frozenset(names), []).append(Target(kwargs, label))

    add((), {}, "")
    for bid in bids:
        add(("application_uuid",), {"application_uuid": bid.uuid}, bid.status)
        # Every section for a draft and a submitted bid; the first for the rest.
        slugs = SECTION_SLUGS if bid.status in ("draft", "submitted") else SECTION_SLUGS[:1]
        for slug in slugs:
            add(
                ("application_uuid", "section"),
                {"application_uuid": bid.uuid, "section": slug},
                f"{bid.status} {slug}",
            )
        for line in bid.budget_lines.all()[:1]:
            add(
                ("application_uuid", "line_id"),
                {"application_uuid": bid.uuid, "line_id": line.pk},
                bid.status,
            )
        for document in bid.documents.all()[:1]:
            add(
                ("application_uuid", "document_uuid"),
                {"application_uuid": bid.uuid, "document_uuid": document.uuid},
                bid.status,
            )
    for assessment in assessments:
        add(("assessment_uuid",), {"assessment_uuid": assessment.uuid}, assessment.status)
        add(
            ("application_uuid", "assessment_uuid"),
            {"application_uuid": assessment.application.uuid, "assessment_uuid": assessment.uuid},
            assessment.status,
        )
    for round in rounds:
        label = f"round {round.status}{' with panel' if round.panels.exists() else ''}"
        add(("round_uuid",), {"round_uuid": round.uuid}, label)
        for pot in round.pots.all()[:1]:
            add(("round_uuid", "pot_id"), {"round_uuid": round.uuid, "pot_id": pot.pk}, label)
        for criterion in round.criteria.all()[:1]:
            add(
                ("round_uuid", "criterion_id"),
                {"round_uuid": round.uuid, "criterion_id": criterion.pk},
                label,
            )
        for bid in round.applications.exclude(reference=None)[:1]:
            add(
                ("round_uuid", "application_uuid"),
                {"round_uuid": round.uuid, "application_uuid": bid.uuid},
                f"{label}, bid {bid.status}",
            )
    for fund in Fund.objects.all():
        add(("fund_uuid",), {"fund_uuid": fund.uuid}, "fund")
    for panel in panels:
        decided = all(item.decision != "pending" for item in panel.items.all())
        label = "panel decided" if decided else "panel pending"
        add(("panel_uuid",), {"panel_uuid": panel.uuid}, label)
        for item in _one_per_status(panel.items.all(), lambda i: i.decision):
            add(
                ("panel_uuid", "item_id"),
                {"panel_uuid": panel.uuid, "item_id": item.pk},
                f"item {item.decision}",
            )
    for award in awards:
        label = f"award {award.application.status}"
        add(("award_uuid",), {"award_uuid": award.uuid}, label)
        for instalment in award.instalments.all():
            paid = "paid" if instalment.paid_on else "unpaid"
            add(
                ("award_uuid", "position"),
                {"award_uuid": award.uuid, "position": instalment.position},
                f"{label} {paid}",
            )
    for details in _one_per_status(BankDetails.objects.select_related("award"), lambda b: b.status):
        kwargs = {"award_uuid": details.award.uuid, "bank_uuid": details.uuid}
        add(("award_uuid", "bank_uuid"), kwargs, f"bank {details.status}")
    for report in reports:
        add(("report_uuid",), {"report_uuid": report.uuid}, f"report {report.status}")
        for evidence in report.evidence.all()[:1]:
            add(
                ("report_uuid", "evidence_uuid"),
                {"report_uuid": report.uuid, "evidence_uuid": evidence.uuid},
                f"report {report.status}",
            )
    # The open data files: each format of every published version, and a made-up one.
    from opendata.models import PackageVersion

    for version in PackageVersion.objects.filter(status="published"):
        for extension in ("json", "csv", "xlsx"):
            kwargs = {"version": version.number, "extension": extension}
            add(("version", "extension"), kwargs, f"open data v{version.number}")
    add(("version", "extension"), {"version": 999, "extension": "txt"}, "open data unknown")
    for service in Service.objects.all()[:1]:
        add(("service_uuid",), {"service_uuid": service.uuid}, "service")
    for contract in contracts:
        label = f"contract {contract.status}"
        add(("contract_uuid",), {"contract_uuid": contract.uuid}, label)
        add(
            ("contract_uuid", "year"),
            {"contract_uuid": contract.uuid, "year": contract.start_date.year},
            label,
        )
    for monitoring_return in returns:
        label = f"return {monitoring_return.status}"
        add(("return_uuid",), {"return_uuid": monitoring_return.uuid}, label)
    # Org A, org B, and the provider.
    for name in ORGANISATION_NAMES:
        organisation = Organisation.objects.get(name=name)
        add(("organisation_uuid",), {"organisation_uuid": organisation.uuid}, name)
    for invitation in Invitation.objects.all()[:1]:
        add(("token",), {"token": invitation.token}, "invitation open")
    add(("token",), {"token": uuid.uuid4()}, "invitation unknown")
    for plan in Plan.objects.all():
        add(("code",), {"code": plan.code}, "plan")
    # Indicators with readings, with a district table, and with none.
    for indicator_code in ("P1-I2", "P1-I6", "P2-I5"):
        for indicator in Indicator.objects.filter(code=indicator_code).select_related("plan"):
            kwargs = {"code": indicator.plan.code, "indicator_code": indicator.code}
            add(("code", "indicator_code"), kwargs, f"indicator {indicator.code}")
    for reading in IndicatorReading.objects.filter(measure__indicator__code="P1-I2").select_related(
        "measure__indicator__plan"
    )[:1]:
        kwargs = {"code": reading.measure.indicator.plan.code, "reading_uuid": reading.uuid}
        add(("code", "reading_uuid"), kwargs, "reading")
    for upload in ReadingUpload.objects.select_related("plan")[:1]:
        kwargs = {"code": upload.plan.code, "upload_uuid": upload.uuid}
        add(("code", "upload_uuid"), kwargs, "readings upload")
    # Panel reports: one ready (with its PDF), one failed, one still waiting.
    for report in _panel_reports():
        kwargs = {"panel_report_uuid": report.uuid}
        add(("panel_report_uuid",), kwargs, f"panel report {report.status}")
    for measure_set in MeasureSet.objects.all()[:1]:
        add(("measure_set_uuid",), {"measure_set_uuid": measure_set.uuid}, "measure set")
    from accounts.services import api_token_create

    demo_applicant = User.objects.get(email=DEMO_EMAILS["applicant_a"])
    token = api_token_create(
        actor=demo_applicant, organisation=org_a, name="Crawl token", scopes=["read"]
    ).token
    add(("token_uuid",), {"token_uuid": token.uuid}, "API token")
    # allauth's links from emails: a made-up key shows its "bad link" page.
    add(("key",), {"key": "not-a-real-key"}, "bad key")
    add(("key", "uidb36"), {"uidb36": "zz", "key": "not-a-real-key"}, "bad key")
    return t


# ---------------------------------------------------------------------------------------
# The resolver


@dataclass
class Pattern:
    name: str  # "grants:application-detail", or the route when the pattern has no name
    parameters: frozenset[str]


def _walk(patterns, namespace: str = "", parameters: tuple = ()) -> Iterator[Pattern]:
    for entry in patterns:
        found = (*parameters, *entry.pattern.regex.groupindex)
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in (namespace, entry.namespace) if part)
            if inner in NOT_CRAWLED:
                continue
            yield from _walk(entry.url_patterns, inner, found)
        elif isinstance(entry, URLPattern):
            name = ":".join(p for p in (namespace, entry.name) if p) if entry.name else None
            yield Pattern(name or f"unnamed {entry.pattern}", frozenset(found))


def _patterns() -> list[Pattern]:
    return [p for p in _walk(get_resolver().url_patterns) if p.name not in NOT_CRAWLED]


# ---------------------------------------------------------------------------------------
# Page structure


class _Structure(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.lang = None
        self.counts: dict[str, int] = {}
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        self.counts[tag] = self.counts.get(tag, 0) + 1
        if tag == "html":
            self.lang = dict(attrs).get("lang")
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def structure_problems(html: str) -> list[str]:
    """What a page lacks: a language, a title, exactly one <h1>, one <main>."""
    parser = _Structure()
    parser.feed(html)
    problems = []
    if not parser.lang:
        problems.append("no lang on <html>")
    if not parser.title.strip():
        problems.append("no <title> text")
    if parser.counts.get("h1", 0) != 1:
        problems.append(f"{parser.counts.get('h1', 0)} <h1> elements, not 1")
    if parser.counts.get("main", 0) != 1:
        problems.append(f"{parser.counts.get('main', 0)} <main> elements, not 1")
    return problems


# ---------------------------------------------------------------------------------------
# Fixtures and tests


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[World]:
    """The demo world plus the missing statuses, rolled back after the module."""
    from django.contrib.auth.models import Group

    from commissioning.catalogue import seed_measure_set
    from commissioning.models import Measure, MeasureSet
    from config.celery import app
    from core.outbox import outbox_relay

    media = tmp_path_factory.mktemp("crawl-uploads")
    storages = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": media},
        },
    }
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    with (
        django_db_blocker.unblock(),
        override_settings(
            STORAGES=storages,
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
        transaction.atomic(),
    ):
        # A live-server test may have flushed what migrations made (PostgreSQL CI order):
        # the measure set and the staff groups.
        seed_measure_set(MeasureSet, Measure, year=2026, code="victim-services-2026-27")
        for role in Role:
            Group.objects.get_or_create(name=role.label)
        with override_settings(DEBUG=True):  # seed_demo refuses to run without it
            call_command("seed_demo", stdout=StringIO())
        outbox_relay()  # a worker sends the demo's letters and emails
        _fill_gaps()
        users: dict[str, User | None] = {"anonymous": None}
        users.update({name: User.objects.get(email=e) for name, e in DEMO_EMAILS.items()})
        from accounts.models import District

        query_values = {
            "measure_set": MeasureSet.objects.order_by("pk").first().pk,
            "district": District.objects.order_by("pk").first().pk,
        }
        built = World(users=users, storages=storages, query_values=query_values, targets=_targets())
        yield built
        transaction.set_rollback(True)
    app.conf.task_always_eager = eager


def test_the_world_has_every_status(world):
    """The crawl visits a bid in every application status (and so on), or it proves little."""
    from grants.models import Application

    labels = {target.label for target in world.targets[frozenset({"application_uuid"})]}
    assert labels == set(Application.Status)
    reports = {t.label for t in world.targets[frozenset({"report_uuid"})]}
    assert len(reports) == 5
    returns = {t.label for t in world.targets[frozenset({"return_uuid"})]}
    assert len(returns) == 5
    contracts = {t.label for t in world.targets[frozenset({"contract_uuid"})]}
    assert len(contracts) == 4


def _unfilled(patterns: list[Pattern], targets: dict) -> list[str]:
    return [
        f"{p.name} (parameters: {', '.join(sorted(p.parameters))})"
        for p in patterns
        if p.parameters not in targets
    ]


def test_every_url_pattern_is_crawled_or_listed(world):
    unfilled = _unfilled(_patterns(), world.targets)
    assert not unfilled, (
        "These URL patterns are neither crawled nor listed in NOT_CRAWLED: add a filler "
        "in _targets() for their parameters, or list them with the reason:\n" + "\n".join(unfilled)
    )
    listed = [*NOT_CRAWLED, LAST, *QUERIES]
    stale = [name for name in listed if name != "admin" and not _resolves(name)]
    assert not stale, f"NOT_CRAWLED names patterns that no longer exist: {stale}"


def test_a_new_pattern_with_parameters_nobody_fills_is_reported(world):
    new = Pattern("grants:widget-detail", frozenset({"widget_uuid"}))
    known = Pattern("grants:round-detail", frozenset({"round_uuid"}))
    assert _unfilled([known, new], world.targets) == [
        "grants:widget-detail (parameters: widget_uuid)"
    ]


def _resolves(name: str) -> bool:
    return any(p.name == name for p in _walk(get_resolver().url_patterns))


def _urls(world: World, pattern: Pattern, with_queries: bool) -> Iterator[tuple[Target, str]]:
    for target in world.targets[pattern.parameters]:
        url = reverse(pattern.name, kwargs=target.kwargs)
        yield target, url
        for query in QUERIES.get(pattern.name, []) if with_queries else []:
            yield target, f"{url}?{query.format(**world.query_values)}"


def _visit(client: Client, url: str, method: str = "get") -> tuple[int | None, str]:
    """GET `url` in a savepoint that is always rolled back: (status, HTML of a 200 page),
    or (None, what was raised and where)."""
    try:
        with transaction.atomic():
            response = getattr(client, method)(url)
            transaction.set_rollback(True)
    except Exception as error:
        frames = traceback.extract_tb(error.__traceback__)
        ours = [f for f in frames if "/site-packages/" not in f.filename] or frames
        where = f"{'/'.join(ours[-1].filename.rsplit('/', 2)[-2:])}:{ours[-1].lineno}"
        return None, f"{type(error).__name__}: {error} at {where}"
    content_type = response.get("Content-Type", "")
    body = ""
    if response.status_code == 200 and content_type.startswith("text/html"):
        body = response.content.decode()
    return response.status_code, body


def _crawl(world: World, persona: str, client: Client, method: str) -> list[str]:
    """Visit every URL as `persona`; what failed."""
    user = world.users[persona]
    if user is not None:
        client.force_login(user)
    failures = []
    pages_checked = 0
    for pattern in sorted(_patterns(), key=lambda pattern: pattern.name == LAST):
        # Query strings are for reading pages; forms get one empty POST each.
        for target, url in _urls(world, pattern, with_queries=method == "get"):
            status, body_or_error = _visit(client, url, method)
            problem = None
            if status is None:
                problem = body_or_error
            elif status >= 500:
                problem = f"answered {status}"
            elif body_or_error:
                pages_checked += 1
                missing = structure_problems(body_or_error)
                problem = "; ".join(missing) if missing else None
            if problem is None:
                continue
            label = target.label or "no parameters"
            failures.append(
                f"{method.upper()} {url} [{pattern.name}, {label}] as {persona}: {problem}"
            )
    if method == "get" and persona != "anonymous" and pages_checked < 20:
        failures.append(f"the crawl saw only {pages_checked} pages as {persona}")
    return failures


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_answers_without_a_server_error_and_has_page_structure(
    world, persona, client, settings
):
    settings.STORAGES = world.storages  # where the module's uploads are
    failures = _crawl(world, persona, client, "get")
    assert not failures, f"{len(failures)} pages failed:\n" + "\n".join(failures)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_form_refuses_an_empty_post_without_a_server_error(world, persona, client, settings):
    """An empty POST (every field left blank) is the commonest error state: it must get
    the page back with its errors, or a refusal, never a server error."""
    settings.STORAGES = world.storages
    failures = _crawl(world, persona, client, "post")
    assert not failures, f"{len(failures)} empty POSTs failed:\n" + "\n".join(failures)


def test_the_structure_check_names_what_a_page_lacks():
    page = "<html><head><title> </title></head><body><h1>A</h1><h1>B</h1></body></html>"
    assert structure_problems(page) == [
        "no lang on <html>",
        "no <title> text",
        "2 <h1> elements, not 1",
        "0 <main> elements, not 1",
    ]
    good = '<html lang="en"><title>Home</title><main><h1>Home</h1></main></html>'
    assert structure_problems(good) == []
