"""The periods an indicator reading covers: a financial year, a quarter of one, or the
12 months to a date. Pure: no database.

A period is typed as text, on the reading form and in uploaded CSV files alike:
"2021/22" (financial year), "Q3 2021/22" (quarter), "12 months to June 2019" or
"12 months to 2019-06-30" (12 months to a date; a month means its last day). The 12 months
to 31 March are the financial year, so they are read as one: a reading has one period
whichever way it was typed.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.db import models


class PeriodKind(models.TextChoices):
    FINANCIAL_YEAR = "financial_year", "Financial year"
    QUARTER = "quarter", "Quarter"
    TWELVE_MONTHS = "twelve_months", "12 months to a date"


QUARTER_MONTHS = {
    1: "April to June",
    2: "July to September",
    3: "October to December",
    4: "January to March",
}
HINT = "a financial year like 2021/22, a quarter like Q3 2021/22, or 12 months to a month like 12 months to June 2022"
EARLIEST_YEAR = 1990
LATEST_YEAR = 2100


class InvalidPeriod(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _year_earlier(day: dt.date) -> dt.date:
    """The same day a year earlier; 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


@dataclass(frozen=True, order=True)
class Period:
    """Ordered by end date, then start date: later periods sort last."""

    end: dt.date
    start: dt.date
    kind: str

    @classmethod
    def financial_year(cls, first_year: int) -> Period:
        """The financial year that starts on 1 April of `first_year` (2021 -> 2021/22)."""
        return cls(
            end=dt.date(first_year + 1, 3, 31),
            start=dt.date(first_year, 4, 1),
            kind=PeriodKind.FINANCIAL_YEAR,
        )

    @classmethod
    def quarter(cls, first_year: int, number: int) -> Period:
        """Quarter 1 to 4 of the financial year starting in `first_year`; Q1 is April to June."""
        if number not in (1, 2, 3, 4):
            raise InvalidPeriod("A quarter is Q1, Q2, Q3 or Q4")
        start_month = 4 + 3 * (number - 1)
        year = first_year if start_month <= 12 else first_year + 1
        start_month = (start_month - 1) % 12 + 1
        start = dt.date(year, start_month, 1)
        return cls(end=_month_end(year, start_month + 2), start=start, kind=PeriodKind.QUARTER)

    @classmethod
    def twelve_months_to(cls, end: dt.date) -> Period:
        """The 12 months ending on `end`; ending on 31 March, that is the financial year."""
        if end.month == 3 and end.day == 31:
            return cls.financial_year(end.year - 1)
        return cls(
            end=end, start=_year_earlier(end) + dt.timedelta(days=1), kind=PeriodKind.TWELVE_MONTHS
        )

    @classmethod
    def from_stored(cls, kind: str, start: dt.date, end: dt.date) -> Period:
        return cls(end=end, start=start, kind=kind)

    @property
    def first_year(self) -> int:
        """The year the financial year (of a year or a quarter) starts in."""
        return self.start.year if self.start.month >= 4 else self.start.year - 1

    @property
    def quarter_number(self) -> int:
        return (self.start.month - 4) % 12 // 3 + 1

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.FINANCIAL_YEAR:
            return financial_year_label(self.first_year)
        if self.kind == PeriodKind.QUARTER:
            return f"Q{self.quarter_number} {financial_year_label(self.first_year)}"
        if self.end == _month_end(self.end.year, self.end.month):
            return f"12 months to {self.end:%B %Y}"
        return f"12 months to {self.end.day} {self.end:%B %Y}"

    @property
    def long_label(self) -> str:
        """The label with its months spelled out, for a reader who does not know Q3."""
        if self.kind == PeriodKind.QUARTER:
            months = QUARTER_MONTHS[self.quarter_number]
            return f"{self.label} ({months} {self.end.year})"
        if self.kind == PeriodKind.FINANCIAL_YEAR:
            return f"{self.label} (April {self.start.year} to March {self.end.year})"
        return self.label

    def year_earlier(self) -> Period:
        """The same period a year before: what a reading is compared with first."""
        if self.kind == PeriodKind.FINANCIAL_YEAR:
            return Period.financial_year(self.first_year - 1)
        if self.kind == PeriodKind.QUARTER:
            return Period.quarter(self.first_year - 1, self.quarter_number)
        end = _year_earlier(self.end)
        if self.end == _month_end(self.end.year, self.end.month):
            end = _month_end(end.year, end.month)  # 12 months to February stay month-ends
        return Period.twelve_months_to(end)

    def years_earlier(self, years: int) -> Period:
        period = self
        for _ in range(years):
            period = period.year_earlier()
        return period

    def __str__(self) -> str:
        return self.label


