"""Published figures never show a count of victims small enough to identify someone: a
count from 1 to 4 is withheld and shown as "<5". The roll-up page, its CSV and its XLSX
exports all ask this module, so the rule is written once."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from commissioning.models import Measure

# The smallest count that may be published.
SMALLEST_PUBLISHED = 5


@dataclass(frozen=True)
class SuppressedFigure:
    """A count withheld from published figures; it reads as "<5"."""

    below: int

    def __str__(self) -> str:
        return f"<{self.below}"


def suppress(count: int | Decimal | None) -> SuppressedFigure | int | None:
    """Return the count as it may be published: 1 to 4 withheld, the rest as a whole number.

    0 is published (no victim can be identified by it); None (no figure) stays None.
    """
    if count is None:
        return None
    if 0 < count < SMALLEST_PUBLISHED:
        return SuppressedFigure(below=SMALLEST_PUBLISHED)
    return int(count)


def published_figure(
    measure: Measure, value: Decimal | None
) -> SuppressedFigure | int | Decimal | None:
    """Return a roll-up figure as it may be published: counts of people go through
    `suppress`; money, percentages and counts of returns with text are never withheld."""
    if measure.kind == Measure.Kind.COUNT:
        return suppress(value)
    return value


def privacy_note() -> str:
    """The sentence that goes with published figures."""
    return (
        f"Counts from 1 to {SMALLEST_PUBLISHED - 1} are shown as <{SMALLEST_PUBLISHED} "
        "to protect victims' privacy."
    )
