"""Reads of the plan framework and its indicator readings, as plain rows.

The readings selectors return dataclasses in the shape of the Panel's Performance
Monitoring Report: per measure, the baseline, the same period in earlier years, the
current reading, the change, the trend (arrow and word) and the comment. Each reads a
fixed number of queries, however many readings there are.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch

from accounts.models import District
from outcomes.figures import Unit, tolerance_sentence, value_text
from outcomes.models import (
    WEST_YORKSHIRE,
    Indicator,
    IndicatorMeasure,
    IndicatorReading,
    Outcome,
    Plan,
    Priority,
)
from outcomes.periods import Period
from outcomes.trends import Point, Series, Trend, judge_trend, summarise

PREVIOUS_YEARS = 2


def plan_with_framework(*, code: str | None = None) -> Plan | None:
    """A plan (the current one unless a code is given) with everything it owns, in 5 queries."""
    plans = Plan.objects.prefetch_related(
        Prefetch(
            "priorities",
            queryset=Priority.objects.order_by("position").prefetch_related(
                Prefetch("outcomes", queryset=Outcome.objects.order_by("position")),
                Prefetch("indicators", queryset=Indicator.objects.order_by("position")),
            ),
        ),
        "themes",
    )
    if code is None:
        return plans.filter(is_current=True).first()
    return plans.filter(code=code).first()


def plan_versions() -> list[Plan]:
    return list(
        Plan.objects.order_by("-starts_on").only(
            "code", "title", "is_current", "starts_on", "ends_on"
        )
    )


# Readings --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One reading as a table cell: '72.6%' for 2021/22, with its note."""

    value: Decimal
    text: str
    period_label: str
    note: str = ""
    is_baseline: bool = False


@dataclass(frozen=True)
class IndicatorRow:
    """One measure of an indicator, for one area, in the Panel report's table shape."""

    indicator_code: str
    indicator_title: str
    measure_code: str
    measure: str  # the measure's title: the report's "Metric" column
    direction: str  # up, down or monitor
    aim: str  # Increase, Reduce, Monitor
    unit: str
    tolerance: Decimal
    area: str
    baseline: Cell | None
    previous: tuple[Cell | None, ...]  # oldest first: two years earlier, then a year earlier
    current: Cell | None
    change: str  # "-5.1 percentage points"; "" with nothing to compare
    trend: Trend
    trend_sentence: str  # "Worsening: down 5.1 percentage points on 2020/21."
    movement: str  # "down 5.1 percentage points on 2020/21": the arrow and word, in words
    comment: str  # the current reading's note
    measure_id: int = 0


@dataclass(frozen=True)
class PriorityIndicators:
    code: str
    title: str
    rows: list[IndicatorRow] = field(default_factory=list)


@dataclass(frozen=True)
class IndicatorTables:
    """Every priority's indicator table, with the period columns the report heads them by."""

    period: Period | None  # None: each measure's latest reading, whenever it was
    columns: list[str]  # e.g. ["2019/20", "2020/21", "2021/22"]: previous years, then current
    priorities: list[PriorityIndicators]

    @property
    def has_readings(self) -> bool:
        return any(row.current for priority in self.priorities for row in priority.rows)


@dataclass(frozen=True)
class DistrictRow:
    area: str
    current: Cell | None
    previous: Cell | None
    change: str
    trend: Trend
    movement: str = ""
    is_whole_area: bool = False


@dataclass(frozen=True)
class DistrictTable:
    """One measure by district for one period against a year earlier (the seed's shape)."""

    measure_id: int
    indicator_code: str
    measure: str
    period_label: str
    previous_label: str
    rows: list[DistrictRow]


@dataclass(frozen=True)
class ReadingLine:
    """One saved reading, for the list under an indicator (with who entered it)."""

    uuid: str
    area: str
    period_label: str
    value: str
    is_baseline: bool
    note: str
    source: str
    entered_by: str
    entered_at: dt.datetime
    changed_by: str
    changed_at: dt.datetime


@dataclass(frozen=True)
class MeasureReadings:
    measure_id: int
    code: str
    title: str
    unit: str
    tolerance: Decimal
    row: IndicatorRow  # West Yorkshire, latest
    district_table: DistrictTable | None
    lines: list[ReadingLine]

    @property
    def tolerance_sentence(self) -> str:
        return tolerance_sentence(self.tolerance, self.unit)

    @property
    def unit_label(self) -> str:
        return Unit(self.unit).label


