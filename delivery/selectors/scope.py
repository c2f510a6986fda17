"""What the plan-delivery figures count: a plan version, a period and the filters, and the
rules every table shares for periods and areas.

A financial year runs 1 April to 31 March (London time) and is named by the calendar year
it starts in: 2026 is 2026/27. `year=None` means every year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from commissioning.quarters import financial_year_label
from outcomes.models import Plan

LONDON = ZoneInfo("Europe/London")

# The reporting areas after the districts, as the Safer Communities Fund reports them.
MULTI_DISTRICT = "multi-district"
ACROSS_WEST_YORKSHIRE = "across-west-yorkshire"
NOT_STATED = "not-stated"
TOTAL = "total"
AREA_LABELS = {
    MULTI_DISTRICT: "Multi-District",
    ACROSS_WEST_YORKSHIRE: "Across West Yorkshire",
    NOT_STATED: "Not stated",
    TOTAL: "TOTAL",
}


@dataclass(frozen=True)
class Scope:
    """One dashboard: the plan version, the financial year (None: all years) and filters.

    Grants come from funds and their rounds, contracts from funding streams, so choosing a
    fund or round leaves contracts out, and choosing a funding stream leaves grants (and
    bids) out. The district filter keeps what is for that district alone or for several
    districts including it; the theme filter what is aligned to that theme."""

    plan: Plan
    year: int | None
    fund_id: int | None = None
    round_id: int | None = None
    stream: str | None = None
    district_id: int | None = None
    theme_id: int | None = None
    # A quarter of the year (1: April to June), for the Panel report: grants decided and
    # returns for that quarter. Contract funding is for the whole year either way.
    quarter: int | None = None

    @property
    def includes_grants(self) -> bool:
        return self.stream is None

    @property
    def includes_contracts(self) -> bool:
        return self.fund_id is None and self.round_id is None

    @property
    def period_label(self) -> str:
        if self.year is None:
            return "all years"
        if self.quarter:
            return f"Q{self.quarter} {financial_year_label(self.year)}"
        return financial_year_label(self.year)

    @property
    def first_day(self) -> dt.date | None:
        return None if self.year is None else dt.date(self.year, 4, 1)

    @property
    def last_day(self) -> dt.date | None:
        return None if self.year is None else dt.date(self.year + 1, 3, 31)

    def instants(self) -> tuple[dt.datetime, dt.datetime] | None:
        """[start, end) of the year as aware instants: midnight London time on 1 April."""
        if self.year is None:
            return None
        if self.quarter:
            first = _quarter_start(self.year, self.quarter)
            after = _quarter_start(self.year + (self.quarter == 4), self.quarter % 4 + 1)
            return (
                dt.datetime(first.year, first.month, 1, tzinfo=LONDON),
                dt.datetime(after.year, after.month, 1, tzinfo=LONDON),
            )
        return (
            dt.datetime(self.year, 4, 1, tzinfo=LONDON),
            dt.datetime(self.year + 1, 4, 1, tzinfo=LONDON),
        )


def _quarter_start(year: int, quarter: int) -> dt.date:
    """The first day of quarter 1-4 of the financial year starting in `year`."""
    month = 4 + 3 * (quarter - 1)
    return dt.date(year + (month > 12), (month - 1) % 12 + 1, 1)


def slug(name: str) -> str:
    """A district's key in URLs and exports: "Bradford" -> "bradford"."""
    return "-".join(name.lower().split())


def area_key(
    *, across_west_yorkshire: bool, district_ids: frozenset[int], slugs: dict[int, str]
) -> str:
    """The reporting area: one district's key, Multi-District, Across West Yorkshire, or
    Not stated. Across West Yorkshire wins over any districts also named."""
    if across_west_yorkshire:
        return ACROSS_WEST_YORKSHIRE
    if len(district_ids) == 1:
        return slugs[next(iter(district_ids))]
    if len(district_ids) > 1:
        return MULTI_DISTRICT
    return NOT_STATED


def named_districts(area: str, districts: frozenset[str]) -> frozenset[str]:
    """The districts something counts for under a district filter or a district gap: its
    one district, or each of several. Across West Yorkshire counts for no single one."""
    if area in (ACROSS_WEST_YORKSHIRE, NOT_STATED):
        return frozenset()
    return districts
