"""The roll-up for the MoJ: accepted, current returns summed across services, and the
contracts' quarters with no accepted return."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, Sum

from commissioning.models import Contract, Measure, MeasureSet, MonitoringReturn, ReturnValue
from commissioning.quarters import Quarter, financial_year_of, period_quarters
from commissioning.selectors.common import R
from commissioning.suppression import SuppressedFigure, published_figure
from core.xlsx import Money, Percent


@dataclass
class RollupRow:
    measure: Measure
    category: str
    label: str
    value: Decimal | None
    returns: int

    @property
    def published(self) -> SuppressedFigure | int | Decimal | None:
        """The figure as it may be published."""
        return published_figure(self.measure, self.value)

    @property
    def suppressed(self) -> bool:
        """Whether published figures withhold this one."""
        return isinstance(self.published, SuppressedFigure)

    @property
    def how(self) -> str:
        if self.measure.kind == Measure.Kind.PERCENTAGE:
            return "average"
        if self.measure.kind == Measure.Kind.TEXT:
            return "returns with text"
        return "total"


@dataclass
class MissingReturn:
    """A live contract's quarter in the period with no accepted return (yet)."""

    contract: Contract
    quarter: Quarter
    status: str  # the newest version's status, or "Not started" when none is open


@dataclass
class Rollup:
    measure_set: MeasureSet
    financial_year: int
    period: str
    quarters: list[Quarter]
    rows: list[RollupRow]
    returns: int
    contracts: int
    missing: list[MissingReturn] = field(default_factory=list)

    @property
    def missing_contracts(self) -> int:
        return len({row.contract.pk for row in self.missing})

    @property
    def first_day(self) -> dt.date:
        return self.quarters[0].start

    @property
    def last_day(self) -> dt.date:
        return self.quarters[-1].end


def rollup(*, measure_set: MeasureSet, financial_year: int, period: str) -> Rollup:
    """Every accepted, current return of the measure set in the period, summed across
    services (percentages averaged), in the measure set's order, and the live contracts'
    quarters that have no accepted return: 5 queries."""
    quarters = period_quarters(financial_year, period)
    returns = MonitoringReturn.objects.filter(
        measure_set=measure_set,
        financial_year=financial_year,
        quarter__in=[q.number for q in quarters],
        status=R.ACCEPTED,
        superseded_at__isnull=True,
    )
    totals: dict[tuple[int, str], Mapping[str, Any]] = {
        (row["measure_id"], row["category"]): row
        for row in ReturnValue.objects.filter(monitoring_return__in=returns)
        .values("measure_id", "category")
        .annotate(
            total=Sum("value"),
            n=Count("monitoring_return", distinct=True),
            with_text=Count("pk", filter=~Q(text="")),
        )
        .order_by()
    }
    counted = returns.aggregate(n=Count("pk"), contracts=Count("contract", distinct=True))
    rows = []
    for measure in measure_set.measures.all():
        for category in ["", *measure.category_codes]:
            found = totals.get((measure.pk, category), {})
            n = found.get("n", 0)
            total = found.get("total")
            if measure.kind == Measure.Kind.PERCENTAGE and total is not None and n:
                value = (total / n).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            elif measure.kind == Measure.Kind.TEXT:
                value = Decimal(found.get("with_text", 0))
            else:
                value = total
            rows.append(
                RollupRow(
                    measure=measure,
                    category=category,
                    label=measure.category_label(category) if category else measure.label,
                    value=value,
                    returns=n,
                )
            )
    return Rollup(
        measure_set=measure_set,
        financial_year=financial_year,
        period=period,
        quarters=quarters,
        rows=rows,
        returns=counted["n"],
        contracts=counted["contracts"],
        missing=_missing_returns(measure_set, quarters),
    )


# Contracts that report: live ones, and ended or terminated ones for the quarters they ran.
REPORTING_CONTRACTS = (Contract.Status.ACTIVE, Contract.Status.ENDED, Contract.Status.TERMINATED)


def _missing_returns(measure_set: MeasureSet, quarters: list[Quarter]) -> list[MissingReturn]:
    """Each reporting contract of the measure set that ran in a quarter of the period and
    has no accepted, current return for it, by contract then quarter: 2 queries."""
    first, last = quarters[0], quarters[-1]
    contracts = list(
        Contract.objects.filter(
            measure_set=measure_set,
            status__in=REPORTING_CONTRACTS,
            activated_on__isnull=False,
            start_date__lte=last.end,
            end_date__gte=first.start,
        )
        .select_related("provider", "service")
        .order_by("reference")
    )
    newest: dict[tuple[int, int], str] = {}
    accepted: set[tuple[int, int]] = set()
    for contract_id, quarter, status, superseded_at, is_newest in (
        MonitoringReturn.objects.filter(
            contract__in=contracts,
            financial_year=first.year,
            quarter__in=[q.number for q in quarters],
        )
        .order_by("version")
        .values_list("contract_id", "quarter", "status", "superseded_at", "is_newest")
    ):
        if status == R.ACCEPTED and superseded_at is None:
            accepted.add((contract_id, quarter))
        if is_newest:
            newest[(contract_id, quarter)] = R(status).label
    return [
        MissingReturn(
            contract=contract,
            quarter=quarter,
            status=newest.get((contract.pk, quarter.number), R.NOT_STARTED.label),
        )
        for contract in contracts
        for quarter in quarters
        if contract.start_date <= quarter.end
        and contract.end_date >= quarter.start
        # quarters before the year it went live were reported before this system
        # activated_on is set: the query above has activated_on__isnull=False
        and quarter.year >= financial_year_of(contract.activated_on)  # type: ignore[arg-type]
        and (contract.pk, quarter.number) not in accepted
    ]


def rollup_table(result: Rollup, *, published: bool) -> list[list[object]]:
    """The roll-up as rows for CSV or XLSX. Published figures withhold small counts (see
    commissioning/suppression.py) and mark them."""
    header: list[object] = [
        "measure_code",
        "measure",
        "category_code",
        "category",
        "kind",
        "how",
        "value",
    ]
    if published:
        header.append("suppressed")
    table: list[list[object]] = [header]
    for row in result.rows:
        figure = row.published if published else row.value
        value: object = "" if figure is None else figure
        if isinstance(figure, SuppressedFigure):
            value = str(figure)
        elif isinstance(figure, Decimal):
            if row.measure.kind in (Measure.Kind.COUNT, Measure.Kind.TEXT):
                value = int(figure)
            elif row.measure.kind == Measure.Kind.MONEY:
                value = Money(figure.quantize(Decimal("0.01")))  # the same on SQLite and PostgreSQL
            elif row.measure.kind == Measure.Kind.PERCENTAGE:
                value = Percent(figure)
        line = [
            row.measure.code,
            row.measure.label,
            row.category,
            row.measure.category_label(row.category) if row.category else "Total",
            row.measure.get_kind_display(),
            row.how,
            value,
        ]
        if published:
            line.append("yes" if row.suppressed else "")
        table.append(line)
    return table


def missing_table(result: Rollup) -> list[list[str]]:
    """The contracts' quarters with no accepted return, as rows for CSV or XLSX."""
    return [
        ["contract", "provider", "service", "quarter", "status"],
        *[
            [
                row.contract.reference,
                row.contract.provider.name,
                row.contract.service.name,
                row.quarter.label,
                row.status,
            ]
            for row in result.missing
        ],
    ]
