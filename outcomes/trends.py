"""Is an indicator getting better? The trend judgement, as pure functions.

The tolerance is ABSOLUTE and in the measure's own unit: percentage points for a
percentage (a tolerance of 1 on victim satisfaction means 72.6% against 73.5% is
stable), the number itself for a count, days for days. A change whose size is at most the
tolerance (exactly at it included) is stable; anything beyond it moves. Absolute, not
relative, because the Panel reads percentages in points ("5.0 percentage points lower than
12 months ago"), and a relative band would judge a 0.6-point fall in an 8% outcome rate
the same as a 6-point fall in a 90% answer rate.

The desired direction decides the word: up is improving for an "increase" indicator and
worsening for a "reduce" one. A "monitor" indicator shows which way it moved and by how
much, and is never judged.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from outcomes.figures import ONE_PLACE_UNITS, change_text, places_of
from outcomes.periods import Period

UP, DOWN, FLAT = "up", "down", "flat"
IMPROVING, WORSENING, STABLE, MONITORED, NO_COMPARISON, NO_READING = (
    "improving",
    "worsening",
    "stable",
    "monitored",
    "no comparison",
    "no reading",
)
ARROWS = {UP: "↑", DOWN: "↓", FLAT: "↔"}
DIRECTION_UP, DIRECTION_DOWN, DIRECTION_MONITOR = "up", "down", "monitor"


@dataclass(frozen=True)
class Trend:
    judgement: str  # improving, worsening, stable, monitored, "no comparison", "no reading"
    movement: str  # up, down, flat; "" with nothing to compare
    change: Decimal | None

    @property
    def arrow(self) -> str:
        return ARROWS.get(self.movement, "")

    @property
    def word(self) -> str:
        """One word for a table cell: Improving, Worsening, Stable, Up, Down, No change."""
        if self.judgement == MONITORED:
            return {UP: "Up", DOWN: "Down", FLAT: "No clear change"}[self.movement]
        if self.judgement == NO_COMPARISON:
            return "No earlier figure"
        if self.judgement == NO_READING:
            return "No reading yet"
        return self.judgement.capitalize()

    @property
    def arrow_words(self) -> str:
        """What the arrow says, for a screen reader: 'up', 'down', 'level'."""
        return {UP: "up", DOWN: "down", FLAT: "level"}.get(self.movement, "")

    @property
    def tag_colour(self) -> str:
        return {IMPROVING: "green", WORSENING: "red", STABLE: "grey", MONITORED: "blue"}.get(
            self.judgement, "grey"
        )


def judge_trend(
    *, direction: str, tolerance: Decimal, current: Decimal, previous: Decimal | None
) -> Trend:
    """Judge `current` against `previous` for an indicator with `direction`.

    |change| <= tolerance is stable (level arrow); a rise beyond it is improving when the
    aim is up and worsening when it is down; a fall the reverse. Monitor indicators get
    the arrow and never a judgement. No previous figure: "no comparison"."""
    if tolerance < 0:
        raise ValueError("A tolerance is 0 or more")
    if previous is None:
        return Trend(judgement=NO_COMPARISON, movement="", change=None)
    change = current - previous
    if abs(change) <= tolerance:
        movement = FLAT
    elif change > 0:
        movement = UP
    else:
        movement = DOWN
    if direction == DIRECTION_MONITOR:
        judgement = MONITORED
    elif movement == FLAT:
        judgement = STABLE
    elif (movement == UP) == (direction == DIRECTION_UP):
        judgement = IMPROVING
    else:
        judgement = WORSENING
    return Trend(judgement=judgement, movement=movement, change=change)


@dataclass(frozen=True)
class Point:
    """One reading of one measure for one area, as the trend needs it."""

    period: Period
    value: Decimal
    note: str = ""
    is_baseline: bool = False
    reading_id: int | None = None


@dataclass(frozen=True)
class Series:
    """A measure's readings for one area, summed up as the Panel's table row shows them."""

    current: Point | None
    previous: tuple[Point | None, ...]  # a year earlier first, then two years earlier...
    baseline: Point | None
    compared_with: Point | None
    trend: Trend
    unit: str

    @property
    def change_text(self) -> str:
        if self.trend.change is None or self.current is None or self.compared_with is None:
            return ""
        return change_text(self.trend.change, self.unit, self._places)

    @property
    def movement_sentence(self) -> str:
        """'down 5.1 percentage points on 2020/21': what the arrow and the word stand for."""
        if self.compared_with is None or self.trend.change is None:
            return ""
        size = change_text(abs(self.trend.change), self.unit, self._places).lstrip("+")
        if self.trend.change == 0:
            moved = "no change"
        else:
            moved = f"{'up' if self.trend.change > 0 else 'down'} {size}"
        what = self.compared_with.period.label
        if self.compared_with.is_baseline and self.compared_with not in self.previous:
            what = f"the baseline ({what})"
        return f"{moved} on {what}"

    @property
    def trend_sentence(self) -> str:
        """'Worsening: down 5.1 percentage points on 2020/21.'"""
        if self.current is None:
            return "No reading yet."
        if not self.movement_sentence:
            return "No earlier figure to compare with."
        judged = self.trend.word if self.trend.judgement != MONITORED else "Monitored, not judged"
        return f"{judged}: {self.movement_sentence}."

    @property
    def _places(self) -> int:
        values = [p.value for p in (self.current, self.compared_with) if p is not None]
        least = ONE_PLACE_UNITS.get(self.unit, 0)  # type: ignore[call-overload]
        return max([least, *(places_of(v) for v in values)])

    @property
    def previous_oldest_first(self) -> tuple[Point | None, ...]:
        return tuple(reversed(self.previous))


def summarise(
    points: Iterable[Point],
    *,
    direction: str,
    tolerance: Decimal,
    unit: str,
    until: dt.date | None = None,
    previous: int = 2,
) -> Series:
    """The latest reading (ending on or before `until`), the same period in each of the
    `previous` years before it, the baseline, and the trend.

    The trend compares the latest reading with the same period a year earlier; without
    one, with the latest earlier reading of the same kind that ends before it starts;
    without that, with the baseline."""
    every = sorted(points, key=lambda p: p.period)
    baseline = next((p for p in every if p.is_baseline), None)
    candidates = [p for p in every if until is None or p.period.end <= until]
    regular = [p for p in candidates if not p.is_baseline]
    current = regular[-1] if regular else None
    if current is None:
        empty = Trend(judgement=NO_READING, movement="", change=None)
        return Series(None, (None,) * previous, baseline, None, empty, unit)
    by_period = {p.period: p for p in every}
    earlier = tuple(by_period.get(current.period.years_earlier(n)) for n in range(1, previous + 1))
    compared = earlier[0] if earlier else None
    if compared is None:
        compared = _latest_before(every, current)
    if compared is None:
        compared = baseline
    trend = judge_trend(
        direction=direction,
        tolerance=tolerance,
        current=current.value,
        previous=compared.value if compared else None,
    )
    return Series(current, earlier, baseline, compared, trend, unit)


def _latest_before(points: Sequence[Point], current: Point) -> Point | None:
    same_kind = [
        p
        for p in points
        if p.period.kind == current.period.kind
        and p.period.end < current.period.start
        and not p.is_baseline
    ]
    return same_kind[-1] if same_kind else None