def _cell(point: Point | None, unit: str) -> Cell | None:
    if point is None:
        return None
    return Cell(
        value=point.value,
        text=value_text(point.value, unit),
        period_label=point.period.label,
        note=point.note,
        is_baseline=point.is_baseline,
    )


def _point(reading: IndicatorReading) -> Point:
    return Point(
        period=reading.period,
        value=reading.value,
        note=reading.note,
        is_baseline=reading.is_baseline,
        reading_id=reading.pk,
    )


def _row(measure: IndicatorMeasure, series: Series, area: str = WEST_YORKSHIRE) -> IndicatorRow:
    indicator = measure.indicator
    return IndicatorRow(
        indicator_code=indicator.code,
        indicator_title=indicator.title,
        measure_code=measure.code,
        measure=measure.title,
        direction=indicator.direction,
        aim=indicator.get_direction_display(),
        unit=measure.unit,
        tolerance=measure.tolerance,
        area=area,
        baseline=_cell(series.baseline, measure.unit),
        previous=tuple(_cell(p, measure.unit) for p in series.previous_oldest_first),
        current=_cell(series.current, measure.unit),
        change=series.change_text,
        trend=series.trend,
        trend_sentence=series.trend_sentence,
        movement=series.movement_sentence,
        comment=series.current.note if series.current else "",
        measure_id=measure.pk,
    )


def _series(
    measure: IndicatorMeasure, readings: Iterable[IndicatorReading], until: dt.date | None
) -> Series:
    return summarise(
        (_point(r) for r in readings),
        direction=measure.indicator.direction,
        tolerance=measure.tolerance,
        unit=measure.unit,
        until=until,
        previous=PREVIOUS_YEARS,
    )


def _measures_of_plan(plan: Plan) -> list[IndicatorMeasure]:
    return list(
        IndicatorMeasure.objects.filter(indicator__plan=plan)
        .select_related("indicator__priority")
        .order_by("indicator__priority__position", "indicator__position", "position")
    )


def indicator_tables(*, plan: Plan, period: Period | None = None) -> IndicatorTables:
    """Per priority, each measure's West Yorkshire row in the Panel report's shape.

    With a period (the report's, e.g. 2021/22), the current reading is each measure's
    latest that ends by the period's end, and its cell says its own period when that is
    not the report's (a 12 months to June 2020 figure in a 2021/22 report). Without one,
    each measure's latest reading. Three queries: priorities, measures, readings."""
    priorities = list(plan.priorities.order_by("position"))
    measures = _measures_of_plan(plan)
    readings: dict[int, list[IndicatorReading]] = defaultdict(list)
    query = IndicatorReading.objects.filter(
        measure__indicator__plan=plan, district__isnull=True
    ).order_by("period_end")
    for reading in query:
        readings[reading.measure_id].append(reading)
    until = period.end if period else None
    rows: dict[int, list[IndicatorRow]] = defaultdict(list)
    for measure in measures:
        series = _series(measure, readings[measure.pk], until)
        rows[measure.indicator.priority_id].append(_row(measure, series))
    columns = []
    if period is not None:
        columns = [period.years_earlier(n).label for n in range(PREVIOUS_YEARS, 0, -1)]
        columns.append(period.label)
    return IndicatorTables(
        period=period,
        columns=columns,
        priorities=[PriorityIndicators(p.code, p.title, rows[p.pk]) for p in priorities],
    )


