"""The plan-delivery tables: figures per priority, outcome, theme and reporting area, the
gaps, and the list of awards, contracts or bids behind any one figure.

Each table groups the same facts (delivery.selectors.facts) with `keys()`; a drill-down is
one of those groups. Priorities and areas partition the facts, so their rows add up to
the TOTAL row; an award or contract aligned to several outcomes or themes is counted under
each, so those rows do not add up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from core.versioned import forget_when_written, read_through
from delivery.selectors import lists
from delivery.selectors.counting import GrantTallies, count_grants
from delivery.selectors.facts import (
    COPE_MEASURES,
    ZERO,
    AwardFact,
    BidFact,
    ContractFact,
    Facts,
    _Plan,
    contract_facts,
    load_facts,
    plan_facts,
)
from delivery.selectors.scope import (
    ACROSS_WEST_YORKSHIRE,
    AREA_LABELS,
    MULTI_DISTRICT,
    NOT_STATED,
    TOTAL,
    Scope,
    slug,
)

PRIORITY, OUTCOME, THEME, AREA, DISTRICT = "priority", "outcome", "theme", "area", "district"
DIMENSIONS = (PRIORITY, OUTCOME, THEME, AREA, DISTRICT)
# Tables whose rows split the facts between them, so the rows add up to the TOTAL row.
ADDITIVE = (PRIORITY, AREA)

Fact = AwardFact | ContractFact | BidFact


def keys(fact: Fact, dimension: str) -> Iterable[str]:
    """The rows of a table `fact` is counted in: one for a priority or an area; any number
    for outcomes, themes and the districts it counts for."""
    alignment = fact.alignment
    if dimension == PRIORITY:
        return (alignment.priority,)
    if dimension == OUTCOME:
        return alignment.outcomes
    if dimension == THEME:
        return alignment.themes
    if dimension == AREA:
        return (alignment.area,)
    if dimension == DISTRICT:
        return alignment.districts
    raise ValueError(f"Unknown dimension {dimension!r}")


@dataclass
class Figures:
    """What one row counts. Money is Decimal; results are whole people."""

    awards: int = 0
    awarded: Decimal = ZERO
    paid: Decimal = ZERO
    reporting_awards: int = 0  # awards with an accepted monitoring report
    people_reached: int = 0
    contracts: int = 0
    contract_value: Decimal = ZERO
    # Contract value by funding stream: {FundingStream value: amount}.
    streams: dict[str, Decimal] = field(default_factory=dict)
    returns: int = 0
    victims_supported: int = 0
    cases_closed: int = 0
    cope: dict[str, tuple[Decimal, int]] = field(default_factory=dict)
    bids: int = 0
    requested: Decimal = ZERO

    @property
    def funded(self) -> bool:
        """Any funded activity: an award or a contract."""
        return bool(self.awards or self.contracts)

    def stream(self, stream: str) -> Decimal:
        return self.streams.get(stream, ZERO)

    def cope_percent(self, code: str) -> Decimal | None:
        """The share of people leaving support who said so, to one decimal place."""
        people, base = self.cope.get(code, (ZERO, 0))
        if not base:
            return None
        return (people * 100 / base).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def cope_percents(self) -> list[tuple[str, str, Decimal | None]]:
        return [(code, label, self.cope_percent(code)) for code, label in COPE_MEASURES]


def figures_of(
    awards: Sequence[AwardFact], contracts: Sequence[ContractFact], bids: Sequence[BidFact]
) -> Figures:
    """Add up the facts. Every figure on the dashboard and every drill-down total is this."""
    figures = Figures(
        awards=len(awards),
        awarded=sum((a.amount for a in awards), ZERO),
        paid=sum((a.paid for a in awards), ZERO),
        reporting_awards=sum(1 for a in awards if a.people_reached is not None),
        people_reached=sum(a.people_reached or 0 for a in awards),
        contracts=len(contracts),
        contract_value=sum((c.value for c in contracts), ZERO),
        returns=sum(c.returns for c in contracts),
        victims_supported=sum(c.victims_supported for c in contracts),
        cases_closed=sum(c.cases_closed for c in contracts),
        bids=len(bids),
        requested=sum((b.requested for b in bids), ZERO),
    )
    for contract in contracts:
        for stream, amount in contract.by_stream.items():
            figures.streams[stream] = figures.streams.get(stream, ZERO) + amount
        for code, (people, base) in contract.cope.items():
            had_people, had_base = figures.cope.get(code, (ZERO, 0))
            figures.cope[code] = (had_people + people, had_base + base)
    return figures


@dataclass
class Group:
    """The facts counted under one row."""

    awards: list[AwardFact] = field(default_factory=list)
    contracts: list[ContractFact] = field(default_factory=list)
    bids: list[BidFact] = field(default_factory=list)

    @property
    def figures(self) -> Figures:
        return figures_of(self.awards, self.contracts, self.bids)


def grouped(facts: Facts, dimension: str) -> dict[str, Group]:
    """{row key: the facts counted under it}, plus TOTAL: every fact once."""
    groups: dict[str, Group] = {
        TOTAL: Group(list(facts.awards), list(facts.contracts), list(facts.bids))
    }
    for name, items in (
        ("awards", facts.awards),
        ("contracts", facts.contracts),
        ("bids", facts.bids),
    ):
        for fact in items:
            for key in keys(fact, dimension):
                getattr(groups.setdefault(key, Group()), name).append(fact)
    return groups


@dataclass
class Row:
    dimension: str
    key: str
    label: str
    figures: Figures
    code: str = ""  # the plan's code (P1, P1-O3, CCT-SWG), for exports
    group: str = ""  # outcome rows: their priority's code and title

    @property
    def is_total(self) -> bool:
        return self.key == TOTAL


@dataclass
class Labelled:
    key: str
    label: str
    code: str = ""
    group: str = ""


def row_labels(facts: Facts, dimension: str) -> list[Labelled]:
    """The rows a table always shows, in the plan's order (a district table in the Safer
    Communities Fund's: the districts, Multi-District, Across West Yorkshire)."""
    if dimension == PRIORITY:
        return [Labelled(p.code, f"{p.code} {p.title}", p.code) for p in facts.priorities]
    if dimension == OUTCOME:
        return [
            Labelled(
                o.code,
                f"{o.code} {o.title}",
                o.code,
                f"{o.priority.code} {o.priority.title}",
            )
            for o in facts.outcomes
        ]
    if dimension == THEME:
        return [Labelled(t.code, t.title, t.code) for t in facts.themes]
    districts = [Labelled(slug(d.name), d.name, d.ons_code) for d in facts.districts]
    if dimension == DISTRICT:
        return districts
    return [
        *districts,
        Labelled(MULTI_DISTRICT, AREA_LABELS[MULTI_DISTRICT]),
        Labelled(ACROSS_WEST_YORKSHIRE, AREA_LABELS[ACROSS_WEST_YORKSHIRE]),
    ]


