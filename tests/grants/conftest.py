from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from grants import services
from grants.models import Application, ApplicationDocument, Award, BudgetLine, Fund, Pot, Round
from grants.services.panel import InstalmentInput

LONDON = ZoneInfo("Europe/London")
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def noon(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, 12, 0, tzinfo=LONDON)


def make_round(plan, *, number=5, opens_at=None, closes_at=None, prefix=None) -> Round:
    fund, _ = Fund.objects.get_or_create(
        code="mscf", defaults={"name": "Mayor's Safer Communities Fund"}
    )
    now = timezone.now()
    round = Round.objects.create(
        fund=fund,
        number=number,
        title="Multiple and Complex Needs",
        opens_at=opens_at or now - dt.timedelta(days=10),
        closes_at=closes_at or now + dt.timedelta(days=10),
        status=Round.Status.OPEN,
        plan=plan,
        reference_prefix=prefix or f"MSCF-R{number}",
    )
    Pot.objects.create(
        round=round, name="Pot 1", min_award=15000, max_award=20000, budget=750000, position=1
    )
    Pot.objects.create(
        round=round, name="Pot 2", min_award=500, max_award=8000, budget=250000, position=2
    )
    return round


@pytest.fixture
def open_round(plan) -> Round:
    return make_round(plan)


def pdf_upload(name: str = "constitution.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def complete_application(round: Round, organisation, user, amount=Decimal("6000")) -> Application:
    """A draft with every section answered, ready to submit."""
    application = services.application_start(round=round, organisation=organisation, actor=user)
    start = timezone.localtime(round.closes_at).date() + dt.timedelta(days=30)
    priority = round.plan.priorities.get(code="P3")
    services.application_save_section(
        application=application,
        actor=user,
        section="project",
        values={
            "project_title": "Gloves Up, Knives Down",
            "summary": "Boxing and mentoring.",
            "activities": "Weekly sessions.",
            "start_date": start,
            "end_date": start + dt.timedelta(days=200),
            "pot": round.pots.get(name="Pot 2"),
            "amount_requested": amount,
        },
    )
    services.application_save_section(
        application=application,
        actor=user,
        section="where",
        values={
            "across_west_yorkshire": True,
            "beneficiary_groups": "Young people",
            "beneficiary_count": 80,
        },
    )
    services.application_save_section(
        application=application,
        actor=user,
        section="alignment",
        values={
            "primary_priority": priority,
            "contribution": "Diverts young people from violence.",
        },
    )
    services.budget_line_add(
        application=application,
        actor=user,
        description="Coaches",
        category=BudgetLine.Category.STAFF,
        amount=amount,
    )
    for kind in ApplicationDocument.REQUIRED:
        services.document_upload(
            application=application, actor=user, kind=kind, uploaded=pdf_upload()
        )
    services.application_save_section(
        application=application,
        actor=user,
        section="declarations",
        values={
            "declaration_true": True,
            "declaration_terms": True,
            "declaration_data": True,
            "submitter_name": "Aisha Khan",
        },
    )
    return Application.objects.get(pk=application.pk)


# ---------------------------------------------------------------------------
# Screening and assessment


def submitted_application(round: Round, organisation, user, amount=Decimal("6000")) -> Application:
    application = complete_application(round, organisation, user, amount=amount)
    return services.application_submit(application=application, actor=user)


@pytest.fixture
def scoring_round(plan) -> Round:
    """An open round with the four MSCF criteria (0-4) and the standard screening checks."""
    from tests.grants.builders import with_criteria

    return with_criteria(make_round(plan, number=9))


@pytest.fixture
def second_assessor(db):
    from accounts.roles import Role
    from tests.factories import UserFactory

    return UserFactory(email="ben@example.org", full_name="Ben Second", roles=[Role.ASSESSOR])


def screen_eligible(application: Application, officer) -> Application:
    from grants.services.screening import CheckAnswer

    checks = services.screening_checks_ensure(round=application.round)
    services.application_screen(
        application=application,
        actor=officer,
        answers=[CheckAnswer(check.question, True) for check in checks],
        outcome="eligible",
    )
    return Application.objects.get(pk=application.pk)


def score_all(assessment, values, *, recommendation="fund"):
    """Declare no conflict, score every criterion with `values` (None: n/a) and submit."""
    from grants.services.assessment import ScoreInput

    criteria = list(assessment.application.round.criteria.all())
    services.assessment_declare(assessment=assessment, actor=assessment.assessor, conflict=False)
    services.assessment_save(
        assessment=assessment,
        actor=assessment.assessor,
        scores={
            c.pk: ScoreInput(value=v, not_applicable=v is None, comment="Because.")
            for c, v in zip(criteria, values, strict=True)
        },
        overall_comment="Overall fine.",
        recommendation=recommendation,
    )
    return services.assessment_submit(assessment=assessment, actor=assessment.assessor)


@pytest.fixture
def assessed_application(scoring_round, personas, second_assessor) -> Application:
    """Org A's bid, screened eligible and scored by two assessors: ready to be marked."""
    application = submitted_application(scoring_round, personas.org_a, personas.applicant_a)
    application = screen_eligible(application, personas.officer)
    for assessor, values in ((personas.assessor, [4, 3, 3, 3]), (second_assessor, [3, 3, 3, 2])):
        assessment = services.assessment_assign(
            application=application, assessor=assessor, actor=personas.officer
        )
        score_all(assessment, values)
    return Application.objects.get(pk=application.pk)


@pytest.fixture
def award(scoring_round, personas, second_assessor) -> Award:
    """An £8,000 award paid in two instalments, with one extra condition."""
    application = screen_eligible(
        submitted_application(
            scoring_round, personas.org_a, personas.applicant_a, amount=Decimal("8000")
        ),
        personas.officer,
    )
    for assessor in (personas.assessor, second_assessor):
        score_all(
            services.assessment_assign(
                application=application, assessor=assessor, actor=personas.officer
            ),
            [3, 3, 3, 3],
        )
    application.refresh_from_db()
    services.application_mark(application=application, actor=personas.officer, mark="recommended")
    panel = services.panel_freeze(round=application.round, actor=personas.officer)
    award = services.panel_item_approve(
        item=panel.items.get(),
        actor=personas.decision_maker,
        conditions="Send us copies of the DBS checks for the coaches.",
    )
    services.award_schedule_set(
        award=award,
        actor=personas.officer,
        instalments=[
            InstalmentInput(dt.date(2027, 4, 1), Decimal("5000")),
            InstalmentInput(dt.date(2027, 10, 1), Decimal("3000")),
        ],
    )
    return Award.objects.get(pk=award.pk)
