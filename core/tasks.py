"""The outbox's Celery tasks. They are sent by name, so core.outbox never imports this module."""

from __future__ import annotations

from celery import shared_task

from core.outbox import RELAY_TASK, SEND_TASK, outbox_relay, outbox_send


# Results are never read: without ignore_result, publishing first subscribes to the result
# backend, which with Redis down retries for many seconds inside the web request.
@shared_task(name=RELAY_TASK, ignore_result=True)
def outbox_relay_task() -> int:
    """Hand what the outbox holds to send tasks; safe to run at any time and in parallel."""
    return outbox_relay().dispatched


@shared_task(name=SEND_TASK, ignore_result=True)
def outbox_send_task(message_pk: int) -> str:
    """Send one outbox message, once (see core.outbox.outbox_send)."""
    return outbox_send(message_pk)


# The names these tasks had in accounts, for messages a broker still holds from before the
# move (and a beat still running the old schedule). Remove once no such message can remain.
@shared_task(name="accounts.outbox_relay", ignore_result=True)
def legacy_outbox_relay_task() -> int:
    return outbox_relay().dispatched


@shared_task(name="accounts.outbox_send", ignore_result=True)
def legacy_outbox_send_task(message_pk: int) -> str:
    return outbox_send(message_pk)


@shared_task(name="core.retention_daily", ignore_result=True)
def retention_daily_task() -> int:
    """Purge what the retention schedule says is due (core.retention); how many were."""
    from core.retention import retention_run

    return len(retention_run(dry_run=False).purged)
