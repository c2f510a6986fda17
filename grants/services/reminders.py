"""Reminders found by a daily beat task: monitoring reports coming due, due and overdue,
and assessors with scoring left three days before the round's assessment deadline.

Each reminder is an outbox row keyed by (kind, object, milestone), so whichever run finds
it first queues it and no later or overlapping run sends it again. The sender checks the
object again at send time: a report submitted in between is not chased.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from core.milestones import AHEAD_DAYS
from core.milestones import reminder_milestone as monitoring_milestone
from core.outbox import outbox_enqueue
from grants.models import Application, Assessment, MonitoringReport, Round

ASSESSOR_DAYS = 3
UNSUBMITTED_ASSESSMENT = (Assessment.Status.ASSIGNED, Assessment.Status.IN_PROGRESS)
REPORTING = (Application.Status.ACCEPTED, Application.Status.ACTIVE)


@dataclass
class DueReminders:
    monitoring: int = 0
    assessors: int = 0


@transaction.atomic
def reminders_queue_due(*, today: dt.date | None = None) -> DueReminders:
    """Queue every monitoring and assessor reminder due today that is not queued yet."""
    today = today or timezone.localdate()
    result = DueReminders()
    reports = MonitoringReport.objects.filter(
        status__in=MonitoringReport.EDITABLE,
        award__application__status__in=REPORTING,
        due_date__lte=today + dt.timedelta(days=AHEAD_DAYS),
    ).only("pk", "due_date")
    for report in reports:
        milestone = monitoring_milestone(report.due_date, today)
        if milestone is not None:
            outbox_enqueue(kind="grants.report_reminder", obj=report, period=milestone)
            result.monitoring += 1
    rounds = Round.objects.filter(
        assessment_deadline__gte=today,
        assessment_deadline__lte=today + dt.timedelta(days=ASSESSOR_DAYS),
    )
    for round in rounds:
        assessors = (
            Assessment.objects.filter(application__round=round, status__in=UNSUBMITTED_ASSESSMENT)
            .order_by()
            .values_list("assessor_id", flat=True)
            .distinct()
        )
        for assessor_id in assessors:
            outbox_enqueue(
                kind="grants.assessor_reminder", obj=round, period=f"assessor-{assessor_id}"
            )
            result.assessors += 1
    return result