def _district_table(
    measure: IndicatorMeasure,
    readings: list[IndicatorReading],
    districts: list[District],
    period: Period | None = None,
) -> DistrictTable | None:
    """The measure by district for `period` (default: the latest period any district has a
    reading for) against the same period a year earlier; West Yorkshire last, as the
    report prints it. None when no district has a reading."""
    by_district = [r for r in readings if r.district_id is not None]
    if period is None:
        if not by_district:
            return None
        period = max(r.period for r in by_district)
    earlier = period.year_earlier()
    found = {(r.district_id, r.period): r for r in readings}
    if not any(d for d, p in found if d is not None and p == period):
        return None
    indicator = measure.indicator
    rows = []
    for district_id, name in [*((d.pk, d.name) for d in districts), (None, WEST_YORKSHIRE)]:
        now, before = found.get((district_id, period)), found.get((district_id, earlier))
        trend = judge_trend(
            direction=indicator.direction,
            tolerance=measure.tolerance,
            current=now.value if now else Decimal(0),
            previous=before.value if (before and now) else None,
        )
        series = Series(
            current=_point(now) if now else None,
            previous=(_point(before) if before else None,),
            baseline=None,
            compared_with=_point(before) if (before and now) else None,
            trend=trend,
            unit=measure.unit,
        )
        rows.append(
            DistrictRow(
                area=name,
                current=_cell(series.current, measure.unit),
                previous=_cell(series.previous[0], measure.unit),
                change=series.change_text,
                trend=trend,
                movement=series.movement_sentence,
                is_whole_area=district_id is None,
            )
        )
    return DistrictTable(
        measure_id=measure.pk,
        indicator_code=indicator.code,
        measure=measure.title,
        period_label=period.label,
        previous_label=earlier.label,
        rows=rows,
    )


def district_tables(*, plan: Plan, period: Period) -> list[DistrictTable]:
    """Every measure of the plan that has district readings for `period`, by district
    (the report's victim satisfaction table). Three queries."""
    measures = _measures_of_plan(plan)
    districts = list(District.objects.order_by("position", "name"))
    readings: dict[int, list[IndicatorReading]] = defaultdict(list)
    earlier = period.year_earlier()
    query = IndicatorReading.objects.filter(
        measure__indicator__plan=plan,
        period_start__in=[period.start, earlier.start],
        period_end__in=[period.end, earlier.end],
    )
    for reading in query:
        readings[reading.measure_id].append(reading)
    tables = [
        _district_table(measure, readings[measure.pk], districts, period) for measure in measures
    ]
    return [table for table in tables if table is not None]


def indicator_readings(*, indicator: Indicator) -> list[MeasureReadings]:
    """Each measure of the indicator: its West Yorkshire row, its district table, and every
    saved reading with who entered and last changed it. Three queries."""
    measures = list(indicator.measures.order_by("position"))
    for measure in measures:
        measure.indicator = indicator
    districts = list(District.objects.order_by("position", "name"))
    readings: dict[int, list[IndicatorReading]] = defaultdict(list)
    query = (
        IndicatorReading.objects.filter(measure__indicator=indicator)
        .select_related("district", "entered_by", "changed_by")
        .order_by("period_end")
    )
    for reading in query:
        readings[reading.measure_id].append(reading)
    result = []
    for measure in measures:
        own = readings[measure.pk]
        whole_area = [r for r in own if r.district_id is None]
        result.append(
            MeasureReadings(
                measure_id=measure.pk,
                code=measure.code,
                title=measure.title,
                unit=measure.unit,
                tolerance=measure.tolerance,
                row=_row(measure, _series(measure, whole_area, None)),
                district_table=_district_table(measure, own, districts),
                lines=_lines(own, measure.unit),
            )
        )
    return result


def _lines(readings: list[IndicatorReading], unit: str) -> list[ReadingLine]:
    ordered = sorted(
        readings,
        key=lambda r: (
            r.district is not None,
            r.district.position if r.district else 0,
            -r.period_end.toordinal(),
        ),
    )
    return [
        ReadingLine(
            uuid=str(r.uuid),
            area=r.area_name,
            period_label=r.period_label,
            value=value_text(r.value, unit),
            is_baseline=r.is_baseline,
            note=r.note,
            source=r.source,
            entered_by=str(r.entered_by) if r.entered_by else "the system",
            entered_at=r.entered_at,
            changed_by=str(r.changed_by) if r.changed_by else "the system",
            changed_at=r.changed_at,
        )
        for r in ordered
    ]


def measures_for_template(*, plan: Plan) -> list[tuple[str, str, str]]:
    """(indicator code, measure code, unit) for every measure of the plan, in plan order."""
    return [(m.indicator.code, m.code, m.unit) for m in _measures_of_plan(plan)]


def plan_periods_with_readings(*, plan: Plan) -> list[Period]:
    """The financial years the plan has West Yorkshire readings for, latest first."""
    rows = (
        IndicatorReading.objects.filter(measure__indicator__plan=plan, period_kind="financial_year")
        .values_list("period_kind", "period_start", "period_end")
        .distinct()
    )
    return sorted({Period.from_stored(*row) for row in rows}, reverse=True)
