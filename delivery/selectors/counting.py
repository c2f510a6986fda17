"""The dashboard's grant figures without an object per award or bid.

The same rows and the same keys as delivery.selectors.facts (the same queries, less read
per row: no names, titles, dates or statuses), added up as they are read: per table
(dimension) and row (key), the count, money and people of the awards and bids counted
there. The lists behind the figures read only the rows of the figure (see
delivery.selectors.lists), so a figure and its list share the rules of facts.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DecimalField,
    F,
    IntegerField,
    Min,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)

from delivery.selectors.facts import (
    ZERO,
    _award_links,
    _awards_in_scope,
    _bid_links,
    _bids_in_scope,
    _paid_by_award,
    _Plan,
    chosen_keys,
    with_people_reached,
)
from delivery.selectors.scope import (
    ACROSS_WEST_YORKSHIRE,
    MULTI_DISTRICT,
    NOT_STATED,
    TOTAL,
    Scope,
    named_districts,
)
from grants.models import Application, Award, PaymentInstalment

# The tables' dimensions (tables.DIMENSIONS), and the rounds for the Panel report.
PRIORITY, OUTCOME, THEME, AREA, DISTRICT, ROUND = (
    "priority",
    "outcome",
    "theme",
    "area",
    "district",
    "round",
)
COUNTED = (PRIORITY, OUTCOME, THEME, AREA, DISTRICT, ROUND)


@dataclass
class AwardTally:
    awards: int = 0
    awarded: Decimal = ZERO
    paid: Decimal = ZERO
    reporting_awards: int = 0
    people_reached: int = 0


@dataclass
class BidTally:
    bids: int = 0
    requested: Decimal = ZERO


@dataclass
class GrantTallies:
    """{dimension: {row key: tally}}; every dimension has its TOTAL row (every one once).
    The ROUND dimension's keys are round ids."""

    awards: dict[str, dict[str, AwardTally]] = field(default_factory=dict)
    bids: dict[str, dict[str, BidTally]] = field(default_factory=dict)


class _Keys:
    """The rows one award or bid is counted in, from its ids (facts._Plan.alignment and
    tables.keys, without the objects); None when the district or theme filter leaves it
    out."""

    def __init__(self, scope: Scope, plan: _Plan) -> None:
        self.plan = plan
        self.district_key, self.theme_code = chosen_keys(scope, plan)

    def __call__(
        self,
        *,
        priority_id: int | None,
        outcome_ids: Iterable[int],
        theme_ids: Iterable[int],
        across: bool,
        district_ids: set[int],
        round_id: int,
    ) -> list[tuple[str, str]] | None:
        plan = self.plan
        themes = {c for t in theme_ids for c in plan.theme.get(t, ())}
        area = plan.area(across_west_yorkshire=across, district_ids=district_ids)
        districts = named_districts(
            area, frozenset(plan.district[d] for d in district_ids if d in plan.district)
        )
        if self.district_key is not None and self.district_key not in districts:
            return None
        if self.theme_code is not None and self.theme_code not in themes:
            return None
        outcomes = {c for o in outcome_ids for c in plan.outcome.get(o, ())}
        found = [(dimension, TOTAL) for dimension in COUNTED]
        found += [
            (PRIORITY, plan.priority.get(priority_id or 0, NOT_STATED)),
            (AREA, area),
            (ROUND, str(round_id)),
        ]
        found += [(OUTCOME, code) for code in outcomes]
        found += [(THEME, code) for code in themes]
        found += [(DISTRICT, key) for key in districts]
        return found


def _empty(tally) -> dict[str, dict]:
    return {dimension: {TOTAL: tally()} for dimension in COUNTED}


