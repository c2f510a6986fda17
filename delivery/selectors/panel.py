"""What the Police and Crime Panel's performance report holds, collected from the
plan-delivery facts and the indicator readings selectors (no second copy of any counting
rule): the report's PDF and its web page are both drawn from `panel_report_data`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone

from commissioning.models import FundingStream, MonitoringReturn
from commissioning.models.returns import Rating
from commissioning.quarters import Quarter
from commissioning.selectors.common import EDITABLE, newest_versions
from delivery.models import SECTION_ORDER, Section
from delivery.selectors.counting import ROUND, GrantTallies, count_grants
from delivery.selectors.facts import (
    ZERO,
    ContractFact,
    _funding_in_scope,
    contract_facts,
    plan_facts,
)
from delivery.selectors.scope import TOTAL, Scope
from delivery.selectors.tables import AREA, OUTCOME, PRIORITY, THEME, Row, counted_table, gaps
from grants.models import Round
from outcomes import selectors as outcome_selectors
from outcomes.models import Plan
from outcomes.periods import Period

OVERDUE_LISTED = 50
NOT_RATED, NOT_ACCEPTED = "not-rated", "not-accepted"


@dataclass
class RoundLine:
    fund: str
    round: str
    closes_on: dt.date
    bids: int
    awards: int
    awarded: Decimal


@dataclass
class StreamLine:
    key: str
    label: str
    contracts: int
    amount: Decimal

    @property
    def is_total(self) -> bool:
        return self.key == "total"


@dataclass
class RatingLine:
    key: str
    label: str
    returns: int

    @property
    def is_total(self) -> bool:
        return self.key == "total"


@dataclass
class OverdueReturn:
    contract: str
    provider: str
    service: str
    quarter: str
    due_on: dt.date
    days_overdue: int


@dataclass
class Returns:
    """The returns of the report's contracts: the latest quarter's by RAG rating, and the
    returns past their due date that have not been sent."""

    quarter: str  # "2026/27 Q2", or "" when no return of the period has been accepted
    ratings: list[RatingLine]
    overdue: list[OverdueReturn]
    overdue_count: int

    @property
    def more_overdue(self) -> int:
        return self.overdue_count - len(self.overdue)


@dataclass
class ChartSeries:
    """One measure's figures for the report's short chart: the period columns' values."""

    measure_id: int
    caption: str
    labels: list[str]
    values: list[Decimal | None]

    @property
    def drawable(self) -> bool:
        return sum(1 for v in self.values if v is not None) >= 2


@dataclass
class PanelReportData:
    plan: Plan
    year: int
    quarter: int
    period_label: str
    sections: list[str]
    as_at: dt.date
    indicators: outcome_selectors.IndicatorTables | None = None
    district_tables: list[outcome_selectors.DistrictTable] = field(default_factory=list)
    charts: dict[int, ChartSeries] = field(default_factory=dict)
    rounds: list[RoundLine] = field(default_factory=list)
    areas: list[Row] = field(default_factory=list)
    priorities: list[Row] = field(default_factory=list)
    themes: list[Row] = field(default_factory=list)
    streams: list[StreamLine] = field(default_factory=list)
    returns: Returns | None = None
    gaps: list[Row] = field(default_factory=list)

    def has(self, section: str) -> bool:
        return section in self.sections

    @property
    def has_indicators(self) -> bool:
        return self.has(Section.INDICATORS)

    @property
    def has_grants(self) -> bool:
        return self.has(Section.GRANTS)

    @property
    def has_contracts(self) -> bool:
        return self.has(Section.CONTRACTS)

    @property
    def has_gaps(self) -> bool:
        return self.has(Section.GAPS)

    @property
    def grant_total(self) -> Row | None:
        return self.areas[-1] if self.areas else None


def report_period(year: int, quarter: int) -> Period:
    return Period.quarter(year, quarter) if quarter else Period.financial_year(year)


def _charts(tables: outcome_selectors.IndicatorTables) -> dict[int, ChartSeries]:
    charts = {}
    for priority in tables.priorities:
        for row in priority.rows:
            cells = [*row.previous, row.current]
            labels = tables.columns or [c.period_label if c else "" for c in cells]
            charts[row.measure_id] = ChartSeries(
                measure_id=row.measure_id,
                caption=f"{row.measure} ({row.indicator_code})",
                labels=list(labels),
                values=[c.value if c else None for c in cells],
            )
    return charts


def _rounds(scope: Scope, tallies: GrantTallies) -> list[RoundLine]:
    """The plan's rounds that closed in the period or had bids or awards counted in it."""
    by_round = {k: t for k, t in tallies.bids[ROUND].items() if k != TOTAL}
    bids = {int(k): t.bids for k, t in by_round.items()}
    awarded_in = {int(k): t for k, t in tallies.awards[ROUND].items() if k != TOTAL}
    awards = {pk: t.awards for pk, t in awarded_in.items()}
    awarded: dict[int, Decimal] = {pk: t.awarded for pk, t in awarded_in.items()}
    instants = scope.instants()
    closed = Q(closes_at__gte=instants[0], closes_at__lt=instants[1]) if instants else Q()
    rounds = (
        Round.objects.filter(plan=scope.plan)
        .filter(closed | Q(pk__in=set(bids) | set(awards)))
        .select_related("fund")
        .order_by("closes_at", "pk")
    )
    zone = timezone.get_current_timezone()
    return [
        RoundLine(
            fund=r.fund.name,
            round=f"Round {r.number}: {r.title}",
            closes_on=r.closes_at.astimezone(zone).date(),
            bids=bids.get(r.pk, 0),
            awards=awards.get(r.pk, 0),
            awarded=awarded.get(r.pk, ZERO),
        )
        for r in rounds
    ]


