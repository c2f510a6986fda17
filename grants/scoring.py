"""Score arithmetic and the budget line: pure functions, no queries.

A weighted score is a percentage (0-100): each applicable criterion contributes
weight x score / scale maximum, divided by the sum of the applicable weights. A criterion
marked "not applicable" is left out of both sums, so it never counts as zero and never
lowers a bid's score; a bid with nothing applicable has no score.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal("100")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class CriterionScore:
    weight: int
    scale_max: int
    value: int | None  # None means "not applicable"


def weighted_score(scores: Iterable[CriterionScore]) -> Decimal | None:
    """The percentage score of one assessment, or None when every criterion is n/a."""
    numerator = Decimal(0)
    total_weight = 0
    for score in scores:
        if score.value is None:
            continue
        if not 0 <= score.value <= score.scale_max:
            raise ValueError(f"Score {score.value} is outside 0 to {score.scale_max}")
        numerator += Decimal(score.weight) * Decimal(score.value) / Decimal(score.scale_max)
        total_weight += score.weight
    if total_weight == 0:
        return None
    return (numerator / total_weight * HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


def mean_and_spread(weighted: Sequence[Decimal]) -> tuple[Decimal | None, Decimal | None]:
    """The mean of the assessors' weighted scores and the gap between highest and lowest."""
    if not weighted:
        return None, None
    mean = (sum(weighted, Decimal(0)) / len(weighted)).quantize(CENT, rounding=ROUND_HALF_UP)
    return mean, max(weighted) - min(weighted)


@dataclass(frozen=True)
class MinimumMiss:
    criterion: str
    value: int
    minimum: int


def moderation_flags(
    *, spread: Decimal | None, threshold: Decimal, misses: Iterable[MinimumMiss]
) -> list[str]:
    """Plain-words reasons a moderator should look at a bid; empty when none."""
    flags = []
    if spread is not None and spread > threshold:
        flags.append(f"Assessors' scores differ by {spread} points (more than {threshold})")
    seen = set()
    for miss in misses:
        if miss.criterion in seen:
            continue
        seen.add(miss.criterion)
        flags.append(f"{miss.criterion}: scored {miss.value}, under the minimum of {miss.minimum}")
    return flags


# Ranking: the documented tie-break rule, in order.
TIE_BREAK_RULE = (
    "Bids are ranked by score, highest first (the moderated score where an officer set one). "
    "Equal scores are ordered by the smaller amount first (so the budget reaches more "
    "groups), then by the earlier submission, then by reference."
)


@dataclass
class RankedBid[K]:
    key: K  # whatever identifies the bid to the caller
    score: Decimal | None
    amount: Decimal
    submitted_order: object  # anything comparable: submission time, then reference
    counts: bool = True  # False for bids marked "not recommended": they use no budget
    rank: int = 0
    running_total: Decimal = Decimal(0)
    within_budget: bool = False
    first_below_line: bool = False  # the budget line is drawn just above this bid


def rank_key(bid: RankedBid) -> tuple:
    unscored = bid.score is None
    return (unscored, -(bid.score or Decimal(0)), bid.amount, bid.submitted_order)


def budget_line[K](bids: Iterable[RankedBid[K]], budget: Decimal) -> list[RankedBid[K]]:
    """Rank the bids and draw the line where the budget runs out.

    Walking down the ranking, each counted bid adds its amount to the running total; the
    line falls before the first bid that would take the total over the budget, and every
    bid below it is below the line, even a smaller one that would still fit (skipping
    down the list would reward lower scores). Unscored bids rank last and are never above
    the line.
    """
    ranked = sorted(bids, key=rank_key)
    cumulative = Decimal(0)
    line_reached = False
    for position, bid in enumerate(ranked, start=1):
        bid.rank = position
        if not bid.counts:
            bid.running_total = cumulative
            continue
        cumulative += bid.amount
        bid.running_total = cumulative
        if not line_reached and bid.score is not None and cumulative <= budget:
            bid.within_budget = True
        elif not line_reached:
            line_reached = bid.first_below_line = True
    return ranked
