"""The outbox: queued once per (kind, object, period), sent once, failures kept for retry."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from accounts.models import User
from core import outbox
from core.models import OutboxMessage
from tests.factories import UserFactory

SENT: list[int] = []


def _sender(user: User, period: str) -> str:
    SENT.append(user.pk)
    return f"<{user.pk}@test>"


def _broken(user: User, period: str) -> str:
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
    assert outbox.outbox_relay().dispatched == 1
    assert outbox.outbox_relay().dispatched == 0
    assert [user.pk] == SENT
    message = OutboxMessage.objects.get()
    assert message.message_id == f"<{user.pk}@test>"
    assert message.content_type == ContentType.objects.get_for_model(User)


def test_a_period_makes_a_separate_message(db):
    user = UserFactory()
    outbox.outbox_enqueue(kind="test.hello", obj=user, period="2027-Q1")
    outbox.outbox_enqueue(kind="test.hello", obj=user, period="2027-Q2")
    assert outbox.outbox_relay().dispatched == 2
    assert OutboxMessage.objects.filter(sent_at__isnull=False).count() == 2


def test_a_failing_send_is_kept_with_its_error_and_does_not_stop_the_others(db):
    broken, fine = UserFactory(), UserFactory()
    outbox.outbox_enqueue(kind="test.broken", obj=broken)
    outbox.outbox_enqueue(kind="test.hello", obj=fine)
    assert outbox.outbox_relay().dispatched == 2
    assert OutboxMessage.objects.get(kind="test.hello").sent_at is not None
    failed = OutboxMessage.objects.get(kind="test.broken")
    assert failed.sent_at is None
    assert failed.attempts == 1
    assert "mail server down" in failed.last_error


def test_an_unknown_kind_is_refused_when_queued(db):
    with pytest.raises(ValueError, match="No sender"):
        outbox.outbox_enqueue(kind="test.nobody", obj=UserFactory())


def test_a_failed_message_is_handed_out_again_by_the_next_relay(db):
    user = UserFactory()
    outbox.outbox_enqueue(kind="test.broken", obj=user)
    outbox.outbox_relay()
    outbox.register("test.broken", _sender)
    assert outbox.outbox_relay().dispatched == 1
    message = OutboxMessage.objects.get()
    assert message.sent_at is not None
    assert (message.attempts, message.last_error) == (2, "")


def test_a_message_handed_out_recently_waits_unless_it_is_stale(db, settings):
    user = UserFactory()
    message = OutboxMessage.objects.create(
        kind="test.hello",
        content_type=ContentType.objects.get_for_model(User),
        object_id=user.pk,
        dispatched_at=timezone.now(),
    )
    assert outbox.outbox_relay().dispatched == 0
    assert outbox.outbox_relay(redispatch_after=dt.timedelta(0)).dispatched == 1
    message.refresh_from_db()
    assert message.sent_at is not None


def test_sending_a_message_twice_sends_once(db):
    user = UserFactory()
    message = outbox.outbox_enqueue(kind="test.hello", obj=user)
    assert outbox.outbox_send(message.pk) == "sent"
    assert outbox.outbox_send(message.pk) == "already sent"
    assert [user.pk] == SENT


def test_a_message_whose_object_has_gone_fails_with_a_reason(db):
    user = UserFactory()
    message = outbox.outbox_enqueue(kind="test.hello", obj=user)
    user.delete()
    assert outbox.outbox_send(message.pk) == "failed"
    message.refresh_from_db()
    assert "DoesNotExist" in message.last_error


def test_a_broker_that_is_down_leaves_the_message_for_later(db, settings, monkeypatch):
    from core import tasks

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(tasks.outbox_send_task, "apply_async", refuse)
    outbox.outbox_enqueue(kind="test.hello", obj=UserFactory())
    result = outbox.outbox_relay()
    assert (result.dispatched, result.undispatched) == (0, 1)
    assert OutboxMessage.objects.get().dispatched_at is None
    monkeypatch.setattr(tasks.outbox_relay_task, "apply_async", refuse)
    outbox.relay_soon()  # logs and returns: a web request never fails on the broker


def test_a_period_too_long_for_the_column_is_refused_on_every_database(db):
    with pytest.raises(ValueError, match="too long"):
        outbox.outbox_enqueue(kind="test.hello", obj=UserFactory(), period="x" * 21)
