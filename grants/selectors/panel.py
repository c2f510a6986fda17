"""Reads for the panel: each pot's bids ranked against its budget, the freeze check, and the
frozen panel lists."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet

from grants import scoring
from grants.models import Application, PanelItem, PanelRecommendation, Pot, Round
from grants.selectors.applications import BIG_TEXT

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


@dataclass
class PotRanking:
    pot: Pot
    rows: list[scoring.RankedBid[Application]]
    within_total: Decimal
    shown: int = 0

    @property
    def remaining(self) -> Decimal:
        return self.pot.budget - self.within_total


def ranking_for_round(
    *,
    round: Round,
    pot_id: int | None = None,
    district_id: int | None = None,
    priority_id: int | None = None,
) -> list[PotRanking]:
    """Each pot's bids ranked by score against its budget (see grants.scoring).

    The line is drawn over the whole pot; the district and priority filters only hide
    rows, so a row keeps its rank and running total.
    """
    pots = list(round.pots.all())
    if pot_id:
        pots = [pot for pot in pots if pot.pk == pot_id]
    applications = (
        Application.objects.filter(
            round=round, status__in=RANKED_STATUSES, pot__in=[pot.pk for pot in pots]
        )
        .select_related("organisation__district", "primary_priority")
        .defer(*BIG_TEXT)
    )
    by_pot: dict[int, list[scoring.RankedBid[Application]]] = {pot.pk: [] for pot in pots}
    not_counted = {Application.Status.NOT_RECOMMENDED}
    for application in applications:
        by_pot[application.pot_id].append(  # type: ignore[index]  # pot__in: never None
            scoring.RankedBid(
                key=application,
                score=application.final_score,
                # a submitted bid always has its amount requested
                amount=application.recommended_amount or application.amount_requested,  # type: ignore[arg-type]
                submitted_order=(application.submitted_at, application.reference),
                counts=application.mark != Application.Mark.NOT_RECOMMENDED
                and application.status not in not_counted,
            )
        )
    rankings = []
    for pot in pots:
        rows = scoring.budget_line(by_pot[pot.pk], pot.budget)
        within_total = sum((row.amount for row in rows if row.within_budget), Decimal(0))
        if district_id:
            rows = [row for row in rows if row.key.organisation.district_id == district_id]
        if priority_id:
            rows = [row for row in rows if row.key.primary_priority_id == priority_id]
        rankings.append(PotRanking(pot=pot, rows=rows, within_total=within_total))
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