def label_of(facts: Facts, dimension: str, key: str) -> str | None:
    """The row's label, or None for a key that names no row of the table."""
    if key == TOTAL:
        return "All"
    if key == NOT_STATED and dimension in (PRIORITY, AREA):
        return AREA_LABELS[NOT_STATED]
    return next((row.label for row in row_labels(facts, dimension) if row.key == key), None)


def table(facts: Facts, dimension: str) -> list[Row]:
    """The table's rows in order; a "Not stated" row only when something is counted in it.
    Additive tables end with their TOTAL row."""
    groups = grouped(facts, dimension)
    return table_of(facts, dimension, {key: group.figures for key, group in groups.items()})


def table_of(facts: Facts, dimension: str, figures: dict[str, Figures]) -> list[Row]:
    """The table's rows from its figures by row key (with TOTAL)."""
    rows = [
        Row(
            dimension,
            item.key,
            item.label,
            figures.get(item.key) or Figures(),
            item.code,
            item.group,
        )
        for item in row_labels(facts, dimension)
    ]
    if dimension in (PRIORITY, AREA) and NOT_STATED in figures:
        rows.append(Row(dimension, NOT_STATED, AREA_LABELS[NOT_STATED], figures[NOT_STATED]))
    if dimension in ADDITIVE:
        rows.append(Row(dimension, TOTAL, AREA_LABELS[TOTAL], figures[TOTAL]))
    return rows


