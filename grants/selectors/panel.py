"""Reads for the panel: each pot's bids ranked against its budget, the freeze check, and the
frozen panel lists."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    F,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.expressions import RowRange
from django.db.models.functions import Cast, Coalesce, RowNumber
from django.db.models.functions import Round as Rounded

from accounts.models import District, Organisation
from core.versioned import forget_on_commit, read_through
from grants import scoring
from grants.models import Application, PanelItem, PanelRecommendation, Pot, Round
from outcomes.models import Priority

# Bids that take part in the ranking: from eligible to funded, not the dropped ones.
RANKED_STATUSES = [
    Application.Status.ELIGIBLE,
    Application.Status.IN_ASSESSMENT,
    Application.Status.ASSESSED,
    Application.Status.RECOMMENDED,
    Application.Status.RESERVE,
    Application.Status.NOT_RECOMMENDED,
    Application.Status.APPROVED,
    Application.Status.OFFERED,
    Application.Status.ACCEPTED,
    Application.Status.ACTIVE,
    Application.Status.COMPLETED,
]


@dataclass(slots=True)
class RankedApplication:
    """What the budget line needs of one bid, read as plain values (no model objects).

    The page fills in `details` (organisation, title, priority...) for the rows it shows."""

    pk: int
    reference: str
    status: str
    mark: str
    pot_id: int
    district_id: int | None
    priority_id: int | None
    score_mean: Decimal | None
    moderated_score: Decimal | None
    amount_requested: Decimal
    recommended_amount: Decimal | None
    details: dict | None = None

    @property
    def final_score(self) -> Decimal | None:
        return self.moderated_score if self.moderated_score is not None else self.score_mean

    @property
    def is_assessed(self) -> bool:
        return self.status == Application.Status.ASSESSED

    @property
    def mark_label(self) -> str:
        return Application.Mark(self.mark).label if self.mark else ""

    @property
    def status_label(self) -> str:
        return Application.Status(self.status).label


@dataclass
class PotRanking:
    pot: Pot
    rows: list[scoring.RankedBid[RankedApplication]]
    within_total: Decimal
    shown: int = 0
    page_rows: list[scoring.RankedBid[RankedApplication]] | None = None

    @property
    def remaining(self) -> Decimal:
        return self.pot.budget - self.within_total


RANKING_FIELDS = (
    "pk",
    "reference",
    "status",
    "mark",
    "pot_id",
    "organisation__district_id",
    "primary_priority_id",
    "score_mean",
    "moderated_score",
    "amount_requested",
    "recommended_amount",
    "submitted_at",
)


def ranking_for_round(
    *,
    round: Round,
    pot_id: int | None = None,
    district_id: int | None = None,
    priority_id: int | None = None,
) -> list[PotRanking]:
    """Each pot's bids ranked by score against its budget (see grants.scoring).

    The line is drawn over the whole pot; the district and priority filters only hide
    rows, so a row keeps its rank and running total. One query for the bids, read as
    tuples: 20,000 bids cost no model objects.
    """
    pots = list(round.pots.all())
    if pot_id:
        pots = [pot for pot in pots if pot.pk == pot_id]
    by_pot: dict[int, list[scoring.RankedBid[RankedApplication]]] = {pot.pk: [] for pot in pots}
    rows = Application.objects.filter(
        round=round, status__in=RANKED_STATUSES, pot__in=[pot.pk for pot in pots]
    ).values_list(*RANKING_FIELDS)
    not_counted = Application.Status.NOT_RECOMMENDED
    not_recommended = Application.Mark.NOT_RECOMMENDED
    for row in rows:
        bid = RankedApplication(*row[:-1])
        by_pot[bid.pot_id].append(
            scoring.RankedBid(
                key=bid,
                score=bid.final_score,
                amount=bid.recommended_amount or bid.amount_requested,
                submitted_order=(row[-1], bid.reference),
                counts=bid.mark != not_recommended and bid.status != not_counted,
            )
        )
    rankings = []
    for pot in pots:
        ranked = scoring.budget_line(by_pot[pot.pk], pot.budget)
        within_total = sum((bid.amount for bid in ranked if bid.within_budget), Decimal(0))
        if district_id:
            ranked = [bid for bid in ranked if bid.key.district_id == district_id]
        if priority_id:
            ranked = [bid for bid in ranked if bid.key.priority_id == priority_id]
        rankings.append(PotRanking(pot=pot, rows=ranked, within_total=within_total))
    return rankings


def assessed_waiting_count(*, round: Round) -> int:
    """Assessed bids a freeze would put on the panel list, whatever the page's filters."""
    return Application.objects.filter(round=round, status=Application.Status.ASSESSED).count()


