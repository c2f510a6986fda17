"""Every workflow move: illegal ones raise and change nothing; legal ones write one audit row."""

from __future__ import annotations

import itertools

import pytest
from django.contrib.contenttypes.models import ContentType

from core.errors import InvalidTransition
from core.models import StatusChange
from core.workflow import transition, transition_many
from grants import services
from grants.models import Application, Assessment, Round
from tests.factories import OrganisationFactory, UserFactory
from tests.grants.conftest import make_round


def _audit_rows(obj) -> int:
    return StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).count()


def _check_every_move(obj, model, actor):
    for from_status in model.Status.values:
        for to_status in model.Status.values:
            model.objects.filter(pk=obj.pk).update(status=from_status)
            obj.refresh_from_db()
            before = _audit_rows(obj)
            if to_status in model.TRANSITIONS[from_status]:
                change = transition(obj, to_status=to_status, actor=actor, reason="test")
                obj.refresh_from_db()
                assert obj.status == to_status
                assert _audit_rows(obj) == before + 1
                assert (change.from_status, change.to_status, change.actor) == (
                    from_status,
                    to_status,
                    actor,
                )
            else:
                with pytest.raises(InvalidTransition):
                    transition(obj, to_status=to_status, actor=actor)
                obj.refresh_from_db()
                assert obj.status == from_status, f"{from_status} -> {to_status} changed it"
                assert _audit_rows(obj) == before


@pytest.mark.django_db
def test_every_application_move_is_checked_against_the_table(plan):
    round = make_round(plan)
    application = Application.objects.create(round=round, organisation=OrganisationFactory())
    _check_every_move(application, Application, UserFactory())


@pytest.mark.django_db
def test_every_assessment_move_is_checked_against_the_table(plan):
    round = make_round(plan)
    application = Application.objects.create(round=round, organisation=OrganisationFactory())
    assessment = Assessment.objects.create(application=application, assessor=UserFactory())
    _check_every_move(assessment, Assessment, UserFactory())


def test_the_application_table_follows_the_documented_pipeline():
    s = Application.Status
    path = [
        s.DRAFT,
        s.SUBMITTED,
        s.ELIGIBLE,
        s.IN_ASSESSMENT,
        s.ASSESSED,
        s.RECOMMENDED,
        s.APPROVED,
        s.OFFERED,
        s.ACCEPTED,
        s.ACTIVE,
        s.COMPLETED,
    ]
    for here, there in itertools.pairwise(path):
        assert there in Application.TRANSITIONS[here]
    for ended in (s.INELIGIBLE, s.DECLINED, s.OFFER_DECLINED, s.COMPLETED, s.WITHDRAWN):
        assert Application.TRANSITIONS[ended] == set()
    assert set(Application.TRANSITIONS) == set(s.values)
    assert set(Assessment.TRANSITIONS) == set(Assessment.Status.values)


@pytest.mark.django_db
def test_every_round_move_is_checked_against_the_table(plan):
    _check_every_move(make_round(plan), Round, UserFactory())


def test_an_opened_round_never_returns_to_draft():
    s = Round.Status
    assert {s.DRAFT: {s.OPEN}, s.OPEN: {s.CLOSED}, s.CLOSED: {s.OPEN}} == Round.TRANSITIONS


@pytest.mark.django_db
def test_a_round_opens_and_closes_through_its_services_with_one_audit_row_each(plan):
    officer = UserFactory()
    round = make_round(plan)
    Round.objects.filter(pk=round.pk).update(status=Round.Status.DRAFT)
    round.refresh_from_db()

    services.round_open(round=round, actor=officer)
    round.refresh_from_db()
    assert round.status == Round.Status.OPEN
    services.round_close(round=round, actor=officer)
    round.refresh_from_db()
    assert round.status == Round.Status.CLOSED

    rows = StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(Round), object_id=round.pk
    ).order_by("pk")
    assert [(r.from_status, r.to_status, r.actor) for r in rows] == [
        ("draft", "open", officer),
        ("open", "closed", officer),
    ]
    with pytest.raises(InvalidTransition):
        services.round_close(round=round, actor=officer)
    assert _audit_rows(round) == 2


@pytest.mark.django_db
def test_moving_many_at_once_checks_every_one_first_and_writes_nothing_if_one_cannot(plan):
    round = make_round(plan)
    officer = UserFactory()
    bids = [
        Application.objects.create(round=round, organisation=OrganisationFactory(), status=status)
        for status in ("eligible", "eligible", "draft")
    ]
    with pytest.raises(InvalidTransition):
        transition_many(bids, to_status="in_assessment", actor=officer, reason="test")
    assert [b.status for b in Application.objects.order_by("pk")] == [
        "eligible",
        "eligible",
        "draft",
    ]
    assert not StatusChange.objects.exists()

    changes = transition_many(bids[:2], to_status="in_assessment", actor=officer, reason="r")
    assert [(c.object_id, c.from_status, c.to_status, c.actor, c.reason) for c in changes] == [
        (b.pk, "eligible", "in_assessment", officer, "r") for b in bids[:2]
    ]
    assert [b.status for b in Application.objects.order_by("pk")] == [
        "in_assessment",
        "in_assessment",
        "draft",
    ]
    assert Application.history.filter(status="in_assessment", history_user=officer).count() == 2
