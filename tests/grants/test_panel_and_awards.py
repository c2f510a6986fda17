"""Marks, the frozen panel list, decisions, segregation of duties, awards and schedules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from accounts.roles import Role
from core.errors import NotAllowed
from core.models import OutboxMessage
from grants import services
from grants.models import Application, Award, PanelItem
from grants.services.panel import InstalmentInput
from tests.factories import UserFactory
from tests.grants.test_screening_and_assessment import changes_for

S = Application.Status


@pytest.fixture
def panel(assessed_application, personas):
    services.application_mark(
        application=assessed_application,
        actor=personas.officer,
        mark="recommended",
        recommended_amount="5500",
        note="Strong local need",
    )
    return services.panel_freeze(
        round=assessed_application.round, actor=personas.officer, note="IAB, March"
    )


def test_marking_records_the_recommendation_and_a_lower_amount(assessed_application, personas):
    services.application_mark(
        application=assessed_application,
        actor=personas.officer,
        mark="reserve",
        recommended_amount="£5,000",
    )
    assessed_application.refresh_from_db()
    assert assessed_application.mark == "reserve"
    assert assessed_application.recommended_amount == Decimal("5000")
    assert assessed_application.status == S.ASSESSED


@pytest.mark.parametrize(
    "amount", ["7000", "0", "-5", "lots", "12.345", "NaN", "Infinity", "5e3", "1E+3"]
)
def test_a_recommended_amount_above_the_request_or_not_money_is_refused(
    assessed_application, personas, amount
):
    with pytest.raises(ValidationError):
        services.application_mark(
            application=assessed_application,
            actor=personas.officer,
            mark="recommended",
            recommended_amount=amount,
        )
    assessed_application.refresh_from_db()
    assert assessed_application.mark == ""


def test_freezing_is_refused_while_an_assessed_bid_is_unmarked(assessed_application, personas):
    with pytest.raises(NotAllowed, match=assessed_application.reference):
        services.panel_freeze(round=assessed_application.round, actor=personas.officer)
    assessed_application.refresh_from_db()
    assert assessed_application.status == S.ASSESSED


def test_freezing_snapshots_the_list_and_moves_each_bid_to_its_mark(panel, assessed_application):
    item = panel.items.get()
    assert (item.rank, item.score, item.mark) == (1, Decimal("76.25"), "recommended")
    assert item.recommended_amount == Decimal("5500")
    assert item.within_budget
    application = Application.objects.get(pk=assessed_application.pk)
    assert application.status == S.RECOMMENDED
    assert changes_for(application)[-1] == (S.ASSESSED, S.RECOMMENDED)


def test_approval_makes_an_award_aligned_to_the_plan_with_one_payment_up_front(
    panel, assessed_application, personas, django_capture_on_commit_callbacks, mailoutbox
):
    application = assessed_application
    item = panel.items.get()
    with django_capture_on_commit_callbacks(execute=True):
        award = services.panel_item_approve(
            item=item, actor=personas.decision_maker, conditions="Report in 6 months"
        )
    application = Application.objects.get(pk=application.pk)
    # Approved, then offered once the award letter went out (through the outbox, on commit).
    assert {(S.RECOMMENDED, S.APPROVED), (S.APPROVED, S.OFFERED)} <= set(changes_for(application))
    assert application.status == S.OFFERED
    assert award.amount == Decimal("5500")
    assert award.reference == application.reference
    assert award.plan_id == application.round.plan_id
    assert award.primary_priority_id == application.primary_priority_id
    assert set(award.outcomes.all()) == set(application.outcomes.all())
    assert set(award.themes.all()) == set(application.themes.all())
    assert (award.planned_start, award.planned_end) == (
        application.start_date,
        application.end_date,
    )
    assert [(i.position, i.amount) for i in award.instalments.all()] == [(1, Decimal("5500"))]
    assert changes_for(application)[-1] == (S.APPROVED, S.OFFERED)
    assert award.history.count() == 1
    message = OutboxMessage.objects.get(kind="grants.award_made")
    assert message.sent_at is not None and message.message_id
    assert "£5,500" in mailoutbox[-1].body


def test_decline_needs_feedback_and_sends_it(
    panel, assessed_application, personas, django_capture_on_commit_callbacks, mailoutbox
):
    item = panel.items.get()
    with pytest.raises(ValidationError):
        services.panel_item_decline(item=item, actor=personas.decision_maker, feedback=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.panel_item_decline(
            item=item, actor=personas.decision_maker, feedback="Too little evidence of need."
        )
    application = Application.objects.get(pk=assessed_application.pk)
    assert application.status == S.DECLINED
    assert application.feedback == "Too little evidence of need."
    assert not Award.objects.exists()
    assert "Too little evidence of need." in mailoutbox[-1].body


def test_a_decision_maker_who_assessed_the_bid_is_refused_with_a_clear_message(
    panel, assessed_application, personas
):
    personas.assessor.groups.add(Group.objects.get(name=Role.DECISION_MAKER.label))
    assessor = type(personas.assessor).objects.get(pk=personas.assessor.pk)
    item = panel.items.get()
    with pytest.raises(NotAllowed, match=r"You assessed .* so another decision maker must decide"):
        services.panel_item_approve(item=item, actor=assessor)
    with pytest.raises(NotAllowed, match="You assessed"):
        services.panel_item_decline(item=item, actor=assessor, feedback="No")
    result = services.panel_approve_recommended(panel=panel, actor=assessor)
    assert result.approved == 0
    assert result.skipped[0][0] == assessed_application.reference
    item.refresh_from_db()
    assert item.decision == PanelItem.Decision.PENDING
    assert Application.objects.get(pk=assessed_application.pk).status == S.RECOMMENDED


@pytest.mark.parametrize("who", ["officer", "assessor", "administrator", "applicant_a"])
def test_only_decision_makers_decide(panel, personas, who):
    item = panel.items.get()
    with pytest.raises(NotAllowed):
        services.panel_item_approve(item=item, actor=getattr(personas, who))
    with pytest.raises(NotAllowed):
        services.panel_approve_recommended(panel=panel, actor=getattr(personas, who))
    assert not Award.objects.exists()


def test_a_bid_is_decided_once(panel, personas):
    item = panel.items.get()
    services.panel_item_approve(item=item, actor=personas.decision_maker)
    with pytest.raises(NotAllowed, match="already been approved"):
        services.panel_item_decline(item=item, actor=personas.decision_maker, feedback="No")
    assert Award.objects.count() == 1


def test_bulk_approval_approves_recommended_bids_at_their_recommended_amounts(panel, personas):
    result = services.panel_approve_recommended(panel=panel, actor=personas.decision_maker)
    assert (result.approved, result.total, result.skipped) == (1, Decimal("5500"), [])
    again = services.panel_approve_recommended(panel=panel, actor=personas.decision_maker)
    assert again.approved == 0


def test_the_panel_item_says_whether_approve_all_recommended_will_approve_it(panel, personas):
    item = panel.items.get()
    assert item.awaits_bulk_approval
    assert list(panel.items.awaiting_bulk_approval()) == [item]
    PanelItem.objects.filter(pk=item.pk).update(mark=Application.Mark.RESERVE)
    item.refresh_from_db()
    assert not item.awaits_bulk_approval
    assert not panel.items.awaiting_bulk_approval().exists()
    PanelItem.objects.filter(pk=item.pk).update(mark=Application.Mark.RECOMMENDED)
    services.panel_item_approve(item=item, actor=personas.decision_maker)
    item.refresh_from_db()
    assert not item.awaits_bulk_approval
    assert not panel.items.awaiting_bulk_approval().exists()


def test_an_award_above_the_request_is_refused(panel, personas):
    with pytest.raises(ValidationError):
        services.panel_item_approve(
            item=panel.items.get(), actor=personas.decision_maker, amount="9000"
        )
    assert not Award.objects.exists()


# Payment schedules


@pytest.fixture
def award(panel, personas) -> Award:
    return services.panel_item_approve(item=panel.items.get(), actor=personas.decision_maker)


def test_an_officer_splits_an_award_into_instalments(award, personas):
    services.award_schedule_set(
        award=award,
        actor=personas.officer,
        instalments=[
            InstalmentInput(dt.date(2027, 4, 1), Decimal("3000")),
            InstalmentInput(dt.date(2027, 10, 1), Decimal("2500")),
        ],
    )
    assert [(i.position, i.amount) for i in award.instalments.all()] == [
        (1, Decimal("3000")),
        (2, Decimal("2500")),
    ]


@pytest.mark.parametrize(
    ("instalments", "message"),
    [
        ([], "at least one"),
        (
            [InstalmentInput(dt.date(2027, 4, 1), Decimal("5000"))],
            "add up to £5,000 but the award is £5,500",
        ),
        (
            [
                InstalmentInput(dt.date(2027, 10, 1), Decimal("3000")),
                InstalmentInput(dt.date(2027, 4, 1), Decimal("2500")),
            ],
            "date order",
        ),
        (
            [
                InstalmentInput(dt.date(2027, 4, 1), Decimal("3000")),
                InstalmentInput(None, Decimal("2500")),
            ],
            "Give every payment both a date and an amount",
        ),
        (
            [InstalmentInput(dt.date(2027, 4, 1), None)],
            "Give every payment both a date and an amount",
        ),
    ],
)
def test_a_schedule_that_does_not_add_up_is_refused_and_the_old_one_kept(
    award, personas, instalments, message
):
    with pytest.raises(ValidationError, match=message):
        services.award_schedule_set(award=award, actor=personas.officer, instalments=instalments)
    assert [(i.position, i.amount) for i in award.instalments.all()] == [(1, Decimal("5500"))]


def test_a_second_decision_maker_can_decide_what_the_first_may_not(panel, personas):
    other = UserFactory(roles=[Role.DECISION_MAKER])
    award = services.panel_item_approve(item=panel.items.get(), actor=other)
    assert award.decided_by == other


def test_one_decision_service_approves_or_declines_and_refuses_anything_else(panel, personas):
    item = panel.items.get()
    with pytest.raises(ValidationError) as raised:
        services.panel_item_decide(item=item, actor=personas.decision_maker, decision="maybe")
    assert raised.value.message_dict == {"decision": ["Choose approve or decline."]}
    award = services.panel_item_decide(
        item=item, actor=personas.decision_maker, decision="approve", amount="5000"
    )
    item.refresh_from_db()
    assert award.amount == Decimal("5000") and item.decision == PanelItem.Decision.APPROVED
