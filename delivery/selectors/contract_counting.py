"""The dashboard's contract figures added up by the database, without an object per
contract: per table (dimension) and row (key), the contracts' count, value by funding
stream, accepted returns, victims supported, cases closed and cope-and-recover people.

The same rules as delivery.selectors.facts (_contract_facts, _contract_results) and
tables.keys: a contract's reporting area comes from its service's districts (all of them:
Across West Yorkshire), and it counts for its districts unless it is across West
Yorkshire. In 2 queries (each a UNION ALL of the groupings), however many contracts.
Exact only without a crosswalk into the plan, where each id is one code."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Floor

from commissioning.models import Contract, MonitoringReturn, Service
from commissioning.models.returns import ReturnValue
from delivery.selectors.counting import (
    AREA,
    DISTRICT,
    OUTCOME,
    PRIORITY,
    THEME,
    money_sum,
)
from delivery.selectors.facts import (
    CLOSED,
    COPE_MEASURES,
    RESULT_CODES,
    SUPPORTED,
    ZERO,
    _funding_in_scope,
    _Plan,
    chosen_keys,
)
from delivery.selectors.scope import (
    NOT_STATED,
    TOTAL,
    Scope,
    named_districts,
)

DIMENSIONS = (PRIORITY, OUTCOME, THEME, AREA, DISTRICT)
GROUPED = "grouped"
_COPE = {code for code, _label in COPE_MEASURES}
# Room for any total of a measure times the cases closed (values have 2 places).
_WEIGHTED = DecimalField(max_digits=30, decimal_places=2)


@dataclass
class ContractTally:
    contracts: int = 0
    contract_value: Decimal = ZERO
    streams: dict[str, Decimal] = field(default_factory=dict)
    returns: int = 0
    victims_supported: int = 0
    cases_closed: int = 0
    cope: dict[str, tuple[Decimal, int]] = field(default_factory=dict)


Tallies = dict[str, dict[str, ContractTally]]
# A service's districts (the M2M's through model).
ServiceArea: Any = Service.areas.through


def _kept(scope: Scope, plan: _Plan, keys: _Keys, contract: str) -> Q:
    """The district and theme filters on the contract at `contract`, as a filter."""
    district_key, theme_code = chosen_keys(scope, plan)
    found = Q()
    if district_key is not None:
        found &= Q(**{f"{contract}__service_id__in": keys.serving(district_key)})
    if theme_code is not None:
        ids = [pk for pk, codes in plan.theme.items() if theme_code in codes]
        themed = Contract.themes.through.objects.filter(theme_id__in=ids).values("contract_id")
        found &= Q(**{f"{contract}__in": themed})
    return found


def _funded(scope: Scope, plan: _Plan) -> QuerySet:
    return _funding_in_scope(scope, plan.plan_ids).values("contract_id")


def _grouped(rows: QuerySet, contract: str, extra: dict, figures: dict) -> list[QuerySet]:
    """`rows` (funding lines, returns or return values of the contracts at `contract`)
    added up by the contract's priority and service (its area and districts), and by its
    outcome and theme links: the parts of a UNION ALL, a row per (dimension, key,
    *extra)."""
    none = Value(None, output_field=IntegerField())
    parts = [
        rows.values(
            dimension=Value(GROUPED, output_field=CharField()),
            key=none,
            in_priority=F(f"{contract}__primary_priority_id"),
            in_service=F(f"{contract}__service_id"),
            **extra,
        )
    ]
    for dimension, path in ((OUTCOME, "outcomes"), (THEME, "themes")):
        parts.append(
            rows.filter(**{f"{contract}__{path}__isnull": False}).values(
                dimension=Value(dimension, output_field=CharField()),
                key=F(f"{contract}__{path}"),
                in_priority=none,
                in_service=none,
                **extra,
            )
        )
    return [part.annotate(**figures).order_by() for part in parts]


def _union(parts: list[QuerySet]) -> QuerySet:
    return parts[0].union(*parts[1:], all=True).order_by()


class _Keys:
    """The (dimension, key) rows one grouped row is counted in; a service's area and
    districts as facts._contract_facts has them (a service covering every district is
    across West Yorkshire, and counts for no single one)."""

    def __init__(self, plan: _Plan, contracts: QuerySet) -> None:
        self.plan = plan
        covered: dict[int, set[int]] = defaultdict(set)
        for service_id, district_id in ServiceArea.objects.filter(
            service__contracts__in=contracts
        ).values_list("service_id", "district_id"):
            covered[service_id].add(district_id)
        every = set(plan.district)
        self.services: dict[int, list[tuple[str, str]]] = {}
        for service_id, districts in covered.items():
            across = bool(every) and every <= districts
            area = plan.area(across_west_yorkshire=across, district_ids=districts)
            named = named_districts(
                area, frozenset(plan.district[d] for d in districts if d in plan.district)
            )
            self.services[service_id] = [(AREA, area), *((DISTRICT, key) for key in named)]

    def serving(self, district_key: str) -> list[int]:
        """The services whose contracts count for the district."""
        return [
            service_id
            for service_id, found in self.services.items()
            if (DISTRICT, district_key) in found
        ]

    def __call__(self, row: dict[str, Any]) -> list[tuple[str, str]]:
        plan, dimension, raw = self.plan, row["dimension"], row["key"]
        if dimension == GROUPED:
            return [
                (PRIORITY, plan.priority.get(row["in_priority"] or 0, NOT_STATED)),
                *self.services.get(row["in_service"], [(AREA, NOT_STATED)]),
                *((d, TOTAL) for d in DIMENSIONS),
            ]
        codes = (plan.outcome if dimension == OUTCOME else plan.theme).get(raw, ())
        return [(dimension, code) for code in codes]


def _tally(tallies: Tallies, dimension: str, key: str) -> ContractTally:
    rows = tallies[dimension]
    found = rows.get(key)
    if found is None:
        found = rows[key] = ContractTally()
    return found


def count_contracts(scope: Scope, plan: _Plan) -> Tallies:
    """{dimension: {row key: tally}} of the contracts in scope, TOTAL in every dimension:
    2 queries."""
    tallies: Tallies = {dimension: {TOTAL: ContractTally()} for dimension in DIMENSIONS}
    funded = _funded(scope, plan)
    keys = _Keys(plan, funded)
    none = Value(None, output_field=CharField())
    # Funding: per stream its money; per row (stream NULL) its contracts, once each.
    funding = _funding_in_scope(scope, plan.plan_ids).filter(_kept(scope, plan, keys, "contract"))
    by_stream = _grouped(
        funding,
        "contract",
        {"stream_of": F("stream")},
        {"n": Value(0, output_field=IntegerField()), "money": money_sum("amount")},
    )
    counted = _grouped(
        funding,
        "contract",
        {"stream_of": none},
        {"n": Count("contract_id", distinct=True), "money": money_sum("amount")},
    )
    for row in _union(by_stream + counted):
        for dimension, key in keys(row):
            tally = _tally(tallies, dimension, key)
            if row["stream_of"] is None:
                tally.contracts += row["n"]
                tally.contract_value += row["money"] or ZERO
            else:
                stream = row["stream_of"]
                tally.streams[stream] = tally.streams.get(stream, ZERO) + (row["money"] or ZERO)
    _count_results(scope, plan, funded, keys, tallies)
    return tallies


def _count_results(
    scope: Scope, plan: _Plan, funded: QuerySet, keys: _Keys, tallies: Tallies
) -> None:
    """The accepted, current returns of the period (facts._contract_results): how many, and
    their results' values added up. A cope-and-recover value is weighted by its return's
    cases closed (where they are above 0): people = value x closed / 100."""

    def of_returns(prefix: str) -> Q:
        found = Q(
            **{
                f"{prefix}status": MonitoringReturn.Status.ACCEPTED,
                f"{prefix}superseded_at__isnull": True,
                f"{prefix}contract__in": funded,
            }
        )
        if scope.year is not None:
            found &= Q(**{f"{prefix}financial_year": scope.year})
            if scope.quarter:
                found &= Q(**{f"{prefix}quarter": scope.quarter})
        return found & _kept(scope, plan, keys, f"{prefix}contract")

    returns = MonitoringReturn.objects.filter(of_returns(""))
    closed_here = Floor(
        Subquery(
            ReturnValue.objects.filter(
                monitoring_return_id=OuterRef("monitoring_return_id"),
                category="",
                measure__code=CLOSED,
            )
            .order_by()
            .values("value")[:1],
            output_field=_WEIGHTED,
        )
    )
    values = (
        ReturnValue.objects.filter(
            of_returns("monitoring_return__"),
            category="",
            measure__code__in=RESULT_CODES,
            value__isnull=False,
        )
        .alias(closed_here=closed_here)
        .annotate(
            is_cope=Case(
                When(measure__code__in=sorted(_COPE), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
    )
    weighted = Q(is_cope=1, closed_here__gt=0)
    results = _grouped(
        values,
        "monitoring_return__contract",
        {"code": F("measure__code")},
        {
            "n": Value(0, output_field=IntegerField()),
            "total": Sum(Floor("value"), output_field=_WEIGHTED),
            "weighted": Sum(
                ExpressionWrapper(F("value") * F("closed_here"), output_field=_WEIGHTED),
                filter=weighted,
                output_field=_WEIGHTED,
            ),
            "base": Sum("closed_here", filter=weighted, output_field=_WEIGHTED),
        },
    )
    count = _grouped(
        returns,
        "contract",
        {"code": Value(None, output_field=CharField())},
        {
            "n": Count("pk"),
            "total": Value(None, output_field=_WEIGHTED),
            "weighted": Value(None, output_field=_WEIGHTED),
            "base": Value(None, output_field=_WEIGHTED),
        },
    )
    for row in _union(results + count):
        code = row["code"]
        for dimension, key in keys(row):
            tally = _tally(tallies, dimension, key)
            if code is None:
                tally.returns += row["n"]
            elif code == SUPPORTED:
                tally.victims_supported += int(row["total"] or 0)
            elif code == CLOSED:
                tally.cases_closed += int(row["total"] or 0)
            elif row["base"]:
                people, base = tally.cope.get(code, (ZERO, 0))
                tally.cope[code] = (people + row["weighted"] / 100, base + int(row["base"]))
