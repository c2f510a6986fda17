"""Messages that must not be lost: queue in the state change's transaction, relay after.

Apps register a sender per kind: `register("grants.award_made", send_award_made)`. A sender
takes the object and returns a message id; raising leaves the row for the next relay.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from accounts.models import OutboxMessage

logger = logging.getLogger(__name__)

Sender = Callable[[models.Model], str]
_SENDERS: dict[str, Sender] = {}


def register(kind: str, sender: Sender) -> None:
    _SENDERS[kind] = sender


def outbox_enqueue(*, kind: str, obj: models.Model, period: str = "") -> OutboxMessage:
    """Queue `kind` for `obj` once; call inside the transaction that made it necessary."""
    if kind not in _SENDERS:
        raise ValueError(f"No sender is registered for {kind!r}")
    message, _ = OutboxMessage.objects.get_or_create(
        kind=kind,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        period=period,
    )
    from accounts.tasks import outbox_relay_task

    transaction.on_commit(outbox_relay_task.delay)
    return message


@dataclass
class RelayResult:
    sent: int = 0
    failed: int = 0


def outbox_relay(*, limit: int = 100) -> RelayResult:
    """Send unsent messages, each claimed under a skip-locked row lock so two relays never
    send the same one."""
    result = RelayResult()
    failed_now: list[int] = []  # tried and failed in this run: left for the next one
    while result.sent + result.failed < limit:
        with transaction.atomic():
            message = (
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(sent_at__isnull=True, attempts__lt=10)
                .exclude(pk__in=failed_now)
                .order_by("created_at", "pk")
                .first()
            )
            if message is None:
                break
            obj = message.content_type.get_object_for_this_type(pk=message.object_id)
            try:
                with transaction.atomic():
                    message.message_id = _SENDERS[message.kind](obj)
            except Exception as error:  # a sender may fail in any way; the row records it
                logger.exception("Outbox message %s failed", message.pk)
                message.attempts += 1
                message.last_error = f"{type(error).__name__}: {error}"
                message.save(update_fields=["attempts", "last_error"])
                result.failed += 1
                failed_now.append(message.pk)
                continue
            message.sent_at = timezone.now()
            message.attempts += 1
            message.save(update_fields=["message_id", "sent_at", "attempts"])
            result.sent += 1
    return result
