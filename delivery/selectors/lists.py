"""The list behind one figure, read a page at a time: the awards or bids of the row are a
filter in SQL (counting.row_filter, the rule of tables.keys), their total is one aggregate,
and only the page shown becomes objects (facts._award_facts, facts._bid_facts)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.db.models import Count, QuerySet, Sum

from delivery.selectors.counting import (
    AWARDS,
    BIDS,
    AwardTally,
    BidTally,
    Kind,
    _paid_each,
    in_scope,
    money_sum,
    row_filter,
)
from delivery.selectors.facts import (
    ZERO,
    AwardFact,
    BidFact,
    _award_facts,
    _bid_facts,
    _Plan,
    with_people_reached,
)
from delivery.selectors.scope import Scope


class Listing[T]:
    """A list of awards or bids of known length whose items are read when sliced (a
    Paginator's page) or iterated (an export): the page's rows only, in the list's order."""

    def __init__(self, rows: QuerySet, count: int, build: Callable[[QuerySet], list[T]]):
        self._rows = rows  # ordered
        self._count = count
        self._build = build

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            ids = list(self._rows[index].values_list("pk", flat=True))
            return self._build(self._rows.model._default_manager.filter(pk__in=ids)) if ids else []
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError(index)
        return self[index : index + 1][0]

    def __iter__(self) -> Iterator[T]:
        """Every row (a download): read in the same order, without a list of ids."""
        return iter(self._build(self._rows) if self._count else [])


# How a list's total is read: worked out now, or kept (tables.Drilldown passes its cache).
Keep = Callable[[str, Callable[[], Any]], Any]


def work_out[T](name: str, compute: Callable[[], T]) -> T:
    return compute()


def _rows(kind: Kind, scope: Scope, plan: _Plan, dimension: str, key: str) -> QuerySet:
    if not scope.includes_grants:
        return kind.model._default_manager.none()
    return in_scope(kind, scope, plan).filter(row_filter(kind, plan, dimension, key))


def _award_total(rows: QuerySet) -> AwardTally:
    total = (
        with_people_reached(rows)
        .annotate(paid_each=_paid_each("pk"))
        .aggregate(
            n=Count("pk"),
            money=money_sum("amount"),
            paid=money_sum("paid_each"),
            reporting=Count("reached"),
            people=Sum("reached"),
        )
    )
    return AwardTally(
        awards=total["n"],
        awarded=total["money"] or ZERO,
        paid=total["paid"] or ZERO,
        reporting_awards=total["reporting"],
        people_reached=total["people"] or 0,
    )


def award_list(
    scope: Scope, plan: _Plan, dimension: str, key: str, keep: Keep = work_out
) -> tuple[Listing[AwardFact], AwardTally]:
    """The awards behind a figure, and their total: 1 query (none when kept); then 6 a
    page, or 5 for every row (a download)."""
    rows = _rows(AWARDS, scope, plan, dimension, key)
    tally = keep("awards", lambda: _award_total(rows))

    def build(awards: QuerySet) -> list[AwardFact]:
        return _award_facts(scope, plan, awards)

    return Listing(rows.order_by(*AWARDS.order), tally.awards, build), tally


def _bid_total(rows: QuerySet) -> BidTally:
    total = rows.aggregate(n=Count("pk"), money=money_sum("amount_requested"))
    return BidTally(bids=total["n"], requested=total["money"] or ZERO)


def bid_list(
    scope: Scope, plan: _Plan, dimension: str, key: str, keep: Keep = work_out
) -> tuple[Listing[BidFact], BidTally]:
    """The bids behind a figure, and their total: 1 query (none when kept); then 5 a page,
    or 4 for every row (a download)."""
    rows = _rows(BIDS, scope, plan, dimension, key)
    tally = keep("bids", lambda: _bid_total(rows))

    def build(bids: QuerySet) -> list[BidFact]:
        return _bid_facts(scope, plan, bids)

    return Listing(rows.order_by(*BIDS.order), tally.bids, build), tally