@dataclass(frozen=True)
class FreezeCheck:
    """What freezing the panel list now would take, and what it would leave behind."""

    round_open: bool
    to_freeze: int  # assessed bids that go on the list
    unmarked: int  # assessed bids with no mark yet: the freeze is refused
    unscreened: int  # submitted bids no officer has screened
    in_assessment: int  # eligible bids still being scored

    @property
    def left_behind(self) -> bool:
        return self.round_open or self.unscreened > 0 or self.in_assessment > 0


def panel_freeze_check(*, round: Round) -> FreezeCheck:
    """Counts for the "are you sure" page before the panel list is frozen (one query)."""
    S = Application.Status
    counts = Application.objects.filter(round=round).aggregate(
        to_freeze=Count("pk", filter=Q(status=S.ASSESSED)),
        unmarked=Count("pk", filter=Q(status=S.ASSESSED, mark="")),
        unscreened=Count("pk", filter=Q(status=S.SUBMITTED)),
        in_assessment=Count("pk", filter=Q(status__in=[S.ELIGIBLE, S.IN_ASSESSMENT])),
    )
    return FreezeCheck(round_open=round.is_open, **counts)


def panels_for_round(*, round: Round) -> QuerySet[PanelRecommendation]:
    return round.panels.select_related("frozen_by").annotate(
        items_count=Count("items"),
        pending=Count("items", filter=Q(items__decision=PanelItem.Decision.PENDING)),
    )


def panels_for_decision() -> QuerySet[PanelRecommendation]:
    return PanelRecommendation.objects.select_related("round__fund", "frozen_by").annotate(
        items_count=Count("items"),
        pending=Count("items", filter=Q(items__decision=PanelItem.Decision.PENDING)),
    )


def panel_detail(*, panel_uuid) -> PanelRecommendation | None:
    return (
        PanelRecommendation.objects.select_related("round__fund", "frozen_by")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=PanelItem.objects.select_related(
                    "application__organisation__district", "pot", "decided_by", "application__award"
                ).order_by("pot__position", "rank"),
            )
        )
        .filter(uuid=panel_uuid)
        .first()
    )


RANKING_PAGE_SIZE = 100


@dataclass
class RankingPage:
    rankings: list[PotRanking]
    page: Page  # of (PotRanking, RankedBid) pairs, across the pots in order


# The ranking in the database: the rule of scoring.budget_line, drawn by window functions.
# Money is counted in whole pence (an integer on SQLite, whose decimals are floats), so the
# running total and the comparison with the budget are exact on both databases. Amounts
# are positive (a check constraint) and unscored bids rank last, so along a pot's ranking
# the counted bids that break the budget (unscored, or taking the total over it) are all
# after the ones that do not: the line falls at the first of them.
WITHIN = "r.counted = 1 AND r.ranked_score IS NOT NULL AND r.running_pence <= r.budget_pence"
FIRST_BELOW = (
    "r.counted = 1 AND (r.ranked_score IS NULL OR r.running_pence > r.budget_pence)"
    " AND r.running_pence - r.pence <= r.budget_pence AND r.unscored_so_far <= 1"
)


def _pence(amount) -> Cast:
    return Cast(Rounded(amount * Value(100)), BigIntegerField())


def _ranked_sql(
    *, round: Round, pots: list[Pot], district_id: int | None, priority_id: int | None
) -> tuple[str, list]:
    """SQL for every ranked bid of the pots, ranked over its whole pot: its rank, running
    total and pot's budget (in pence); whether the filters show it (they only hide rows),
    its place among the rows shown across the pots, and each pot's count of rows shown."""
    counted = ~Q(mark=Application.Mark.NOT_RECOMMENDED) & ~Q(
        status=Application.Status.NOT_RECOMMENDED
    )
    shown = Q()
    if district_id:
        shown &= Q(organisation__district_id=district_id)
    if priority_id:
        shown &= Q(primary_priority_id=priority_id)
    # scoring.rank_key: unscored last, higher score, smaller amount, earlier, reference.
    order = [
        F("ranked_score").desc(nulls_last=True),
        F("ranked_amount").asc(),
        F("submitted_at").asc(),
        F("reference").asc(),
    ]

    def so_far(expression, *, across_pots: bool = False) -> Window:
        """Down to this bid, in its pot (or across the pots in order); every window sorts
        the same way, so the database sorts the bids once."""
        return Window(
            expression,
            partition_by=None if across_pots else [F("pot_order")],
            order_by=[F("pot_order").asc(), *order] if across_pots else order,
            frame=RowRange(start=None, end=0),
        )

    def count(condition: Q) -> Case:
        return Case(When(condition, then=Value(1)), default=Value(0))

    bids = (
        Application.objects.filter(
            round=round, status__in=RANKED_STATUSES, pot__in=[pot.pk for pot in pots]
        )
        .annotate(
            ranked_score=Coalesce("moderated_score", "score_mean"),
            ranked_amount=Coalesce("recommended_amount", "amount_requested"),
            pot_order=Case(*[When(pot_id=pot.pk, then=Value(n)) for n, pot in enumerate(pots)]),
            shown=count(shown) if shown else Value(1),
        )
        .annotate(pence=_pence(F("ranked_amount")), counted=count(counted))
        .annotate(
            rank=so_far(RowNumber()),
            running_pence=so_far(Sum(Case(When(counted, then=F("pence")), default=Value(0)))),
            unscored_so_far=so_far(Sum(count(counted & Q(ranked_score=None)))),
            shown_index=so_far(Sum("shown"), across_pots=True),
            budget_pence=Case(
                *[When(pot_id=pot.pk, then=Value(int(pot.budget * 100))) for pot in pots]
            ),
            **{
                f"shown_{n}": Window(Sum(count(Q(pot_id=pot.pk) & shown)))
                for n, pot in enumerate(pots)
            },
        )
        .order_by()
    )
    columns = ["id", "pot_order", "rank", "pence", "counted", "ranked_score", "shown"]
    columns += ["running_pence", "unscored_so_far", "budget_pence", "shown_index"]
    columns += [f"shown_{n}" for n in range(len(pots))]
    sql, params = bids.values(*columns).query.sql_with_params()
    return sql, list(params)


