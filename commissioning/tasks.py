from __future__ import annotations

from celery import shared_task

from commissioning.services.contracts import contracts_end_due
from commissioning.services.reminders import return_reminders_queue
from commissioning.services.returns import returns_open_due


@shared_task(name="commissioning.returns_daily")
def returns_daily() -> dict:
    """End contracts past their end date, open the returns for quarters that have ended,
    then queue the reminders due."""
    ended = contracts_end_due()
    opened = returns_open_due()
    queued = return_reminders_queue()
    return {
        "ended": ended,
        "opened": opened,
        "reminders": queued.reminders,
        "escalations": queued.escalations,
    }
