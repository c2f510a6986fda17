"""Financial-year quarters: the year runs 1 April to 31 March and Q1 is April to June.

A financial year is named by the calendar year it starts in: 2026 is "2026/27".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

QUARTER_START_MONTHS = {1: 4, 2: 7, 3: 10, 4: 1}
HALVES = {"H1": (1, 2), "H2": (3, 4)}


def financial_year_of(day: dt.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def financial_year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


@dataclass(frozen=True, order=True)
class Quarter:
    year: int  # the financial year, by its starting calendar year
    number: int  # 1..4

    def __post_init__(self) -> None:
        if self.number not in QUARTER_START_MONTHS:
            raise ValueError(f"A quarter is numbered 1 to 4, not {self.number}")

    @classmethod
    def containing(cls, day: dt.date) -> Quarter:
        year = financial_year_of(day)
        number = ((day.month - 4) % 12) // 3 + 1
        return cls(year, number)

    @property
    def start(self) -> dt.date:
        month = QUARTER_START_MONTHS[self.number]
        calendar_year = self.year + 1 if self.number == 4 else self.year
        return dt.date(calendar_year, month, 1)

    @property
    def end(self) -> dt.date:
        return self.next().start - dt.timedelta(days=1)

    def next(self) -> Quarter:
        return (
            Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
        )

    def previous(self) -> Quarter:
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )

    def back(self, count: int) -> list[Quarter]:
        """The `count` quarters before this one, oldest first."""
        quarters: list[Quarter] = []
        quarter = self
        for _ in range(count):
            quarter = quarter.previous()
            quarters.append(quarter)
        return quarters[::-1]

    @property
    def index(self) -> int:
        """A running number: consecutive quarters differ by one."""
        return self.year * 4 + self.number - 1

    @property
    def label(self) -> str:
        return f"{financial_year_label(self.year)} Q{self.number}"

    @property
    def months(self) -> str:
        return f"{self.start:%B} to {self.end:%B %Y}"

    def __str__(self) -> str:
        return self.label


def quarters_between(first_day: dt.date, last_day: dt.date) -> list[Quarter]:
    """Every quarter that overlaps the days from `first_day` to `last_day`, in order."""
    if last_day < first_day:
        return []
    quarters = []
    quarter = Quarter.containing(first_day)
    while quarter.start <= last_day:
        quarters.append(quarter)
        quarter = quarter.next()
    return quarters


def ended_quarters(first_day: dt.date, last_day: dt.date, today: dt.date) -> list[Quarter]:
    """The quarters overlapping `first_day`..`last_day` that ended before `today`."""
    return [q for q in quarters_between(first_day, last_day) if q.end < today]


def period_quarters(year: int, period: str) -> list[Quarter]:
    """The quarters of a reporting period: "Q1".."Q4", "H1", "H2" or "FY"."""
    if period in HALVES:
        return [Quarter(year, n) for n in HALVES[period]]
    if period == "FY":
        return [Quarter(year, n) for n in (1, 2, 3, 4)]
    if len(period) == 2 and period[0] == "Q" and period[1] in "1234":
        return [Quarter(year, int(period[1]))]
    raise ValueError(f"Unknown reporting period {period!r}")


PERIOD_CHOICES = [
    ("Q1", "Q1 (April to June)"),
    ("Q2", "Q2 (July to September)"),
    ("Q3", "Q3 (October to December)"),
    ("Q4", "Q4 (January to March)"),
    ("H1", "First half (April to September)"),
    ("H2", "Second half (October to March)"),
    ("FY", "Whole year"),
]
