"""The commissioner's dashboard: returns by status per quarter and contract value for a
financial year, read from the tallies the services keep (commissioning.services.tallies),
and the first returns awaiting review and overdue, read through their partial indexes:
the same small reads whatever the number of contracts and returns."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum
from django.utils import timezone

from commissioning.models import (
    ContractValueTally,
    FundingStream,
    MonitoringReturn,
    ReturnTally,
    Service,
)
from commissioning.quarters import Quarter, financial_year_of
from commissioning.selectors.common import EDITABLE, R, newest_versions

STATUS_COLUMNS = [
    (R.NOT_STARTED, "Not started"),
    (R.DRAFT, "Draft"),
    (R.SUBMITTED, "Awaiting review"),
    (R.CHANGES_REQUESTED, "Changes requested"),
    (R.ACCEPTED, "Accepted"),
]


@dataclass
class QuarterRow:
    quarter: Quarter
    counts: dict[str, int]
    overdue: int
    total: int


@dataclass
class ValueRow:
    label: str
    amount: Decimal


@dataclass
class Dashboard:
    financial_year: int
    quarters: list[QuarterRow]
    by_stream: list[ValueRow]
    by_category: list[ValueRow]
    by_priority: list[ValueRow]
    total_value: Decimal
    awaiting_review: list[MonitoringReturn]
    overdue: list[MonitoringReturn]
    years: list[int] = field(default_factory=list)


def _funding_by(year: int, key: str) -> list[dict]:
    """Live (not draft) contracts' funding for the year by `key`, from the value tallies."""
    return list(
        ContractValueTally.objects.filter(financial_year=year, live=True, lines__gt=0)
        .values(*key.split(","))
        .annotate(amount=Sum("amount"))
        .order_by("-amount")
    )


def dashboard(*, financial_year: int, today: dt.date | None = None, limit: int = 50) -> Dashboard:
    """Returns by status per quarter and contract value for a financial year: 7 queries
    whatever the number of contracts and returns."""
    today = today or timezone.localdate()
    counts = {status: Sum("count", filter=Q(status=status)) for status, _label in STATUS_COLUMNS}
    rows: dict[int, Mapping[str, Any]] = {
        row["quarter"]: row
        for row in ReturnTally.objects.filter(financial_year=financial_year)
        .values("quarter")
        .annotate(
            **counts,
            overdue=Sum(
                "count", filter=Q(status__in=EDITABLE, was_submitted=False, due_date__lt=today)
            ),
            total=Sum("count"),
        )
        .order_by("quarter")
    }
    quarters = []
    for number in (1, 2, 3, 4):
        row = rows.get(number, {})
        quarters.append(
            QuarterRow(
                quarter=Quarter(financial_year, number),
                counts={status: row.get(status) or 0 for status, _label in STATUS_COLUMNS},
                overdue=row.get("overdue") or 0,
                total=row.get("total") or 0,
            )
        )
    streams = dict(FundingStream.choices)
    categories = dict(Service.Category.choices)
    by_stream = [
        ValueRow(streams.get(row["stream"], row["stream"]), row["amount"])
        for row in _funding_by(financial_year, "stream")
    ]
    by_category = [
        ValueRow(categories.get(row["service__category"], "Other"), row["amount"])
        for row in _funding_by(financial_year, "service__category")
    ]
    by_priority = [
        ValueRow(
            f"{row['priority__code']} {row['priority__title']}",
            row["amount"],
        )
        for row in _funding_by(financial_year, "priority__code,priority__title")
    ]
    listed = newest_versions(MonitoringReturn.objects.all()).select_related(
        "contract__provider", "contract__service"
    )
    awaiting = list(listed.filter(status=R.SUBMITTED).order_by("submitted_at", "pk")[:limit])
    overdue = list(
        listed.filter(status__in=EDITABLE, submitted_at__isnull=True, due_date__lt=today).order_by(
            "due_date", "pk"
        )[:limit]
    )
    years = sorted(
        set(
            ContractValueTally.objects.filter(lines__gt=0)
            .order_by()
            .values_list("financial_year", flat=True)
            .distinct()
        )
        | {financial_year_of(today)},
        reverse=True,
    )
    return Dashboard(
        financial_year=financial_year,
        quarters=quarters,
        by_stream=by_stream,
        by_category=by_category,
        by_priority=by_priority,
        total_value=sum((row.amount for row in by_stream), Decimal(0)),
        awaiting_review=awaiting,
        overdue=overdue,
        years=years,
    )
