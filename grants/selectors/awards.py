"""Reads for the pages after the award: payments due. The award itself is loaded by
grants.access (one loader for every award page)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from core.keyset import Key, KeysetPage, keyset_page
from grants.models import Application, AwardCondition, BankDetails, PaymentInstalment

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


def _unpaid(today: dt.date):
    return PaymentInstalment.objects.filter(
        paid_on__isnull=True,
        due_date__lte=month_end(today),
        award__application__status__in=LIVE_AWARD_STATUSES,
    )


@dataclass(frozen=True)
class PaymentsTotals:
    overdue_count: int
    overdue_total: Decimal
    this_month_count: int
    this_month_total: Decimal


def payments_totals(*, today: dt.date) -> PaymentsTotals:
    """How many unpaid instalments are overdue and due by the month's end, and their sums
    (one query, at any number)."""
    overdue, later = Q(due_date__lt=today), Q(due_date__gte=today)
    sums = _unpaid(today).aggregate(
        overdue_count=Count("pk", filter=overdue),
        overdue_total=Sum("amount", filter=overdue),
        this_month_count=Count("pk", filter=later),
        this_month_total=Sum("amount", filter=later),
    )
    return PaymentsTotals(
        overdue_count=sums["overdue_count"],
        overdue_total=sums["overdue_total"] or Decimal(0),
        this_month_count=sums["this_month_count"],
        this_month_total=sums["this_month_total"] or Decimal(0),
    )


PAYMENTS_PAGE_SIZE = 50
CURSOR_SALT = "grants.payments-due"
SECTIONS = ("overdue", "this-month")


def payments_page(
    *, today: dt.date, section: str, cursor: str = "", size: int | None = None
) -> KeysetPage:
    """One page of unpaid instalments, overdue (before today) or due from today to the
    month's end, by due date then award reference; one query at any depth.

    The rows are only `{"pk": ...}` (and the keys): the page is picked from the
    instalments' due dates and award references alone, so the database sorts a few narrow
    rows, not every unpaid instalment with its award, group and bank details
    (`payment_rows` loads those, for the page's rows only)."""
    rows = _unpaid(today).filter(
        Q(due_date__lt=today) if section == "overdue" else Q(due_date__gte=today)
    )
    return keyset_page(
        rows.values("pk"),
        keys=[Key(F("due_date"), dt.date.fromisoformat), Key(F("award__reference"), str)],
        cursor=cursor,
        tag=section,
        salt=CURSOR_SALT,
        size=size or PAYMENTS_PAGE_SIZE,
    )


def payment_rows(pks: list[int]) -> dict[int, PaymentInstalment]:
    """The instalments shown on the payments page, by id, with what each row shows (one
    query): award, group, `bank_status`, the status of the award's newest bank details (or
    None), and `conditions_waiting`, how many conditions an officer must confirm met first."""
    newest_bank = BankDetails.objects.filter(award=OuterRef("award")).order_by("-entered_at", "-pk")
    waiting = (
        AwardCondition.objects.filter(
            award=OuterRef("award"), before_first_payment=True, met_at__isnull=True
        )
        .order_by()
        .values("award")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        PaymentInstalment.objects.filter(pk__in=pks)
        .select_related("award__application__organisation")
        .only(
            "award_id",
            "position",
            "due_date",
            "amount",
            "award__uuid",
            "award__reference",
            "award__accepted_at",
            "award__application_id",
            "award__application__organisation_id",
            "award__application__organisation__name",
        )
        .annotate(
            bank_status=Subquery(newest_bank.values("status")[:1]),
            conditions_waiting=Coalesce(Subquery(waiting), 0),
        )
        .order_by()
    )
    return {row.pk: row for row in rows}


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
class PaymentsDashboard:
    """The officers' payments page: both sections' counts and sums, and a page of rows of
    each section shown (`show` is "" for both, or one of SECTIONS)."""

    totals: PaymentsTotals
    show: str
    overdue: list[PaymentInstalment]
    this_month: list[PaymentInstalment]
    cursors: dict[str, tuple[str | None, str | None]]  # section: (previous, next)


def payments_dashboard(*, today: dt.date, show: str = "", cursor: str = "") -> PaymentsDashboard:
    """At most four queries whatever the number of instalments: the sums, a page of each
    section shown (ids only), then those rows' details together."""
    show = show if show in SECTIONS else ""
    pages = {
        section: payments_page(today=today, section=section, cursor=cursor if show else "")
        for section in SECTIONS
        if show in ("", section)
    }
    shown = [row["pk"] for page in pages.values() for row in page.rows]
    details = payment_rows(shown) if shown else {}
    rows = {section: [details[row["pk"]] for row in page.rows] for section, page in pages.items()}
    return PaymentsDashboard(
        totals=payments_totals(today=today),
        show=show,
        overdue=rows.get("overdue", []),
        this_month=rows.get("this-month", []),
        cursors={
            section: (page.previous_cursor, page.next_cursor) for section, page in pages.items()
        },
    )