def financial_year_label(first_year: int) -> str:
    return f"{first_year}/{(first_year + 1) % 100:02d}"


_FINANCIAL_YEAR = re.compile(r"(?:fy\s*)?(?P<first>\d{4})\s*[/-]\s*(?P<second>\d{2}|\d{4})")
_QUARTER = re.compile(r"q(?:uarter)?\s*(?P<number>\d)\s+(?P<year>.+)")
_QUARTER_AFTER = re.compile(r"(?P<year>.+?)\s+q(?:uarter)?\s*(?P<number>\d)")
_TWELVE_MONTHS = re.compile(r"(?:12|twelve)\s*(?:months?|mths?|m)\s+(?:to|ending)\s+(?P<end>.+)")
_MONTHS = {
    name.lower(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
}
_MONTHS["sept"] = 9


def _year(text: str) -> int:
    year = int(text)
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise InvalidPeriod(f"Enter a year from {EARLIEST_YEAR} to {LATEST_YEAR}")
    return year


def _parse_financial_year(text: str) -> int | None:
    match = _FINANCIAL_YEAR.fullmatch(text)
    if match is None:
        return None
    first = _year(match["first"])
    second = match["second"]
    if int(second[-2:]) != (first + 1) % 100 or (len(second) == 4 and int(second) != first + 1):
        raise InvalidPeriod(
            f"A financial year runs from April to March, so it is written {financial_year_label(first)}"
        )
    return first


def _parse_end(text: str) -> dt.date:
    text = text.strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    parts = text.replace(",", " ").split()
    if len(parts) in (2, 3) and parts[-2].lower() in _MONTHS and parts[-1].isdigit():
        month, year = _MONTHS[parts[-2].lower()], _year(parts[-1])
        if len(parts) == 2:
            return _month_end(year, month)
        if parts[0].isdigit():
            try:
                return dt.date(year, month, int(parts[0]))
            except ValueError:
                raise InvalidPeriod("Enter a real date, like 12 months to 30 June 2022") from None
    raise InvalidPeriod("Enter the end of the 12 months as a month, like 12 months to June 2022")


def parse_period(raw: str | None) -> Period:
    """The period typed, in any of the module's forms; InvalidPeriod says what to type."""
    text = " ".join((raw or "").split()).lower()
    if not text:
        raise InvalidPeriod(f"Enter the period: {HINT}")
    first = _parse_financial_year(text)
    if first is not None:
        return Period.financial_year(first)
    for pattern in (_QUARTER, _QUARTER_AFTER):
        match = pattern.fullmatch(text)
        if match:
            first = _parse_financial_year(match["year"].strip())
            if first is None:
                raise InvalidPeriod("Enter the quarter with its financial year, like Q3 2021/22")
            number = int(match["number"])
            if number not in (1, 2, 3, 4):
                raise InvalidPeriod("A quarter is Q1, Q2, Q3 or Q4, like Q3 2021/22")
            return Period.quarter(first, number)
    match = _TWELVE_MONTHS.fullmatch(text)
    if match:
        end = _parse_end(match["end"])
        if not EARLIEST_YEAR <= end.year <= LATEST_YEAR:
            raise InvalidPeriod(f"Enter a year from {EARLIEST_YEAR} to {LATEST_YEAR}")
        return Period.twelve_months_to(end)
    raise InvalidPeriod(f"Enter the period as {HINT}")