def counted_figures(
    contracts: Sequence[ContractFact], tallies: GrantTallies, dimension: str
) -> dict[str, Figures]:
    """{row key: figures} of one table, from the grants' tallies and the contracts' facts:
    the same figures as grouping every fact (figures_of), with a key only where something
    is counted (and TOTAL always)."""
    by_key: dict[str, list[ContractFact]] = {TOTAL: list(contracts)}
    for contract in contracts:
        for key in keys(contract, dimension):
            by_key.setdefault(key, []).append(contract)
    awards, bids = tallies.awards.get(dimension, {}), tallies.bids.get(dimension, {})
    figures = {}
    for key in {*by_key, *awards, *bids}:
        f = figures_of((), by_key.get(key, ()), ())
        if key in awards:
            a = awards[key]
            f.awards, f.awarded, f.paid = a.awards, a.awarded, a.paid
            f.reporting_awards, f.people_reached = a.reporting_awards, a.people_reached
        if key in bids:
            f.bids, f.requested = bids[key].bids, bids[key].requested
        figures[key] = f
    return figures


def counted_table(
    facts: Facts, contracts: Sequence[ContractFact], tallies: GrantTallies, dimension: str
) -> list[Row]:
    return table_of(facts, dimension, counted_figures(contracts, tallies, dimension))


@dataclass
class Gaps:
    """What the period funded nothing for, shown before any table."""

    outcomes: list[Row]
    themes: list[Row]
    districts: list[Row]  # bids named the district, no award did

    @property
    def any(self) -> bool:
        return bool(self.outcomes or self.themes or self.districts)


def gaps(outcomes: list[Row], themes: list[Row], districts: list[Row]) -> Gaps:
    return Gaps(
        outcomes=[row for row in outcomes if not row.figures.funded],
        themes=[row for row in themes if not row.figures.funded],
        districts=[row for row in districts if row.figures.bids and not row.figures.awards],
    )


@dataclass
class Dashboard:
    scope: Scope
    totals: Figures
    priorities: list[Row]
    outcomes: list[Row]
    themes: list[Row]
    areas: list[Row]
    gaps: Gaps

    @property
    def table_names(self) -> list[str]:
        return list(TABLES)


DASHBOARD_TABLES = ("totals", "priorities", "outcomes", "themes", "areas", "gaps")


def dashboard(scope: Scope) -> Dashboard:
    """Every table of the plan-delivery dashboard for one scope, in a fixed number of
    queries: the plan (plan_facts), the awards and bids added up as they are read without
    an object each (counting.count_grants), and the contracts' facts (one per contract).
    The figures are those of grouping every fact (load_facts, table)."""
    facts, plan = plan_facts(scope)
    tallies = count_grants(scope, plan)
    contracts = contract_facts(scope, plan) if scope.includes_contracts else []

    def of(dimension: str) -> list[Row]:
        return counted_table(facts, contracts, tallies, dimension)

    priorities, outcomes, themes = of(PRIORITY), of(OUTCOME), of(THEME)
    return Dashboard(
        scope=scope,
        totals=priorities[-1].figures,  # the TOTAL row: every fact once
        priorities=priorities,
        outcomes=outcomes,
        themes=themes,
        areas=of(AREA),
        gaps=gaps(outcomes, themes, of(DISTRICT)),
    )


