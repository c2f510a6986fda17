"""Reads for the pages after the award: payments due. The award itself is loaded by
grants.access (one loader for every award page)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, Subquery

from grants.models import Application, BankDetails, PaymentInstalment

LIVE_AWARD_STATUSES = (
    Application.Status.APPROVED,
    Application.Status.OFFERED,
    Application.Status.ACCEPTED,
    Application.Status.ACTIVE,
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