def _streams(contracts: list[ContractFact]) -> list[StreamLine]:
    """Contracts and their value for the period by funding stream: a contract funded from
    two streams is counted under each, its money split between them."""
    counts: Counter[str] = Counter()
    amounts: dict[str, Decimal] = {}
    for contract in contracts:
        for stream, amount in contract.by_stream.items():
            counts[stream] += 1
            amounts[stream] = amounts.get(stream, ZERO) + amount
    lines = [
        StreamLine(value, label, counts[value], amounts[value])
        for value, label in FundingStream.choices
        if value in counts
    ]
    lines.append(
        StreamLine(
            "total",
            "TOTAL",
            len(contracts),
            sum((c.value for c in contracts), ZERO),
        )
    )
    return lines


def _returns(scope: Scope, today: dt.date) -> Returns:
    contracts = _funding_in_scope(scope).values("contract_id")
    returns = newest_versions(
        MonitoringReturn.objects.filter(contract__in=contracts, financial_year=scope.year)
    )
    if scope.quarter:
        returns = returns.filter(quarter=scope.quarter)
    counts = list(
        returns.values("quarter", "status", "rating")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("quarter", "status", "rating", "n")
    )
    accepted = [q for q, status, _, _ in counts if status == MonitoringReturn.Status.ACCEPTED]
    latest = max(accepted, default=None)
    by_key: Counter[str] = Counter()
    for quarter, status, rating, n in counts:
        if quarter != latest:
            continue
        if status != MonitoringReturn.Status.ACCEPTED:
            by_key[NOT_ACCEPTED] += n
        else:
            by_key[rating or NOT_RATED] += n
    ratings = [RatingLine(value, label, by_key[value]) for value, label in Rating.choices]
    ratings += [
        RatingLine(NOT_RATED, "Accepted without a rating", by_key[NOT_RATED]),
        RatingLine(NOT_ACCEPTED, "Not accepted yet", by_key[NOT_ACCEPTED]),
        RatingLine("total", "TOTAL", sum(by_key.values())),
    ]
    late = returns.filter(status__in=EDITABLE, submitted_at__isnull=True, due_date__lt=today)
    overdue = [
        OverdueReturn(
            contract=r.contract.reference,
            provider=r.contract.provider.name,
            service=r.contract.service.name,
            quarter=r.period.label,
            due_on=r.due_date,
            days_overdue=(today - r.due_date).days,
        )
        for r in late.select_related("contract__provider", "contract__service").order_by(
            "due_date", "contract__reference", "pk"
        )[:OVERDUE_LISTED]
    ]
    return Returns(
        quarter=Quarter(scope.year, latest).label if latest and scope.year else "",
        ratings=ratings,
        overdue=overdue,
        overdue_count=late.count() if len(overdue) == OVERDUE_LISTED else len(overdue),
    )


def panel_report_data(
    *, plan: Plan, year: int, quarter: int = 0, sections: list[str], today: dt.date | None = None
) -> PanelReportData:
    """Everything the report's chosen sections show, in a fixed number of queries however
    many awards, contracts and readings there are (the facts: load_facts; the indicators:
    outcomes.selectors; rounds 1; returns 3)."""
    today = today or timezone.localdate()
    chosen = [s for s in SECTION_ORDER if s in sections]
    scope = Scope(plan=plan, year=year, quarter=quarter or None)
    data = PanelReportData(
        plan=plan,
        year=year,
        quarter=quarter,
        period_label=scope.period_label,
        sections=chosen,
        as_at=today,
    )
    if Section.INDICATORS in chosen:
        period = report_period(year, quarter)
        data.indicators = outcome_selectors.indicator_tables(plan=plan, period=period)
        data.district_tables = outcome_selectors.district_tables(plan=plan, period=period)
        data.charts = _charts(data.indicators)
    if {Section.GRANTS, Section.CONTRACTS, Section.GAPS} & set(chosen):
        # Counted as the dashboard counts (no object per award or bid).
        facts, plan_codes = plan_facts(scope)
        tallies = count_grants(scope, plan_codes)
        contracts = contract_facts(scope, plan_codes)

        def of(dimension: str) -> list[Row]:
            return counted_table(facts, contracts, tallies, dimension)

        if Section.GRANTS in chosen:
            data.rounds = _rounds(scope, tallies)
            data.areas = of(AREA)
            data.themes = of(THEME)
        if Section.GRANTS in chosen or Section.CONTRACTS in chosen:
            data.priorities = of(PRIORITY)
        if Section.CONTRACTS in chosen:
            data.streams = _streams(contracts)
            data.returns = _returns(scope, today)
        if Section.GAPS in chosen:
            data.gaps = gaps(of(OUTCOME), [], []).outcomes
    return data
