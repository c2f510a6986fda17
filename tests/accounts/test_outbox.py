"""The outbox: queued once per (kind, object, period), sent once, failures kept for retry."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from accounts import outbox
from accounts.models import OutboxMessage, User
from tests.factories import UserFactory

SENT: list[int] = []


def _sender(user: User) -> str:
    SENT.append(user.pk)
    return f"<{user.pk}@test>"


def _broken(user: User) -> str:
    raise OSError("mail server down")


@pytest.fixture(autouse=True)
def _senders():
    SENT.clear()
    outbox.register("test.hello", _sender)
    outbox.register("test.broken", _broken)


def test_queuing_twice_makes_one_message_and_relaying_twice_sends_once(db):
    user = UserFactory()
    outbox.outbox_enqueue(kind="test.hello", obj=user)
    outbox.outbox_enqueue(kind="test.hello", obj=user)
    assert OutboxMessage.objects.count() == 1
    assert outbox.outbox_relay().sent == 1
    assert outbox.outbox_relay().sent == 0
    assert [user.pk] == SENT
    message = OutboxMessage.objects.get()
    assert message.message_id == f"<{user.pk}@test>"
    assert message.content_type == ContentType.objects.get_for_model(User)


def test_a_period_makes_a_separate_message(db):
    user = UserFactory()
    outbox.outbox_enqueue(kind="test.hello", obj=user, period="2027-Q1")
    outbox.outbox_enqueue(kind="test.hello", obj=user, period="2027-Q2")
    assert outbox.outbox_relay().sent == 2


def test_a_failing_send_is_kept_with_its_error_and_does_not_stop_the_others(db):
    broken, fine = UserFactory(), UserFactory()
    outbox.outbox_enqueue(kind="test.broken", obj=broken)
    outbox.outbox_enqueue(kind="test.hello", obj=fine)
    result = outbox.outbox_relay(limit=2)
    assert (result.sent, result.failed) == (1, 1)
    failed = OutboxMessage.objects.get(kind="test.broken")
    assert failed.sent_at is None
    assert failed.attempts == 1
    assert "mail server down" in failed.last_error


def test_an_unknown_kind_is_refused_when_queued(db):
    with pytest.raises(ValueError, match="No sender"):
        outbox.outbox_enqueue(kind="test.nobody", obj=UserFactory())
