"""The move to "offered" once the award letter has gone, and how its system actor shows."""

from __future__ import annotations

from django.urls import reverse

from core.models import StatusChange
from core.outbox import outbox_relay
from grants.models import Application


def test_sending_the_letter_moves_the_bid_to_offered_as_the_system(award):
    outbox_relay()
    application = award.application
    application.refresh_from_db()
    assert application.status == Application.Status.OFFERED
    change = StatusChange.objects.get(to_status=Application.Status.OFFERED)
    assert change.actor is None
    assert change.by_system
    assert change.actor_name == "System"


def test_the_officers_bid_page_shows_the_system_change_after_the_letter(
    award, client_for, personas
):
    outbox_relay()
    client = client_for(personas.officer)
    response = client.get(reverse("grants:staff-application", args=[award.application.uuid]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "System:" in page
    assert "Award letter sent" in page


def test_a_change_by_a_person_no_longer_here_does_not_break_the_timeline(
    award, client_for, personas
):
    outbox_relay()
    StatusChange.objects.exclude(actor=None).update(actor=None)
    client = client_for(personas.officer)
    response = client.get(reverse("grants:staff-application", args=[award.application.uuid]))
    assert response.status_code == 200
    assert "Someone no longer here" in response.content.decode()


def test_a_transition_must_say_who_made_it(award):
    import pytest

    from core.workflow import transition

    application = award.application
    with pytest.raises(TypeError):
        transition(application, to_status=Application.Status.OFFERED, actor=None)
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED


def test_the_bid_is_not_offered_before_its_letter_is_sent(award):
    from grants.services import application_offer

    assert application_offer(application=award.application) is False
    award.application.refresh_from_db()
    assert award.application.status == Application.Status.APPROVED