def _count_awards(scope: Scope, plan: _Plan, keys: _Keys) -> dict[str, dict[str, AwardTally]]:
    """5 queries, as facts._award_facts."""
    awards = _awards_in_scope(scope, plan.plan_ids)
    ids = awards.values("pk")
    outcomes, themes, districts = _award_links(ids)
    paid = _paid_by_award(ids)
    tallies: dict[str, dict[str, AwardTally]] = _empty(AwardTally)
    for (
        pk,
        amount,
        priority_id,
        application_id,
        across,
        round_id,
        people,
    ) in (
        with_people_reached(awards)
        .order_by()
        .values_list(
            "pk",
            "amount",
            "primary_priority_id",
            "application_id",
            "application__across_west_yorkshire",
            "application__round_id",
            "reached",
        )
    ):
        found = keys(
            priority_id=priority_id,
            outcome_ids=outcomes.get(pk, ()),
            theme_ids=themes.get(pk, ()),
            across=across,
            district_ids=districts.get(application_id, set()),
            round_id=round_id,
        )
        if found is None:
            continue
        paid_here = paid.get(pk) or ZERO
        for dimension, key in found:
            rows = tallies[dimension]
            tally = rows.get(key)
            if tally is None:
                tally = rows[key] = AwardTally()
            tally.awards += 1
            tally.awarded += amount
            tally.paid += paid_here
            if people is not None:
                tally.reporting_awards += 1
                tally.people_reached += people
    return tallies


def _count_bids(scope: Scope, plan: _Plan, keys: _Keys) -> dict[str, dict[str, BidTally]]:
    """4 queries, as facts._bid_facts."""
    bids = _bids_in_scope(scope, plan.plan_ids)
    ids = bids.values("pk")
    outcomes, themes, districts = _bid_links(ids)
    tallies: dict[str, dict[str, BidTally]] = _empty(BidTally)
    for pk, requested, priority_id, across, round_id in bids.order_by().values_list(
        "pk", "amount_requested", "primary_priority_id", "across_west_yorkshire", "round_id"
    ):
        found = keys(
            priority_id=priority_id,
            outcome_ids=outcomes.get(pk, ()),
            theme_ids=themes.get(pk, ()),
            across=across,
            district_ids=districts.get(pk, set()),
            round_id=round_id,
        )
        if found is None:
            continue
        requested = requested or ZERO
        for dimension, key in found:
            rows = tallies[dimension]
            tally = rows.get(key)
            if tally is None:
                tally = rows[key] = BidTally()
            tally.bids += 1
            tally.requested += requested
    return tallies


# In SQL: the rows behind a figure as a filter, and the figures grouped by the database.


@dataclass(frozen=True)
class Kind:
    """Where an award's or a bid's ids and money are (a bid is an Application)."""

    model: type[Model]
    application: str  # the bid's id
    across: str
    priority: str
    round: str
    amount: str
    outcomes: Any  # the M2M's through model
    themes: Any
    owner: str  # the through models' column naming the award or bid
    order: tuple[str, ...]
    districts: str  # the bid's districts


AWARDS = Kind(
    model=Award,
    application="application_id",
    across="application__across_west_yorkshire",
    priority="primary_priority_id",
    round="application__round_id",
    amount="amount",
    outcomes=Award.outcomes.through,
    themes=Award.themes.through,
    owner="award_id",
    order=("decided_at", "pk"),
    districts="application__districts",
)
BIDS = Kind(
    model=Application,
    application="pk",
    across="across_west_yorkshire",
    priority="primary_priority_id",
    round="round_id",
    amount="amount_requested",
    outcomes=Application.outcomes.through,
    themes=Application.themes.through,
    owner="application_id",
    order=("submitted_at", "pk"),
    districts="districts",
)
# A bid's districts (the M2M's through model; an award's are its bid's).
BidDistrict: Any = Application.districts.through


def money_sum(expression: str) -> Sum:
    """A sum of money, with room for any total (the fields hold up to 12 digits)."""
    return Sum(expression, output_field=DecimalField(max_digits=20, decimal_places=2))


def _has_district(kind: Kind, district_id: int | None) -> Q:
    return Q(
        **{
            kind.across: False,
            f"{kind.application}__in": BidDistrict.objects.filter(district_id=district_id).values(
                "application_id"
            ),
        }
    )