# The dashboard as kept in the cache: worked out once, shown to everyone, until something it
# counts is written (watch_figures, connected by delivery.apps).
FIGURES_VERSION = "delivery:figures"
# A safety net only: every write the figures count forgets them at once (watch_figures).
FIGURES_TIMEOUT = 60 * 60
# The apps whose rows the figures count, and the one model of accounts (districts).
COUNTED_APPS = frozenset({"grants", "commissioning", "outcomes"})
COUNTED_MODELS = frozenset({("accounts", "district")})


def cached_dashboard(scope: Scope) -> Dashboard:
    """dashboard(scope), kept in the cache until a grant, bid, payment, report, contract,
    return or the plan changes: the same tables, without the 20-odd queries."""
    tables = kept_figures(scope, "dashboard", lambda: _tables_of(dashboard(scope)))
    return Dashboard(scope=scope, **tables)


def kept_figures(scope: Scope, name: str, compute: Callable[[], Any]) -> Any:
    """What `compute` works out for the scope, kept under `name` until a figure changes."""
    return read_through(
        version_key=FIGURES_VERSION,
        key=f"{_scope_key(scope)}:{name}",
        tag=str(scope.plan.uuid),
        compute=compute,
        timeout=FIGURES_TIMEOUT,
    )


def _scope_key(scope: Scope) -> str:
    """A scope's part of a cache key: every choice of the filters."""
    parts = (
        scope.plan.pk,
        scope.year,
        scope.fund_id,
        scope.round_id,
        scope.stream,
        scope.district_id,
        scope.theme_id,
        scope.quarter,
    )
    return "delivery:" + ":".join(str(part) for part in parts)


def _tables_of(board: Dashboard) -> dict[str, Any]:
    """Everything but the scope (its plan is the caller's)."""
    return {name: getattr(board, name) for name in DASHBOARD_TABLES}


def counted(model: type, instance: Any) -> bool:
    """Does writing this change a figure? Any row of the counted apps does, except their
    history rows and a draft application being typed (drafts are not bids)."""
    meta = model._meta  # type: ignore[attr-defined]
    if meta.app_label not in COUNTED_APPS and (meta.app_label, meta.model_name) not in (
        COUNTED_MODELS
    ):
        return False
    if meta.model_name.startswith("historical"):
        return False
    return not (meta.model_name == "application" and getattr(instance, "status", "") == "draft")


def watch_figures() -> None:
    forget_when_written(FIGURES_VERSION, counted)


# One call per table, for a report that needs only some of them (each reads the facts).


def priority_table(scope: Scope) -> list[Row]:
    """Per priority, ending with the TOTAL row."""
    return table(load_facts(scope), PRIORITY)


def outcome_table(scope: Scope) -> list[Row]:
    """Per outcome, in the plan's order; the rows do not add up."""
    return table(load_facts(scope), OUTCOME)


def theme_table(scope: Scope) -> list[Row]:
    """Per cross-cutting theme; the rows do not add up."""
    return table(load_facts(scope), THEME)


def district_table(scope: Scope) -> list[Row]:
    """The Safer Communities Fund's district table: the districts, Multi-District, Across
    West Yorkshire, TOTAL (figures.awards is "No of Projects", figures.awarded "Total
    Spend")."""
    return table(load_facts(scope), AREA)


def gaps_of(scope: Scope) -> Gaps:
    facts = load_facts(scope)
    return gaps(table(facts, OUTCOME), table(facts, THEME), table(facts, DISTRICT))


# The tables a dashboard exports, by the name used in links and file names.
TABLES = {
    "priorities": "By priority",
    "outcomes": "By outcome",
    "themes": "By cross-cutting theme",
    "districts": "By district",
    "gaps": "Gaps",
}


KINDS = ("awards", "contracts", "bids")