def _pot_totals(ranked: str, params: list) -> dict[int, int]:
    """Each pot's pence above the line, when no row is shown to carry it."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT r.pot_order, SUM(CASE WHEN {WITHIN} THEN r.pence ELSE 0 END)"  # noqa: S608  # nosec B608  # constants and the ORM's SQL; values are parameters
            f" FROM ({ranked}) r GROUP BY r.pot_order",
            params,
        )
        return {order: int(within) for order, within in cursor.fetchall()}


def _page_rows(ranked: str, params: list, pots: int, *, page: int, size: int) -> list:
    """The shown rows of page `page` (from 0; the last page if past it) in the pots' order,
    each with what the page says of it and every pot's totals, in one query: only these
    rows are read in full. (The SQL is made of the constants above, table names and the
    ORM's own SQL; every value goes as a parameter.)"""
    each = range(pots)
    within = ", ".join(
        f"SUM(CASE WHEN r.pot_order = {n} AND {WITHIN} THEN r.pence ELSE 0 END) OVER ()"
        f" AS within_{n}"
        for n in each
    )
    totals = ", ".join(
        f"x.within_{n} AS ranked_within_{n}, x.shown_{n} AS ranked_shown_{n}" for n in each
    )
    last_page = f"({' + '.join(f'x.shown_{n}' for n in each)} - 1) / %s"
    sql = (
        "SELECT a.id, a.uuid, a.reference, a.status, a.mark, a.pot_id, a.primary_priority_id,"  # noqa: S608  # nosec B608  # constants and the ORM's SQL; values are parameters
        " a.score_mean, a.moderated_score, a.amount_requested, a.recommended_amount,"
        " a.project_title, a.moderation_flags, o.district_id AS ranked_district_id,"
        " o.name AS ranked_organisation, d.name AS ranked_district, p.code AS ranked_priority,"
        " x.pot_order AS ranked_pot, x.rank AS ranked_rank, x.pence AS ranked_pence,"
        " x.counted AS ranked_counted, x.running_pence AS ranked_running,"
        " x.within AS ranked_within, x.first_below AS ranked_first_below,"
        f" x.shown_index AS ranked_index, {totals}"
        f" FROM (SELECT r.*, CASE WHEN {WITHIN} THEN 1 ELSE 0 END AS within,"
        f" CASE WHEN {FIRST_BELOW} THEN 1 ELSE 0 END AS first_below, {within}"
        f" FROM ({ranked}) r) x"
        f" INNER JOIN {Application._meta.db_table} a ON a.id = x.id"
        f" INNER JOIN {Organisation._meta.db_table} o ON o.id = a.organisation_id"
        f" LEFT OUTER JOIN {District._meta.db_table} d ON d.id = o.district_id"
        f" LEFT OUTER JOIN {Priority._meta.db_table} p ON p.id = a.primary_priority_id"
        # Page `page`, or the last if it is past it.
        " WHERE x.shown = 1 AND (x.shown_index - 1) / %s"
        f" = CASE WHEN %s < {last_page} THEN %s ELSE {last_page} END"
        " ORDER BY x.shown_index"
    )
    return list(Application.objects.raw(sql, [*params, size, page, size, page, size]))


def _ranked_bid(row) -> scoring.RankedBid[RankedApplication]:
    bid = RankedApplication(
        pk=row.pk,
        reference=row.reference,
        status=row.status,
        mark=row.mark,
        pot_id=row.pot_id,
        district_id=row.ranked_district_id,
        priority_id=row.primary_priority_id,
        score_mean=row.score_mean,
        moderated_score=row.moderated_score,
        amount_requested=row.amount_requested,
        recommended_amount=row.recommended_amount,
        details={
            "pk": row.pk,
            "uuid": row.uuid,
            "organisation__name": row.ranked_organisation,
            "organisation__district__name": row.ranked_district,
            "project_title": row.project_title,
            "primary_priority__code": row.ranked_priority,
            "moderation_flags": row.moderation_flags,
        },
    )
    return scoring.RankedBid(
        key=bid,
        score=bid.final_score,
        amount=Decimal(int(row.ranked_pence)).scaleb(-2),
        submitted_order=None,  # ranked by the database
        counts=bool(row.ranked_counted),
        rank=int(row.ranked_rank),
        running_total=Decimal(int(row.ranked_running)).scaleb(-2),
        within_budget=bool(row.ranked_within),
        first_below_line=bool(row.ranked_first_below),
    )


class _ShownRows:
    """The rows shown across the pots, for the paginator: their count, and the page's rows
    already read."""

    def __init__(self, total: int, rows: list) -> None:
        self.total = total
        self.rows = rows

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, rows: slice) -> list:
        return self.rows


