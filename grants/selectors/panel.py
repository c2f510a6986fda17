"""Reads for the panel: each pot's bids ranked against its budget, the freeze check, and the
frozen panel lists."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet

from grants import scoring
from grants.models import Application, PanelItem, PanelRecommendation, Pot, Round

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


RANKING_DETAILS = (
    "pk",
    "uuid",
    "organisation__name",
    "organisation__district__name",
    "project_title",
    "primary_priority__code",
    "moderation_flags",
)


def ranking_details(*, bids: list[RankedApplication]) -> None:
    """Fill in what the page shows of the bids on it, in one query for those rows only."""
    by_pk = {bid.pk: bid for bid in bids}
    if not by_pk:
        return
    for row in Application.objects.filter(pk__in=list(by_pk)).values(*RANKING_DETAILS):
        by_pk[row["pk"]].details = row


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


def ranking_page(
    *,
    round: Round,
    page_number: str | int | None,
    pot_id: int | None = None,
    district_id: int | None = None,
    priority_id: int | None = None,
) -> RankingPage:
    """One page of the ranking: every pot's line drawn over all its bids, PAGE_SIZE rows shown.

    Only the rows on the page are read in full (organisation, title, priority); each pot's
    `page_rows` holds its rows on this page."""
    rankings = ranking_for_round(
        round=round, pot_id=pot_id, district_id=district_id, priority_id=priority_id
    )
    pairs = [(ranking, bid) for ranking in rankings for bid in ranking.rows]
    page = Paginator(pairs, RANKING_PAGE_SIZE).get_page(page_number)
    for ranking in rankings:
        ranking.page_rows = [bid for owner, bid in page.object_list if owner is ranking]
    ranking_details(bids=[bid.key for _, bid in page.object_list])
    return RankingPage(rankings=rankings, page=page)
