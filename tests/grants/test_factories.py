"""The grants factories make the same state the services would: a factory draft can be
submitted as it is, factory bids take their round's next reference, and a factory-scored
bid has the mean, spread and flags that scoring through the services gives."""

from __future__ import annotations

from grants import services
from grants.models import Application
from tests.factories import ApplicationFactory, AwardFactory
from tests.grants.conftest import (
    assessed,
    make_round,
    score_all,
    screen_eligible,
    submitted_application,
)


def test_a_factory_draft_can_be_submitted_as_it_is(personas, plan):
    round = make_round(plan, number=41)
    draft = ApplicationFactory(
        round=round, organisation=personas.org_a, created_by=personas.applicant_a
    )
    submitted = services.application_submit(application=draft, actor=personas.applicant_a)
    submitted.refresh_from_db()
    assert submitted.status == Application.Status.SUBMITTED
    assert submitted.reference == "MSCF-R41-0001"
    assert submitted.budget_lines.count() == 1
    assert submitted.documents.count() == 3


def test_factory_bids_take_their_rounds_next_reference(personas, plan):
    round = make_round(plan, number=42)
    first = ApplicationFactory(round=round, submitted=True)
    second = ApplicationFactory(round=round, submitted=True)
    third = submitted_application(round, personas.org_a, personas.applicant_a)
    assert [first.reference, second.reference, third.reference] == [
        "MSCF-R42-0001",
        "MSCF-R42-0002",
        "MSCF-R42-0003",
    ]


def test_a_factory_scored_bid_matches_one_scored_through_the_services(
    scoring_round, personas, second_assessor
):
    values = [(personas.assessor, [4, 3, 3, 1]), (second_assessor, [1, 3, 2, 2])]
    made = assessed(scoring_round, personas, values)
    journey = screen_eligible(
        submitted_application(scoring_round, personas.org_b, personas.applicant_b),
        personas.officer,
    )
    for assessor, scores in values:
        score_all(
            services.assessment_assign(
                application=journey, assessor=assessor, actor=personas.officer
            ),
            scores,
        )
    journey.refresh_from_db()
    fields = ("status", "assessments_submitted", "score_mean", "score_spread", "moderation_flags")
    assert [getattr(made, f) for f in fields] == [getattr(journey, f) for f in fields]
    assert sorted(made.assessments.values_list("weighted_score", flat=True)) == sorted(
        journey.assessments.values_list("weighted_score", flat=True)
    )


def test_an_award_factory_pays_its_instalments_as_given(plan):
    import datetime as dt

    award = AwardFactory(
        application__round=make_round(plan, number=43),
        instalments=[
            (dt.date(2027, 4, 1), "1000", dt.date(2027, 4, 2)),
            (dt.date(2027, 9, 1), "5000", None),
        ],
    )
    rows = list(award.instalments.values_list("position", "amount", "paid_amount"))
    assert [(p, int(a), paid and int(paid)) for p, a, paid in rows] == [
        (1, 1000, 1000),
        (2, 5000, None),
    ]
    assert award.reference == award.application.reference
