"""Reads for commissioning pages: each selector owns its joins and prefetches, so a page's
query count does not grow with its rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from commissioning.models import (
    Contract,
    ContractAmendment,
    ContractFunding,
    FundingStream,
    Measure,
    MeasureSet,
    MonitoringReturn,
    ReturnReview,
    ReturnValue,
    Service,
    Target,
)
from commissioning.quarters import Quarter, financial_year_of, period_quarters
from core.xlsx import Money, Percent

R = MonitoringReturn.Status
EDITABLE = list(MonitoringReturn.EDITABLE)
ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=14, decimal_places=2))
STATUS_COLUMNS = [
    (R.NOT_STARTED, "Not started"),
    (R.DRAFT, "Draft"),
    (R.SUBMITTED, "Awaiting review"),
    (R.CHANGES_REQUESTED, "Changes requested"),
    (R.ACCEPTED, "Accepted"),
]


def newest_versions(returns: QuerySet[MonitoringReturn]) -> QuerySet[MonitoringReturn]:
    """Each quarter's newest version: the one no correction has been started on."""
    return returns.filter(correction__isnull=True)


# The dashboard -------------------------------------------------------------------------


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
    return list(
        ContractFunding.objects.filter(financial_year=year)
        .exclude(contract__status=Contract.Status.DRAFT)
        .values(*key.split(","))
        .annotate(amount=Sum("amount"))
        .order_by("-amount")
    )


