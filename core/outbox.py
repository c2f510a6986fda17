"""Messages that must not be lost: queue in the state change's transaction, relay after.

Apps register a sender per kind: `register("grants.award_made", send_award_made)`. A sender
takes the object and the message's period and returns a message id; raising leaves the row
for the next relay.

The relay (beat, every minute, and straight after each commit that queues something)
claims unsent rows and hands each to its own Celery task, `outbox_send`. That task locks
the row while it sends, skips a row already sent or being sent by another worker, and
marks it sent with the message id. So a relay run twice, a task delivered twice, or a
worker killed mid-send (its lock dies with its database connection; the next relay hands
the row out again once `OUTBOX_REDISPATCH_AFTER` has passed) still sends once.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from celery import signature
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from core.models import OutboxMessage

logger = logging.getLogger(__name__)

Sender = Callable[[models.Model, str], str]
_SENDERS: dict[str, Sender] = {}
MAX_ATTEMPTS = 10
# Celery task names (core.tasks registers them); sent by name so neither module imports the
# other.
RELAY_TASK = "core.outbox_relay"
SEND_TASK = "core.outbox_send"


def register(kind: str, sender: Sender) -> None:
    _SENDERS[kind] = sender


def outbox_enqueue(*, kind: str, obj: models.Model, period: str = "") -> OutboxMessage:
    """Queue `kind` for `obj` once; call inside the transaction that made it necessary."""
    if kind not in _SENDERS:
        raise ValueError(f"No sender is registered for {kind!r}")
    if len(period) > OutboxMessage._meta.get_field("period").max_length:
        raise ValueError(f"The outbox period {period!r} is too long")
    message, _ = OutboxMessage.objects.get_or_create(
        kind=kind,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        period=period,
    )
    transaction.on_commit(relay_soon)
    return message


def outbox_next_period(*, kind: str, obj: models.Model, prefix: str) -> str:
    """`<prefix>-<n>` for the n-th message of `kind` about `obj`, for a message sent again
    on purpose (an invitation re-sent, a letter re-issued). Hold `obj`'s row lock.

    A period names a version, never a time: two requests in the same instant, or a clock
    set back, must not merge two messages into one or split one into two."""
    queued = OutboxMessage.objects.filter(
        kind=kind, content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).count()
    return f"{prefix}-{queued + 1}"


def relay_soon() -> None:
    """Ask a worker to relay now. With the broker down this gives up at once (the row is
    safe in the database and beat's relay sends it later): a web request never waits."""
    try:
        signature(RELAY_TASK).apply_async(retry=False)
    except Exception:  # kombu raises several kinds of connection error
        logger.warning("Broker unavailable; the outbox relay will send this later")


@dataclass
class RelayResult:
    dispatched: int = 0
    undispatched: int = 0  # claimed but the broker refused them; left for the next run


def outbox_relay(*, limit: int = 500, redispatch_after: dt.timedelta | None = None) -> RelayResult:
    """Hand unsent messages to `outbox_send` tasks, one task per message.

    A message handed out earlier but still unsent after `redispatch_after` (its worker died
    or the broker lost the task) is handed out again; the send task's lock and "sent" check
    make the extra task harmless.
    """
    if redispatch_after is None:
        redispatch_after = dt.timedelta(seconds=settings.OUTBOX_REDISPATCH_AFTER)
    now = timezone.now()
    with transaction.atomic():
        claimed = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
            .filter(Q(dispatched_at__isnull=True) | Q(dispatched_at__lte=now - redispatch_after))
            .order_by("created_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        OutboxMessage.objects.filter(pk__in=claimed).update(dispatched_at=now)
    result = RelayResult()
    for position, pk in enumerate(claimed):
        try:
            signature(SEND_TASK, args=(pk,)).apply_async(retry=False)
        except Exception:
            if not settings.CELERY_TASK_ALWAYS_EAGER:
                logger.warning("Broker unavailable; %s outbox messages wait", len(claimed))
                left = claimed[position:]
                OutboxMessage.objects.filter(pk__in=left, sent_at__isnull=True).update(
                    dispatched_at=None
                )
                result.undispatched = len(left)
                break
            raise
        result.dispatched += 1
    return result


def outbox_send(message_pk: int) -> str:
    """Send one message unless it is sent already or another worker is sending it.

    Returns what happened: "sent", "failed", "already sent" or "busy"."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True).filter(pk=message_pk).first()
        )
        if message is None:
            return "busy"
        if message.sent_at is not None:
            return "already sent"
        try:
            with transaction.atomic():
                obj = message.content_type.get_object_for_this_type(pk=message.object_id)
                message.message_id = _SENDERS[message.kind](obj, message.period)
        except Exception as error:  # a sender may fail in any way; the row records it
            logger.exception("Outbox message %s failed", message.pk)
            message.attempts += 1
            message.last_error = f"{type(error).__name__}: {error}"[:2000]
            message.dispatched_at = None
            message.save(update_fields=["attempts", "last_error", "dispatched_at"])
            return "failed"
        message.sent_at = timezone.now()
        message.attempts += 1
        message.last_error = ""
        message.save(update_fields=["message_id", "sent_at", "attempts", "last_error"])
        return "sent"
