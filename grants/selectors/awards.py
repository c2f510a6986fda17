"""Reads for the pages after the award: the group's grant, payments due, reports to review."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery

from grants.models import (
    Application,
    Award,
    BankDetails,
    MonitoringReport,
    PaymentInstalment,
)

LIVE_AWARD_STATUSES = (
    Application.Status.APPROVED,
    Application.Status.OFFERED,
    Application.Status.ACCEPTED,
    Application.Status.ACTIVE,
)


def award_queryset() -> QuerySet[Award]:
    return Award.objects.select_related(
        "application__organisation",
        "application__round__fund",
        "plan",
        "primary_priority",
        "decided_by",
        "accepted_by",
    ).prefetch_related(
        "outcomes",
        "themes",
        "instalments__recorded_by",
        Prefetch(
            "bank_details",
            queryset=BankDetails.objects.select_related("entered_by", "checked_by"),
        ),
        "reports",
    )


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


@dataclass
class PaymentsDue:
    overdue: list[PaymentInstalment]
    this_month: list[PaymentInstalment]

    @property
    def overdue_total(self) -> Decimal:
        return sum((i.amount for i in self.overdue), Decimal(0))

    @property
    def this_month_total(self) -> Decimal:
        return sum((i.amount for i in self.this_month), Decimal(0))


def payments_due(*, today: dt.date) -> PaymentsDue:
    """Unpaid instalments on live awards: overdue (before today) and due by the month's end.

    Each carries `bank_status`, the status of its award's newest bank details (or None),
    and `conditions_waiting`, how many conditions an officer must confirm met first."""
    newest_bank = BankDetails.objects.filter(award=OuterRef("award")).order_by("-entered_at", "-pk")
    instalments = (
        PaymentInstalment.objects.filter(
            paid_on__isnull=True,
            due_date__lte=month_end(today),
            award__application__status__in=LIVE_AWARD_STATUSES,
        )
        .select_related("award__application__organisation", "award__application__round")
        .annotate(
            bank_status=Subquery(newest_bank.values("status")[:1]),
            conditions_waiting=Count(
                "award__award_conditions",
                filter=Q(
                    award__award_conditions__before_first_payment=True,
                    award__award_conditions__met_at__isnull=True,
                ),
            ),
        )
        .order_by("due_date", "award__reference", "position")
    )
    overdue: list[PaymentInstalment] = []
    this_month: list[PaymentInstalment] = []
    for instalment in instalments:
        (overdue if instalment.due_date < today else this_month).append(instalment)
    return PaymentsDue(overdue=overdue, this_month=this_month)


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
