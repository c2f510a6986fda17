"""A reduced award's budget: every line scaled in proportion, adding up to the award."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

PENNY = Decimal("0.01")


def budget_shares(amounts: list[Decimal], award: Decimal) -> list[Decimal]:
    """Each requested line's share of the award, to the penny.

    When the award is the whole budget (or more) the lines stay as requested. Otherwise each
    line is scaled by award / budget; the last line takes the rounding pennies, so the
    shares add up to exactly the award."""
    total = sum(amounts, Decimal(0))
    if not amounts or total <= 0 or award >= total:
        return list(amounts)
    shares = [(amount * award / total).quantize(PENNY, ROUND_HALF_UP) for amount in amounts]
    shares[-1] = award - sum(shares[:-1], Decimal(0))
    return shares
