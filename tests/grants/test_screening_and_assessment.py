"""Screening, assigning assessors, declaring conflicts, scoring and moderating."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.roles import Role
from core.errors import NotAllowed
from core.models import OutboxMessage, StatusChange
from grants import services
from grants.models import Application, Assessment, Screening
from grants.services.assessment import ScoreInput
from grants.services.screening import CheckAnswer
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.grants.conftest import score_all, screen_eligible, submitted_application

S = Application.Status


def changes_for(obj) -> list[tuple[str, str]]:
    return list(
        StatusChange.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        ).values_list("from_status", "to_status")
    )


@pytest.fixture
def submitted(scoring_round, personas) -> Application:
    return submitted_application(scoring_round, personas.org_a, personas.applicant_a)


def answers(round, failing: str | None = None) -> list[CheckAnswer]:
    checks = services.screening_checks_ensure(round=round)
    return [CheckAnswer(c.question, c.question != failing, "") for c in checks]


# Screening


def test_a_round_starts_with_the_standard_due_diligence_checks(scoring_round):
    questions = [c.question for c in services.screening_checks_ensure(round=scoring_round)]
    assert "Governing document present" in questions
    assert "Two unrelated signatories" in questions
    assert "Earlier grant reports up to date" in questions


def test_an_eligible_bid_passes_every_check_and_writes_one_status_change(submitted, personas):
    screening = services.application_screen(
        application=submitted,
        actor=personas.officer,
        answers=answers(submitted.round),
        outcome=Screening.Outcome.ELIGIBLE,
    )
    submitted.refresh_from_db()
    assert submitted.status == S.ELIGIBLE
    assert all(result["passed"] for result in screening.results)
    assert changes_for(submitted)[-1] == (S.SUBMITTED, S.ELIGIBLE)
    assert not OutboxMessage.objects.exclude(kind="grants.application_receipt").exists()


def test_an_ineligible_bid_records_the_reason_and_queues_a_plain_words_email(
    submitted, personas, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        services.application_screen(
            application=submitted,
            actor=personas.officer,
            answers=answers(submitted.round, failing="Safeguarding policy"),
            outcome=Screening.Outcome.INELIGIBLE,
            reason="We could not find a safeguarding policy in your documents.",
        )
    submitted.refresh_from_db()
    assert submitted.status == S.INELIGIBLE
    assert submitted.screening.failed[0]["question"] == "Safeguarding policy"
    assert OutboxMessage.objects.get(kind="grants.application_ineligible").sent_at is not None
    [email] = [m for m in mailoutbox if "not eligible" in m.subject]
    assert "could not find a safeguarding policy" in email.body
    assert sorted(mailoutbox[0].to) == ["alice@example.org", "colin@example.org"]


@pytest.mark.parametrize(
    ("outcome", "reason", "failing", "field"),
    [
        ("eligible", "", "Safeguarding policy", "outcome"),
        ("ineligible", "  ", "Safeguarding policy", "reason"),
        ("maybe", "", None, "outcome"),
    ],
)
def test_screening_refuses_an_inconsistent_outcome_and_changes_nothing(
    submitted, personas, outcome, reason, failing, field
):
    with pytest.raises(ValidationError) as error:
        services.application_screen(
            application=submitted,
            actor=personas.officer,
            answers=answers(submitted.round, failing=failing),
            outcome=outcome,
            reason=reason,
        )
    assert field in error.value.message_dict
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED
    assert not Screening.objects.exists()


def test_screening_twice_is_refused(submitted, personas):
    screen_eligible(submitted, personas.officer)
    with pytest.raises(NotAllowed, match="already been screened"):
        screen_eligible(submitted, personas.officer)


@pytest.mark.parametrize("who", ["assessor", "decision_maker", "applicant_a"])
def test_only_officers_screen(submitted, personas, who):
    with pytest.raises(NotAllowed):
        services.application_screen(
            application=submitted,
            actor=getattr(personas, who),
            answers=answers(submitted.round),
            outcome="eligible",
        )
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED


# Assignment


def test_assigning_moves_an_eligible_bid_into_assessment(submitted, personas):
    application = screen_eligible(submitted, personas.officer)
    assessment = services.assessment_assign(
        application=application, assessor=personas.assessor, actor=personas.officer
    )
    application.refresh_from_db()
    assert application.status == S.IN_ASSESSMENT
    assert assessment.status == Assessment.Status.ASSIGNED
    assert changes_for(assessment) == [("", "assigned")]


def test_a_member_of_the_applicant_organisation_cannot_assess_its_bid(submitted, personas):
    application = screen_eligible(submitted, personas.officer)
    MembershipFactory(user=personas.assessor, organisation=personas.org_a)
    with pytest.raises(NotAllowed, match="belongs to Org A Youth Project"):
        services.assessment_assign(
            application=application, assessor=personas.assessor, actor=personas.officer
        )
    assert not Assessment.objects.exists()


def test_someone_without_the_assessor_role_cannot_be_assigned(submitted, personas):
    application = screen_eligible(submitted, personas.officer)
    with pytest.raises(NotAllowed, match="not an assessor"):
        services.assessment_assign(
            application=application, assessor=personas.decision_maker, actor=personas.officer
        )


def test_a_bid_not_yet_screened_cannot_be_assigned(submitted, personas):
    with pytest.raises(NotAllowed, match="eligible bids"):
        services.assessment_assign(
            application=submitted, assessor=personas.assessor, actor=personas.officer
        )


def test_bulk_assignment_balances_workload_and_avoids_members(scoring_round, personas, plan):
    assessors = [UserFactory(roles=[Role.ASSESSOR]) for _ in range(3)]
    bids = []
    for i in range(6):
        organisation = OrganisationFactory(name=f"Group {i}")
        owner = MembershipFactory(organisation=organisation).user
        bids.append(
            screen_eligible(
                submitted_application(scoring_round, organisation, owner), personas.officer
            )
        )
    # The first assessor volunteers with group 0: never given its bid.
    MembershipFactory(user=assessors[0], organisation=bids[0].organisation, role="member")
    result = services.assessors_assign_balanced(
        round=scoring_round, assessors=assessors, per_application=2, actor=personas.officer
    )
    assert result.assigned == 12
    assert result.short == []
    loads = [Assessment.objects.filter(assessor=a).count() for a in assessors]
    assert sorted(loads) == [4, 4, 4]
    assert not Assessment.objects.filter(application=bids[0], assessor=assessors[0]).exists()
    for bid in bids:
        assert bid.assessments.count() == 2
    # Running it again changes nothing: every bid already has two.
    again = services.assessors_assign_balanced(
        round=scoring_round, assessors=assessors, per_application=2, actor=personas.officer
    )
    assert again.assigned == 0


def test_bulk_assignment_reports_bids_it_cannot_fill(submitted, personas):
    screen_eligible(submitted, personas.officer)
    result = services.assessors_assign_balanced(
        round=submitted.round,
        assessors=[personas.assessor],
        per_application=2,
        actor=personas.officer,
    )
    assert result.assigned == 1
    assert result.short == [
        (submitted.reference, "only 1 of 2 assessors are free of conflicts for it")
    ]


# Declarations


def test_declaring_no_conflict_opens_the_bid_for_scoring(submitted, personas):
    application = screen_eligible(submitted, personas.officer)
    assessment = services.assessment_assign(
        application=application, assessor=personas.assessor, actor=personas.officer
    )
    services.assessment_declare(assessment=assessment, actor=personas.assessor, conflict=False)
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.IN_PROGRESS
    assert assessment.declared_at is not None


def test_declaring_a_conflict_recuses_and_lets_the_officer_reassign(
    submitted, personas, second_assessor
):
    application = screen_eligible(submitted, personas.officer)
    assessment = services.assessment_assign(
        application=application, assessor=personas.assessor, actor=personas.officer
    )
    services.assessment_declare(
        assessment=assessment, actor=personas.assessor, conflict=True, reason="I am a trustee"
    )
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.RECUSED
    assert assessment.conflict_reason == "I am a trustee"
    assert changes_for(assessment)[-1] == ("assigned", "recused")
    # The recused assessor can never be given it again; someone else can.
    with pytest.raises(NotAllowed, match="declared a conflict"):
        services.assessment_assign(
            application=application, assessor=personas.assessor, actor=personas.officer
        )
    services.assessment_assign(
        application=application, assessor=second_assessor, actor=personas.officer
    )


def test_a_conflict_needs_a_reason(submitted, personas):
    application = screen_eligible(submitted, personas.officer)
    assessment = services.assessment_assign(
        application=application, assessor=personas.assessor, actor=personas.officer
    )
    with pytest.raises(ValidationError):
        services.assessment_declare(
            assessment=assessment, actor=personas.assessor, conflict=True, reason=""
        )
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.ASSIGNED


def test_only_the_assigned_assessor_declares(submitted, personas, second_assessor):
    application = screen_eligible(submitted, personas.officer)
    assessment = services.assessment_assign(
        application=application, assessor=personas.assessor, actor=personas.officer
    )
    with pytest.raises(NotAllowed):
        services.assessment_declare(assessment=assessment, actor=second_assessor, conflict=False)


# Scoring


@pytest.fixture
def in_progress(submitted, personas) -> Assessment:
    application = screen_eligible(submitted, personas.officer)
    assessment = services.assessment_assign(
        application=application, assessor=personas.assessor, actor=personas.officer
    )
    return services.assessment_declare(
        assessment=assessment, actor=personas.assessor, conflict=False
    )


def test_a_draft_may_be_partial_but_submission_needs_every_score_and_comment(in_progress, personas):
    criterion = in_progress.application.round.criteria.first()
    services.assessment_save(
        assessment=in_progress,
        actor=personas.assessor,
        scores={criterion.pk: ScoreInput(value=3, comment="")},
        overall_comment="",
        recommendation="",
    )
    with pytest.raises(ValidationError) as error:
        services.assessment_submit(assessment=in_progress, actor=personas.assessor)
    problems = error.value.message_dict
    assert f"comment_{criterion.pk}" in problems
    assert "overall_comment" in problems and "recommendation" in problems
    assert len([k for k in problems if k.startswith("score_")]) == 3
    in_progress.refresh_from_db()
    assert in_progress.status == Assessment.Status.IN_PROGRESS
    assert in_progress.scores.get().value == 3  # the draft is kept


def test_not_applicable_is_refused_where_the_criterion_does_not_allow_it(in_progress, personas):
    need = in_progress.application.round.criteria.get(name="Need and evidence")
    with pytest.raises(ValidationError, match="cannot be not applicable"):
        services.assessment_save(
            assessment=in_progress,
            actor=personas.assessor,
            scores={need.pk: ScoreInput(value=None, not_applicable=True)},
            overall_comment="",
            recommendation="",
        )


def test_the_weighted_score_leaves_out_not_applicable(submitted, personas):
    application = screen_eligible(submitted, personas.officer)
    assessment = services.assessment_assign(
        application=application, assessor=personas.assessor, actor=personas.officer
    )
    # Weights 30/25/25/20; partnership (20) is n/a: (30*4/4 + 25*2/4 + 25*2/4) / 80.
    submitted = score_all(assessment, [4, 2, 2, None])
    assert submitted.weighted_score == Decimal("68.75")
    assert submitted.status == Assessment.Status.SUBMITTED


def test_the_bid_is_assessed_when_the_rounds_number_of_assessors_have_submitted(
    assessed_application,
):
    application = assessed_application
    assert application.status == S.ASSESSED
    assert application.assessments_submitted == 2
    # 82.50 and 70.00
    assert application.score_mean == Decimal("76.25")
    assert application.score_spread == Decimal("12.50")
    assert application.moderation_flags == []


def test_a_wide_spread_and_a_score_under_the_minimum_are_flagged(
    submitted, personas, second_assessor
):
    application = screen_eligible(submitted, personas.officer)
    for assessor, values in ((personas.assessor, [4, 4, 4, 4]), (second_assessor, [1, 2, 2, 2])):
        score_all(
            services.assessment_assign(
                application=application, assessor=assessor, actor=personas.officer
            ),
            values,
        )
    application.refresh_from_db()
    assert application.score_spread == Decimal("57.50")
    assert application.moderation_flags == [
        "Assessors' scores differ by 57.50 points (more than 20.00)",
        "Need and evidence: scored 1, under the minimum of 2",
    ]


def test_a_submitted_assessment_cannot_be_changed_by_its_assessor(assessed_application, personas):
    assessment = assessed_application.assessments.get(assessor=personas.assessor)
    with pytest.raises(NotAllowed):
        services.assessment_save(
            assessment=assessment,
            actor=personas.assessor,
            scores={},
            overall_comment="changed",
            recommendation="fund",
        )
    with pytest.raises(NotAllowed):
        services.assessment_reopen(assessment=assessment, actor=personas.assessor, reason="oops")


def test_an_officer_reopens_an_assessment_and_the_bid_goes_back_into_assessment(
    assessed_application, personas
):
    assessment = assessed_application.assessments.get(assessor=personas.assessor)
    services.assessment_reopen(
        assessment=assessment, actor=personas.officer, reason="Score 1 does not match the comment"
    )
    assessment.refresh_from_db()
    application = Application.objects.get(pk=assessed_application.pk)
    assert assessment.status == Assessment.Status.IN_PROGRESS
    assert assessment.weighted_score is None
    assert application.status == S.IN_ASSESSMENT
    assert application.assessments_submitted == 1
    assert application.score_mean == Decimal("70.00")
    assert changes_for(assessment)[-1] == ("submitted", "in_progress")
    assert changes_for(application)[-1] == ("assessed", "in_assessment")


# Moderation


def test_moderation_sets_a_score_with_a_reason_and_keeps_the_originals(
    assessed_application, personas
):
    services.application_moderate(
        application=assessed_application,
        actor=personas.officer,
        score="80",
        reason="Calibrated against similar bids",
    )
    application = Application.objects.get(pk=assessed_application.pk)
    assert application.moderated_score == Decimal("80.00")
    assert application.final_score == Decimal("80.00")
    assert application.score_mean == Decimal("76.25")
    assert sorted(a.weighted_score for a in application.assessments.all()) == [
        Decimal("70.00"),
        Decimal("82.50"),
    ]


@pytest.mark.parametrize(
    ("score", "reason", "field"),
    [
        ("80", "", "reason"),
        ("eighty", "why", "score"),
        ("101", "why", "score"),
        ("-1", "why", "score"),
    ],
)
def test_moderation_refuses_bad_input(assessed_application, personas, score, reason, field):
    with pytest.raises(ValidationError) as error:
        services.application_moderate(
            application=assessed_application, actor=personas.officer, score=score, reason=reason
        )
    assert field in error.value.message_dict
    assessed_application.refresh_from_db()
    assert assessed_application.moderated_score is None


def test_only_officers_moderate(assessed_application, personas):
    with pytest.raises(NotAllowed):
        services.application_moderate(
            application=assessed_application,
            actor=personas.assessor,
            score="90",
            reason="I like it",
        )


def test_viewing_the_checklist_pages_writes_nothing(submitted, client_for, personas):
    from grants.models import ScreeningCheck

    officer = client_for(personas.officer)
    round = submitted.round
    ScreeningCheck.objects.filter(round=round).delete()  # as a round made before checklists
    assert officer.get(reverse("grants:staff-round-checks", args=[round.uuid])).status_code == 200
    screen = reverse("grants:staff-application-screen", args=[submitted.uuid])
    assert officer.get(screen).status_code == 200
    assert not ScreeningCheck.objects.filter(round=round).exists()


def test_a_round_created_by_an_officer_starts_with_the_standard_checks(plan, personas):
    from grants.models import Fund
    from tests.grants.conftest import noon

    round = services.round_save(
        details=services.RoundDetails(
            fund=Fund.objects.create(name="Safer Streets Fund", code="ssf"),
            number=1,
            title="Safer Streets",
            plan=plan,
            opens_at=noon(2027, 3, 1),
            closes_at=noon(2027, 4, 1),
            reference_prefix="SSF-R1",
        ),
        actor=personas.officer,
    )
    questions = list(round.screening_checks.values_list("question", flat=True))
    assert "Governing document present" in questions
    assert "Earlier grant reports up to date" in questions


def test_the_migration_gives_older_rounds_the_standard_checks_and_leaves_the_rest(plan):
    import importlib

    from django.apps import apps

    from grants.models import DEFAULT_SCREENING_CHECKS, ScreeningCheck
    from tests.grants.conftest import make_round

    migration = importlib.import_module("grants.migrations.0008_screening_checks_for_every_round")
    assert migration.STANDARD_CHECKS == DEFAULT_SCREENING_CHECKS
    bare, own = make_round(plan, number=1), make_round(plan, number=2)
    ScreeningCheck.objects.create(round=own, question="Our own check", position=1)
    migration.add_standard_checks(apps, None)
    assert bare.screening_checks.count() == len(DEFAULT_SCREENING_CHECKS)
    assert list(own.screening_checks.values_list("question", flat=True)) == ["Our own check"]
