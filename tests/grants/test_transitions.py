"""Every workflow move: illegal ones raise and change nothing; legal ones write one audit row."""

from __future__ import annotations

import itertools

import pytest
from django.contrib.contenttypes.models import ContentType

from core.errors import InvalidTransition
from core.models import StatusChange
from core.workflow import transition
from grants.models import Application, Assessment
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