def _several_districts(kind: Kind) -> Q:
    several = (
        BidDistrict.objects.order_by()
        .values("application_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values("application_id")
    )
    return Q(**{f"{kind.application}__in": several})


def _district_id(plan: _Plan, key: str) -> int | None:
    return next((pk for pk, slug in plan.district.items() if slug == key), None)


def row_filter(kind: Kind, plan: _Plan, dimension: str, key: str) -> Q:
    """The awards or bids counted in one row of a table, as a filter: the same rule as
    _Keys (and tables.keys), for a key that names a row (tables.label_of)."""
    if key == TOTAL:
        return Q()
    if dimension == PRIORITY:
        if key == NOT_STATED:
            named = [pk for pk, code in plan.priority.items() if code != NOT_STATED]
            return ~Q(**{f"{kind.priority}__in": named})
        ids = [pk for pk, code in plan.priority.items() if code == key]
        return Q(**{f"{kind.priority}__in": ids})
    if dimension in (OUTCOME, THEME):
        codes = plan.outcome if dimension == OUTCOME else plan.theme
        through = kind.outcomes if dimension == OUTCOME else kind.themes
        column = "outcome_id" if dimension == OUTCOME else "theme_id"
        ids = [pk for pk, mapped in codes.items() if key in mapped]
        return Q(pk__in=through.objects.filter(**{f"{column}__in": ids}).values(kind.owner))
    if dimension == DISTRICT:
        return _has_district(kind, _district_id(plan, key))
    if dimension == AREA:
        if key == ACROSS_WEST_YORKSHIRE:
            return Q(**{kind.across: True})
        alone = Q(**{kind.across: False})
        if key == NOT_STATED:
            with_any = BidDistrict.objects.values("application_id")
            return alone & ~Q(**{f"{kind.application}__in": with_any})
        if key == MULTI_DISTRICT:
            return alone & _several_districts(kind)
        return _has_district(kind, _district_id(plan, key)) & ~_several_districts(kind)
    raise ValueError(f"Unknown dimension {dimension!r}")


def scope_filter(kind: Kind, scope: Scope, plan: _Plan) -> Q:
    """The dashboard's district and theme filters, as a filter."""
    district_key, theme_code = chosen_keys(scope, plan)
    found = Q()
    if district_key is not None:
        found &= row_filter(kind, plan, DISTRICT, district_key)
    if theme_code is not None:
        found &= row_filter(kind, plan, THEME, theme_code)
    return found


def in_scope(kind: Kind, scope: Scope, plan: _Plan) -> QuerySet:
    """The awards or bids the scope counts (the district and theme filters applied)."""
    found = (
        _awards_in_scope(scope, plan.plan_ids)
        if kind is AWARDS
        else _bids_in_scope(scope, plan.plan_ids)
    )
    return found.filter(scope_filter(kind, scope, plan))


def _paid_each(award: str) -> Subquery:
    """The amount paid on an award so far (NULL when nothing is)."""
    return Subquery(
        PaymentInstalment.objects.filter(award_id=OuterRef(award), paid_amount__isnull=False)
        .order_by()
        .values("award_id")
        .annotate(total=Sum("paid_amount"))
        .values("total"),
        output_field=DecimalField(max_digits=20, decimal_places=2),
    )


# An award's or bid's district for its reporting area: several (the MULTI_DISTRICT row).
SEVERAL = -1
# The rows of _sql_tallies' query grouped by priority, round and area (not by a link).
GROUPED = "grouped"


def _area_district(kind: Kind) -> Case:
    """The bid's district id when it names one, SEVERAL when it names more, else NULL: one
    lookup, made only for the bids in the districts table (a hashed IN), not for all."""
    links = BidDistrict.objects.filter(application_id=OuterRef(kind.application)).order_by()
    one = (
        links.values("application_id")
        .annotate(n=Count("pk"), first=Min("district_id"))
        .annotate(
            district=Case(
                When(n__gt=1, then=Value(SEVERAL)),
                default=F("first"),
                output_field=IntegerField(),
            ),
        )
        .values("district")
    )
    return Case(
        When(
            **{f"{kind.application}__in": BidDistrict.objects.values("application_id")},
            then=Subquery(one, output_field=IntegerField()),
        ),
        default=None,
        output_field=IntegerField(),
    )


def _area(plan: _Plan, across: bool, district: int | None) -> str:
    if across:
        return ACROSS_WEST_YORKSHIRE
    if district == SEVERAL:
        return MULTI_DISTRICT
    if district is not None:
        return plan.district.get(district, NOT_STATED)
    return NOT_STATED


def _sql_tallies(kind: Kind, scope: Scope, plan: _Plan) -> dict[str, dict[str, Any]]:
    """Awards' or bids' tallies grouped by the database, in one query: by priority, round
    and reporting area, and by their outcome, theme and district links. An award's
    payments (an index lookup each) and people reached (its accepted reports, joined) are
    added up with it. Exact only without a crosswalk, where each id is one code."""
    tally = AwardTally if kind is AWARDS else BidTally
    tallies: dict[str, dict[str, Any]] = _empty(tally)
    base = in_scope(kind, scope, plan)
    awards = kind is AWARDS

    def add(dimension: str, key: str, row: dict[str, Any]) -> None:
        rows = tallies[dimension]
        found: Any = rows.get(key)
        if found is None:
            found = rows[key] = tally()
        if awards:
            found.awards += row["n"]
            found.awarded += row["money"] or ZERO
            found.paid += row["paid"] or ZERO
            found.reporting_awards += row["reporting"]
            found.people_reached += row["people"] or 0
        else:
            found.bids += row["n"]
            found.requested += row["money"] or ZERO

    def figures(amount: str) -> dict[str, Any]:
        """The count and money; for awards, what was paid and the people reached too."""
        found: dict[str, Any] = {"n": Count("pk"), "money": money_sum(amount)}
        if awards:
            found.update(
                paid=money_sum("paid_each"),
                reporting=Count("reached"),
                people=Sum("reached"),
            )
        return found

    def each(found: QuerySet) -> QuerySet:
        """With each award's payments and the people it reached."""
        if not awards:
            return found
        return with_people_reached(found).annotate(paid_each=_paid_each("pk"))

    # One query (UNION ALL): the awards or bids grouped by priority, round and reporting
    # area; then joined to their outcomes, themes and districts, one row per link.
    none = Value(None, output_field=IntegerField())
    grouped = each(base).values(
        dimension=Value(GROUPED, output_field=CharField()),
        key=none,
        in_priority=F(kind.priority),
        in_round=F(kind.round),
        is_across=F(kind.across),
        in_district=_area_district(kind),
    )
    linked = [
        each(base.filter(kept, **{f"{path}__isnull": False})).values(
            dimension=Value(dimension, output_field=CharField()),
            key=F(path),
            in_priority=none,
            in_round=none,
            is_across=Value(None, output_field=BooleanField()),
            in_district=none,
        )
        for dimension, path, kept in (
            (OUTCOME, "outcomes", Q()),
            (THEME, "themes", Q()),
            (DISTRICT, kind.districts, Q(**{kind.across: False})),
        )
    ]
    parts = [part.annotate(**figures(kind.amount)).order_by() for part in (grouped, *linked)]
    for row in parts[0].union(*parts[1:], all=True).order_by():
        dimension, raw = row["dimension"], row["key"]
        found: tuple[str, ...]
        if dimension == GROUPED:
            for dimension, key in (
                (PRIORITY, plan.priority.get(row["in_priority"] or 0, NOT_STATED)),
                (ROUND, str(row["in_round"])),
                (AREA, _area(plan, row["is_across"], row["in_district"])),
                *((dimension, TOTAL) for dimension in COUNTED),
            ):
                add(dimension, key, row)
            continue
        if dimension == DISTRICT:
            found = (plan.district[raw],) if raw in plan.district else ()
        else:
            found = (plan.outcome if dimension == OUTCOME else plan.theme).get(raw, ())
        for code in found:
            add(dimension, code, row)
    return tallies


def count_grants(scope: Scope, plan: _Plan) -> GrantTallies:
    """The awards' and bids' figures in every table, in a fixed number of queries however
    many there are (none when the scope leaves grants out): grouped by the database (2
    queries), or, through a crosswalk into the plan (an earlier plan's outcome may map to
    several codes, or several to one), added up row by row as they are read (9)."""
    if not scope.includes_grants:
        return GrantTallies(awards=_empty(AwardTally), bids=_empty(BidTally))
    if plan.earlier:
        keys = _Keys(scope, plan)
        return GrantTallies(
            awards=_count_awards(scope, plan, keys), bids=_count_bids(scope, plan, keys)
        )
    return GrantTallies(
        awards=_sql_tallies(AWARDS, scope, plan), bids=_sql_tallies(BIDS, scope, plan)
    )
