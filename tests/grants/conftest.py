from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from grants import services
from grants.models import Application, Award, Round
from grants.services.assessment import application_rescore
from grants.services.panel import InstalmentInput
from tests.factories import (
    PDF,
    ApplicationFactory,
    AssessmentFactory,
    RoundFactory,
    ScreeningFactory,
)

LONDON = ZoneInfo("Europe/London")


def noon(year: int, month: int, day: int) -> dt.datetime:
    return dt.datetime(year, month, day, 12, 0, tzinfo=LONDON)


def make_round(plan, *, number=5, opens_at=None, closes_at=None, prefix=None) -> Round:
    """An open round of the MSCF with its two pots (Pot 1: £15,000-£20,000; Pot 2: £500-£8,000)."""
    now = timezone.now()
    return RoundFactory(
        plan=plan,
        number=number,
        opens_at=opens_at or now - dt.timedelta(days=10),
        closes_at=closes_at or now + dt.timedelta(days=10),
        reference_prefix=prefix or f"MSCF-R{number}",
    )


@pytest.fixture
def open_round(plan) -> Round:
    return make_round(plan)


def pdf_upload(name: str = "constitution.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def complete_application(round: Round, organisation, user, amount=Decimal("6000")) -> Application:
    """A draft with every section answered, ready to submit."""
    application = ApplicationFactory(
        round=round, organisation=organisation, created_by=user, amount_requested=amount
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


def eligible_application(
    round: Round, organisation, user, *, officer, amount=Decimal("6000")
) -> Application:
    """A submitted bid that the officer screened eligible, made straight in the database:
    the journey to it is tested in test_submission.py and test_screening_and_assessment.py."""
    application = ApplicationFactory(
        round=round,
        organisation=organisation,
        created_by=user,
        amount_requested=amount,
        submitted=True,
        status=Application.Status.ELIGIBLE,
    )
    ScreeningFactory(application=application, screened_by=officer)
    return Application.objects.get(pk=application.pk)


def assessed(round: Round, personas, scores, *, amount=Decimal("6000")) -> Application:
    """Org A's bid, screened eligible by the officer and scored by each (assessor, values)
    in `scores` (None: n/a), made straight in the database: the journey to it is tested in
    test_screening_and_assessment.py and test_submission.py."""
    application = ApplicationFactory(
        round=round,
        organisation=personas.org_a,
        created_by=personas.applicant_a,
        amount_requested=amount,
        submitted=True,
        status=Application.Status.ASSESSED,
    )
    ScreeningFactory(application=application, screened_by=personas.officer)
    for assessor, values in scores:
        AssessmentFactory(
            application=application, assessor=assessor, assigned_by=personas.officer, scores=values
        )
    # Rescore from the database, as the services do (the round's threshold as stored).
    application_rescore(application=Application.objects.get(pk=application.pk))
    return Application.objects.get(pk=application.pk)


@pytest.fixture
def assessed_application(scoring_round, personas, second_assessor) -> Application:
    """Org A's bid, screened eligible and scored by two assessors: ready to be marked."""
    return assessed(
        scoring_round,
        personas,
        [(personas.assessor, [4, 3, 3, 3]), (second_assessor, [3, 3, 3, 2])],
    )


@pytest.fixture
def award(scoring_round, personas, second_assessor) -> Award:
    """An £8,000 award paid in two instalments, with one extra condition."""
    application = assessed(
        scoring_round,
        personas,
        [(personas.assessor, [3, 3, 3, 3]), (second_assessor, [3, 3, 3, 3])],
        amount=Decimal("8000"),
    )
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
