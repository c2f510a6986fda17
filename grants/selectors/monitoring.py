"""Reads for monitoring: the reports officers should watch."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from grants.models import Application, MonitoringReport


@dataclass
class ReportsToWatch:
    to_review: list[MonitoringReport]
    overdue: list[MonitoringReport]
    due_soon: list[MonitoringReport]


def reports_to_watch(*, today: dt.date, ahead_days: int = 30) -> ReportsToWatch:
    """Reports waiting for an officer (whenever due), reports overdue, and reports due in
    the next month."""
    reports = (
        MonitoringReport.objects.filter(
            award__application__status__in=(
                Application.Status.ACCEPTED,
                Application.Status.ACTIVE,
                Application.Status.COMPLETED,
            )
        )
        .filter(
            Q(status=MonitoringReport.Status.SUBMITTED)
            | Q(
                status__in=MonitoringReport.EDITABLE,
                due_date__lte=today + dt.timedelta(days=ahead_days),
            )
        )
        .select_related("award__application__organisation", "award__application__round")
        .order_by("due_date", "award__reference")
    )
    watch = ReportsToWatch([], [], [])
    for report in reports:
        if report.status == MonitoringReport.Status.SUBMITTED:
            watch.to_review.append(report)
        elif report.due_date < today:
            watch.overdue.append(report)
        else:
            watch.due_soon.append(report)
    return watch