def _page_index(number: str | int | None) -> int:
    """The page asked for, from 0, as Paginator.get_page reads it: page 1 if it is not a
    number, the last page (any number past it) if it is under 1."""
    try:
        asked = int(number)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0
    return asked - 1 if asked >= 1 else 10**9


# A page of the ranking is kept in the cache until a bid in the round changes
# (Application.save calls ranking_changed; so do the services that write bids in bulk).
# Names the rows show (an organisation's, a district's) change without telling it: a minute
# bounds how long an old one is shown.
RANKING_SECONDS = 60


def _ranking_version(round_id: int) -> str:
    return f"grants:ranking-version:{round_id}"


def _digest(parts: list) -> str:
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:32]


def ranking_changed(*, round_id: int) -> None:
    """A bid in the round changed (score, mark, amount, status, pot...): rank afresh once
    this commits."""
    forget_on_commit(_ranking_version(round_id))


def ranking_page(
    *,
    round: Round,
    page_number: str | int | None,
    pot_id: int | None = None,
    district_id: int | None = None,
    priority_id: int | None = None,
    page_size: int = RANKING_PAGE_SIZE,
) -> RankingPage:
    """One page of the ranking: every pot's line drawn over all its bids by the database
    (the rule of scoring.budget_line), `page_size` rows shown.

    Two queries whatever the round holds: the pots, then the page's rows in full, each
    carrying every pot's total above the line and count of rows shown (a third, for the
    totals, when no row is shown). Each pot's `page_rows` (and `rows`) holds its rows on
    this page; `shown` counts its rows under the filters."""
    pots = [pot for pot in round.pots.all() if not pot_id or pot.pk == pot_id]
    rankings = [PotRanking(pot=pot, rows=[], within_total=Decimal(0)) for pot in pots]
    if not pots:
        return RankingPage(rankings=[], page=Paginator([], page_size).get_page(page_number))
    page_index = _page_index(page_number)

    def rank() -> tuple[list, dict[int, int]]:
        ranked, params = _ranked_sql(
            round=round, pots=pots, district_id=district_id, priority_id=priority_id
        )
        rows = _page_rows(ranked, params, len(pots), page=page_index, size=page_size)
        return rows, ({} if rows else _pot_totals(ranked, params))

    # The pots' budgets are part of the key: a new budget is a new ranking at once.
    asked = [[(pot.pk, str(pot.budget)) for pot in pots], district_id, priority_id]
    rows, totals = read_through(
        version_key=_ranking_version(round.pk),
        key=f"grants:ranking:{round.pk}:{_digest([*asked, page_index, page_size])}",
        tag=str(round.uuid),
        compute=rank,
        timeout=RANKING_SECONDS,
    )
    if rows:
        within = [int(getattr(rows[0], f"ranked_within_{n}")) for n in range(len(pots))]
        for n, ranking in enumerate(rankings):
            ranking.shown = int(getattr(rows[0], f"ranked_shown_{n}"))
    else:
        within = [totals.get(n, 0) for n in range(len(pots))]
    for ranking, pence in zip(rankings, within, strict=True):
        ranking.within_total = Decimal(pence).scaleb(-2)
    pairs = [(rankings[row.ranked_pot], _ranked_bid(row)) for row in rows]
    shown = _ShownRows(sum(ranking.shown for ranking in rankings), pairs)
    number = (int(rows[0].ranked_index) - 1) // page_size + 1 if rows else 1
    page: Page = Paginator(shown, page_size).page(number)  # type: ignore[arg-type]
    for ranking in rankings:
        ranking.rows = ranking.page_rows = [b for owner, b in pairs if owner is ranking]
    return RankingPage(rankings=rankings, page=page)