class Drilldown:
    """The awards, contracts or bids behind one row of a table, and their figures (the
    same figures as the row's).

    Only the list of `kind` is read: its page when sliced (lists.Listing). `totals` are
    that list's own figures (one aggregate); `figures`, the row's whole figures (every
    kind), are read when asked for."""

    def __init__(
        self,
        *,
        scope: Scope,
        plan: _Plan,
        dimension: str,
        key: str,
        label: str,
        kind: str,
        kept: bool = False,
    ) -> None:
        self._keep: lists.Keep = self._kept if kept else lists.work_out
        self.scope, self.dimension, self.key, self.label, self.kind = (
            scope,
            dimension,
            key,
            label,
            kind,
        )
        self._plan = plan
        self._lists: dict[str, tuple[Any, Figures]] = {}

    def _kept(self, name: str, compute: Callable[[], Any]) -> Any:
        """A list's total from the cache, as the dashboard's tables."""
        return kept_figures(self.scope, f"{self.dimension}:{self.key}:{name}", compute)

    def _list(self, kind: str) -> tuple[Any, Figures]:
        if kind not in self._lists:
            scope, plan, dimension, key = self.scope, self._plan, self.dimension, self.key
            if kind == "awards":
                awards, a = lists.award_list(scope, plan, dimension, key, self._keep)
                figures = Figures(
                    awards=a.awards,
                    awarded=a.awarded,
                    paid=a.paid,
                    reporting_awards=a.reporting_awards,
                    people_reached=a.people_reached,
                )
                self._lists[kind] = (awards, figures)
            elif kind == "bids":
                bids, b = lists.bid_list(scope, plan, dimension, key, self._keep)
                self._lists[kind] = (bids, Figures(bids=b.bids, requested=b.requested))
            else:
                found = (
                    self._keep_contracts(lambda: contract_facts(scope, plan))
                    if scope.includes_contracts
                    else []
                )
                if key != TOTAL:
                    found = [c for c in found if key in keys(c, dimension)]
                self._lists[kind] = (found, figures_of((), found, ()))
        return self._lists[kind]

    def _keep_contracts(self, compute: Callable[[], list[ContractFact]]) -> list[ContractFact]:
        """The scope's contracts, whichever row they are listed for (kept once a scope)."""
        if self._keep is lists.work_out:
            return compute()
        return kept_figures(self.scope, "contracts", compute)

    @property
    def awards(self) -> Sequence[AwardFact]:
        return self._list("awards")[0]

    @property
    def contracts(self) -> Sequence[ContractFact]:
        return self._list("contracts")[0]

    @property
    def bids(self) -> Sequence[BidFact]:
        return self._list("bids")[0]

    @property
    def items(self) -> Sequence:
        """The list of `kind`, read a page at a time."""
        return self._list(self.kind)[0]

    @property
    def totals(self) -> Figures:
        """The figures of the list of `kind` alone (the other kinds' are zero)."""
        return self._list(self.kind)[1]

    @property
    def figures(self) -> Figures:
        """The row's figures: every kind's."""
        awards = self._list("awards")[1]
        bids = self._list("bids")[1]
        figures = replace(self._list("contracts")[1])
        figures.awards, figures.awarded, figures.paid = awards.awards, awards.awarded, awards.paid
        figures.reporting_awards = awards.reporting_awards
        figures.people_reached = awards.people_reached
        figures.bids, figures.requested = bids.bids, bids.requested
        return figures


def drilldown(
    scope: Scope, *, dimension: str, key: str, kind: str, kept: bool = False
) -> Drilldown | None:
    """The list behind a figure: the same awards, contracts or bids the dashboard's row
    was counted from. None when the dimension, key or kind names nothing. The plan is read
    here (5 queries); the list and its total when asked for. `kept`: the totals (and the
    scope's contracts) come from the cache, kept as the dashboard's tables are."""
    if dimension not in DIMENSIONS or kind not in KINDS:
        return None
    facts, plan = plan_facts(scope)
    label = label_of(facts, dimension, key)
    if label is None:
        return None
    return Drilldown(
        scope=scope, plan=plan, dimension=dimension, key=key, label=label, kind=kind, kept=kept
    )