def dashboard(*, financial_year: int, today: dt.date | None = None, limit: int = 50) -> Dashboard:
    """Returns by status per quarter and contract value for a financial year: 7 queries
    whatever the number of contracts and returns."""
    today = today or timezone.localdate()
    counts = {status: Count("pk", filter=Q(status=status)) for status, _label in STATUS_COLUMNS}
    rows: dict[int, Mapping[str, Any]] = {
        row["quarter"]: row
        for row in newest_versions(MonitoringReturn.objects.filter(financial_year=financial_year))
        .values("quarter")
        .annotate(
            **counts,
            overdue=Count(
                "pk", filter=Q(status__in=EDITABLE, submitted_at__isnull=True, due_date__lt=today)
            ),
            total=Count("pk"),
        )
        .order_by("quarter")
    }
    quarters = []
    for number in (1, 2, 3, 4):
        row = rows.get(number, {})
        quarters.append(
            QuarterRow(
                quarter=Quarter(financial_year, number),
                counts={status: row.get(status, 0) for status, _label in STATUS_COLUMNS},
                overdue=row.get("overdue", 0),
                total=row.get("total", 0),
            )
        )
    streams = dict(FundingStream.choices)
    categories = dict(Service.Category.choices)
    by_stream = [
        ValueRow(streams.get(row["stream"], row["stream"]), row["amount"])
        for row in _funding_by(financial_year, "stream")
    ]
    by_category = [
        ValueRow(categories.get(row["contract__service__category"], "Other"), row["amount"])
        for row in _funding_by(financial_year, "contract__service__category")
    ]
    by_priority = [
        ValueRow(
            f"{row['contract__primary_priority__code']} {row['contract__primary_priority__title']}",
            row["amount"],
        )
        for row in _funding_by(
            financial_year, "contract__primary_priority__code,contract__primary_priority__title"
        )
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
        set(ContractFunding.objects.order_by().values_list("financial_year", flat=True).distinct())
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


# Contracts ---------------------------------------------------------------------------


def contracts_for_list(
    contracts: QuerySet[Contract], *, status: str = "", category: str = "", search: str = ""
) -> QuerySet[Contract]:
    """Contracts with their total value and returns needing attention, in 1 query."""
    today = timezone.localdate()
    value = (
        ContractFunding.objects.filter(contract=OuterRef("pk"))
        .order_by()
        .values("contract")
        .annotate(total=Sum("amount"))
        .values("total")
    )

    def returns_count(**filters):
        return Coalesce(
            Subquery(
                newest_versions(MonitoringReturn.objects.filter(contract=OuterRef("pk"), **filters))
                .order_by()
                .values("contract")
                .annotate(n=Count("pk"))
                .values("n")
            ),
            0,
        )

    contracts = contracts.select_related("provider", "service", "lead_commissioner").annotate(
        total_value=Coalesce(Subquery(value), ZERO),
        awaiting_review=returns_count(status=R.SUBMITTED),
        overdue=returns_count(status__in=EDITABLE, submitted_at__isnull=True, due_date__lt=today),
    )
    if status:
        contracts = contracts.filter(status=status)
    if category:
        contracts = contracts.filter(service__category=category)
    if search:
        contracts = contracts.filter(
            Q(reference__icontains=search)
            | Q(provider__name__icontains=search)
            | Q(service__name__icontains=search)
        )
    return contracts.order_by("reference")


def contract_detail(contract: Contract) -> Contract:
    """The contract with its funding, amendments, alignment and returns, in 6 queries."""
    return (
        Contract.objects.select_related(
            "provider", "service", "lead_commissioner", "measure_set", "plan", "primary_priority"
        )
        .prefetch_related(
            "funding",
            "outcomes",
            "themes",
            "service__areas",
            Prefetch(
                "amendments",
                queryset=ContractAmendment.objects.select_related("recorded_by").order_by(
                    "-effective_on", "-pk"
                ),
            ),
            Prefetch(
                "returns",
                queryset=MonitoringReturn.objects.order_by(
                    "-financial_year", "-quarter", "-version"
                ),
            ),
        )
        .get(pk=contract.pk)
    )


@dataclass
class FundingYear:
    financial_year: int
    label: str
    lines: list[ContractFunding]
    total: Decimal


def funding_by_year(contract: Contract) -> list[FundingYear]:
    """The prefetched funding lines grouped by financial year."""
    years: dict[int, list[ContractFunding]] = {}
    for line in contract.funding.all():
        years.setdefault(line.financial_year, []).append(line)
    return [
        FundingYear(
            financial_year=year,
            label=lines[0].year_label,
            lines=lines,
            total=sum((line.amount for line in lines), Decimal(0)),
        )
        for year, lines in sorted(years.items())
    ]


def contracts_of_provider(user) -> list[Contract]:
    """A provider's contracts with their returns, newest first (3 queries)."""
    from commissioning.permissions import contracts_for_user

    return list(
        contracts_for_user(user)
        .select_related("service", "provider")
        .prefetch_related(
            Prefetch(
                "returns",
                queryset=newest_versions(MonitoringReturn.objects.all()).order_by(
                    "-financial_year", "-quarter"
                ),
            )
        )
        .order_by("reference")
    )


# Targets -------------------------------------------------------------------------------


def targets_for_year(contract: Contract, financial_year: int) -> dict[tuple[str, int], Decimal]:
    """{(measure code, quarter or 0): target}."""
    return {
        (code, quarter): value
        for code, quarter, value in Target.objects.filter(
            contract=contract, financial_year=financial_year
        ).values_list("measure__code", "quarter", "value")
    }


# One return and its comparison ---------------------------------------------------------


def measures_of(monitoring_return: MonitoringReturn) -> list[Measure]:
    return list(monitoring_return.measure_set.measures.select_related("total_matches"))


def latest_review(monitoring_return: MonitoringReturn) -> ReturnReview | None:
    return (
        monitoring_return.reviews.select_related("reviewer")
        .prefetch_related("comments__measure")
        .first()
    )


def figures_of(
    returns: list[MonitoringReturn],
) -> dict[int, dict[tuple[str, str], Decimal | str | None]]:
    """{return id: {(measure code, category): value or text}} in 1 query."""
    figures: dict[int, dict[tuple[str, str], Decimal | str | None]] = {r.pk: {} for r in returns}
    for row in ReturnValue.objects.filter(monitoring_return__in=returns).select_related("measure"):
        value = row.text if row.measure.kind == Measure.Kind.TEXT else row.value
        figures[row.monitoring_return_id][(row.measure.code, row.category)] = value
    return figures


def figures_as_text(
    monitoring_return: MonitoringReturn, measures: list[Measure]
) -> dict[tuple[str, str], str]:
    """{(measure code, category): the figure as it is typed}, in 1 query: what the form,
    the CSV template and every save start from."""
    from commissioning.validation import figure_text

    by_code = {measure.code: measure for measure in measures}
    return {
        key: figure_text(by_code[key[0]], value)
        for key, value in figures_of([monitoring_return])[monitoring_return.pk].items()
        if key[0] in by_code
    }


def target_table(contract: Contract, financial_year: int) -> list[tuple[Measure, list]]:
    """Each numeric measure with a target that year: [Q1, Q2, Q3, Q4, year] (None if unset)."""
    targets = targets_for_year(contract, financial_year)
    periods = (1, 2, 3, 4, Target.YEAR)
    return [
        (measure, [targets.get((measure.code, q)) for q in periods])
        for measure in contract.measure_set.measures.all()
        if measure.is_numeric and any((measure.code, q) in targets for q in periods)
    ]


def previous_returns(
    monitoring_return: MonitoringReturn, count: int = 4
) -> list[tuple[Quarter, MonitoringReturn | None]]:
    """The contract's returns for the `count` quarters before this one (oldest first):
    the accepted current version where there is one, else the newest version."""
    quarters = monitoring_return.period.back(count)
    condition = Q()
    for quarter in quarters:
        condition |= Q(financial_year=quarter.year, quarter=quarter.number)
    candidates = MonitoringReturn.objects.filter(
        condition, contract_id=monitoring_return.contract_id
    ).order_by("version")
    best: dict[Quarter, MonitoringReturn] = {}
    for candidate in candidates:
        chosen = best.get(candidate.period)
        accepted = candidate.status == R.ACCEPTED and candidate.is_current
        if chosen is None or accepted or not (chosen.status == R.ACCEPTED and chosen.is_current):
            best[candidate.period] = candidate
    return [(quarter, best.get(quarter)) for quarter in quarters]


@dataclass
class ComparisonRow:
    measure: Measure
    category: str
    label: str
    value: Decimal | str | None
    target: Decimal | None
    year_target: Decimal | None
    history: list[Decimal | str | None]  # the previous quarters' figures, oldest first
    below_target: bool = False
    change: Decimal | None = None  # against the previous quarter, as a share
    big_change: bool = False
    comment: str = ""

    @property
    def chart(self) -> list[tuple[Decimal | str | None, int]]:
        """Bar heights (0-100) for the previous quarters and this one."""
        values = [v for v in [*self.history, self.value] if isinstance(v, Decimal)]
        top = max(values, default=Decimal(0))
        bars = []
        for v in [*self.history, self.value]:
            height = int(v / top * 100) if isinstance(v, Decimal) and top else 0
            bars.append((v, height))
        return bars


BIG_CHANGE = Decimal("0.25")


def comparison(
    monitoring_return: MonitoringReturn,
    measures: list[Measure],
    *,
    comments: dict[str, str] | None = None,
) -> tuple[list[ComparisonRow], list[tuple[Quarter, MonitoringReturn | None]]]:
    """Each figure beside its target and the previous four quarters, in 3 queries.
    A figure below its quarter's target, or more than 25% up or down on the previous
    quarter, is flagged."""
    previous = previous_returns(monitoring_return)
    found = [r for _q, r in previous if r is not None]
    figures = figures_of([monitoring_return, *found])
    targets = targets_for_year(monitoring_return.contract, monitoring_return.financial_year)
    here = figures[monitoring_return.pk]
    rows = []
    for measure in measures:
        for category in ["", *measure.category_codes]:
            key = (measure.code, category)
            history = [figures[r.pk].get(key) if r is not None else None for _q, r in previous]
            value = here.get(key)
            row = ComparisonRow(
                measure=measure,
                category=category,
                label=measure.category_label(category) if category else measure.label,
                value=value,
                target=targets.get((measure.code, monitoring_return.quarter))
                if not category
                else None,
                year_target=targets.get((measure.code, Target.YEAR)) if not category else None,
                history=history,
                comment=(comments or {}).get(measure.code, "") if not category else "",
            )
            if isinstance(value, Decimal):
                if row.target is not None and value < row.target:
                    row.below_target = True
                last = history[-1] if history else None
                if isinstance(last, Decimal) and last:
                    row.change = (value - last) / last
                    row.big_change = abs(row.change) > BIG_CHANGE
            rows.append(row)
    return rows, previous


# Roll-up -------------------------------------------------------------------------------


@dataclass
class RollupRow:
    measure: Measure
    category: str
    label: str
    value: Decimal | None
    returns: int
    suppressed: bool = False

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
    for contract_id, quarter, status, superseded_at, corrected in (
        MonitoringReturn.objects.filter(
            contract__in=contracts,
            financial_year=first.year,
            quarter__in=[q.number for q in quarters],
        )
        .order_by("version")
        .values_list("contract_id", "quarter", "status", "superseded_at", "correction")
    ):
        if status == R.ACCEPTED and superseded_at is None:
            accepted.add((contract_id, quarter))
        if corrected is None:  # the newest version
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


SUPPRESSED = "<5"


def rollup_table(result: Rollup, *, published: bool) -> list[list[object]]:
    """The roll-up as rows for CSV or XLSX. Published figures show counts of 1 to 4 as
    "<5" and mark them."""
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
        value: object = "" if row.value is None else row.value
        suppressed = (
            published
            and row.measure.kind == Measure.Kind.COUNT
            and isinstance(row.value, Decimal)
            and 1 <= row.value <= 4
        )
        if suppressed:
            value = SUPPRESSED
        elif isinstance(value, Decimal):
            if row.measure.kind in (Measure.Kind.COUNT, Measure.Kind.TEXT):
                value = int(value)
            elif row.measure.kind == Measure.Kind.MONEY:
                value = Money(value.quantize(Decimal("0.01")))  # the same on SQLite and PostgreSQL
            elif row.measure.kind == Measure.Kind.PERCENTAGE:
                value = Percent(value)
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
            line.append("yes" if suppressed else "")
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
