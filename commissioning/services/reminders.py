"""Return reminders found by the daily task: due in 14 days, due today, overdue (then
weekly), and an escalation to the lead commissioner once a return is 14 days overdue.

Each is an outbox row keyed by (kind, return, milestone): whichever run finds it first
queues it, and no later or overlapping run sends it again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from commissioning.models import MonitoringReturn
from core.milestones import AHEAD_DAYS, reminder_milestone
from core.outbox import outbox_enqueue

ESCALATE_AFTER_DAYS = 14


@dataclass
class QueuedReminders:
    reminders: int = 0
    escalations: int = 0


@transaction.atomic
def return_reminders_queue(*, today: dt.date | None = None) -> QueuedReminders:
    today = today or timezone.localdate()
    result = QueuedReminders()
    owed = MonitoringReturn.objects.filter(
        status__in=MonitoringReturn.EDITABLE,
        submitted_at__isnull=True,  # a return sent back for changes was in on time
        due_date__lte=today + dt.timedelta(days=AHEAD_DAYS),
    ).only("pk", "due_date")
    for monitoring_return in owed:
        milestone = reminder_milestone(monitoring_return.due_date, today)
        if milestone is not None:
            outbox_enqueue(
                kind="commissioning.return_reminder", obj=monitoring_return, period=milestone
            )
            result.reminders += 1
        if (today - monitoring_return.due_date).days >= ESCALATE_AFTER_DAYS:
            outbox_enqueue(
                kind="commissioning.return_escalation", obj=monitoring_return, period="escalation"
            )
            result.escalations += 1
    return result
