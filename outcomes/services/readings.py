"""Writes of indicator readings: one from the form, or many from an uploaded file.

Every write is audited twice over: the row keeps who entered it and who last changed it
(and when), and django-simple-history keeps each earlier version with who made it.
Only the performance lead (or an administrator) may write readings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import District, User
from core.errors import ApplicationError, NotAllowed
from outcomes.figures import Unit, unit_problem, value_text
from outcomes.models import (
    WEST_YORKSHIRE,
    Indicator,
    IndicatorMeasure,
    IndicatorReading,
    Plan,
    ReadingUpload,
)
from outcomes.periods import Period
from outcomes.permissions import can_change_readings
from outcomes.readings_csv import MAX_NOTE, MAX_SOURCE, ReadingRow

# What people type for the whole force area in an upload's "area" column.
WHOLE_AREA_NAMES = {"", "west yorkshire", "w yorks", "w yorkshire", "wy", "all"}
MEASURED: dict[str, str] = {
    Unit.COUNT: "as a count",
    Unit.PERCENTAGE: "as a percentage",
    Unit.RATE: "as a rate",
    Unit.DAYS: "in days",
}
RACE = (
    "Someone else saved readings for the same measure and period at the same moment. "
    "Nothing was saved from this attempt: try again."
)


@dataclass(frozen=True)
class ReadingInput:
    """A reading as typed on the form, already read: `district_id` None is West Yorkshire."""

    measure_id: int
    district_id: int | None
    period: Period
    value: Decimal
    is_baseline: bool = False
    note: str = ""
    source: str = ""


def _allowed(by: User) -> None:
    if not can_change_readings(by):
        raise NotAllowed("Only the performance lead can add or change indicator readings.")


def _area(district: District | None) -> str:
    return district.name if district else WEST_YORKSHIRE


def reading_save(
    *,
    indicator: Indicator,
    data: ReadingInput,
    by: User,
    reading: IndicatorReading | None = None,
) -> IndicatorReading:
    """Add a reading of one of `indicator`'s measures, or change `reading`.

    Refuses, naming the field: a measure of another indicator, an unknown district, a value
    its unit cannot hold (a count with decimals, a percentage over 100), a second reading for
    the same measure, area and period, and a second baseline for a measure and area.
    Raises NotAllowed for anyone but the performance lead or an administrator."""
    _allowed(by)
    measure = indicator.measures.filter(pk=data.measure_id).first()
    district = District.objects.filter(pk=data.district_id).first() if data.district_id else None
    errors: dict[str, str] = {}
    if measure is None:
        errors["measure"] = "Choose the measure from the list"
    if data.district_id and district is None:
        errors["district"] = "Choose West Yorkshire or a district from the list"
    if measure is not None:
        problem = unit_problem(data.value, measure.unit)
        if problem:
            errors["value"] = problem
    if len(data.note) > MAX_NOTE:
        errors["note"] = f"The note must be {MAX_NOTE:,} characters or fewer"
    if len(data.source) > MAX_SOURCE:
        errors["source"] = f"The source must be {MAX_SOURCE} characters or fewer"
    if measure is not None and "district" not in errors:
        errors.update(_clashes(measure, district, data, reading))
    if errors or measure is None:
        raise ValidationError(errors)
    now = timezone.now()
    if reading is None:
        reading = IndicatorReading(entered_by=by, entered_at=now)
    reading.measure = measure
    reading.district = district
    _apply(
        reading,
        period=data.period,
        value=data.value,
        unit=measure.unit,
        is_baseline=data.is_baseline,
        note=data.note,
        source=data.source,
    )
    reading.changed_by, reading.changed_at = by, now
    reading._history_user = by  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            reading.save()
    except IntegrityError:
        raise ApplicationError(RACE) from None
    return reading


def _clashes(
    measure: IndicatorMeasure,
    district: District | None,
    data: ReadingInput,
    reading: IndicatorReading | None,
) -> dict[str, str]:
    others = IndicatorReading.objects.filter(measure=measure, district=district)
    if reading is not None:
        others = others.exclude(pk=reading.pk)
    errors = {}
    if others.filter(period_start=data.period.start, period_end=data.period.end).exists():
        errors["period"] = (
            f"There is already a reading for {_area(district)} in {data.period.label}. "
            "Change that reading instead"
        )
    baseline = others.filter(is_baseline=True).first() if data.is_baseline else None
    if baseline is not None:
        errors["is_baseline"] = (
            f"{_area(district)} already has a baseline for this measure: "
            f"{baseline.period_label}. Untick it on that reading first"
        )
    return errors


def _apply(reading: IndicatorReading, *, period: Period, **values) -> list[str]:
    """Set the reading's period and values; the names of the fields that changed."""
    fields = {
        "period_kind": str(period.kind),
        "period_start": period.start,
        "period_end": period.end,
        "period_label": period.label,
        **values,
    }
    changed = [name for name, value in fields.items() if getattr(reading, name) != value]
    for name in changed:
        setattr(reading, name, fields[name])
    return changed


# Upload --------------------------------------------------------------------------------


@dataclass
class _Resolved:
    row: ReadingRow
    measure: IndicatorMeasure
    district: District | None

    @property
    def key(self) -> tuple:
        period = self.row.period
        assert period is not None
        return (
            self.measure.pk,
            self.district.pk if self.district else None,
            period.start,
            period.end,
        )

    @property
    def series(self) -> tuple:
        return (self.measure.pk, self.district.pk if self.district else None)

    @property
    def described(self) -> str:
        indicator = self.measure.indicator
        period = self.row.period.label if self.row.period else ""
        name = f"{indicator.code} {self.measure.code}".strip()
        return f"{name}, {_area(self.district)}, {period}"


class _Lookup:
    """The plan's indicators, measures and the districts, read once for the whole file."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.indicators: dict[str, Indicator] = {}
        self.measures: dict[int, list[IndicatorMeasure]] = defaultdict(list)
        for measure in IndicatorMeasure.objects.filter(indicator__plan=plan).select_related(
            "indicator"
        ):
            self.indicators[measure.indicator.code.upper()] = measure.indicator
            self.measures[measure.indicator_id].append(measure)
        self.districts = {d.name.lower(): d for d in District.objects.all()}

    def resolve(self, row: ReadingRow) -> _Resolved | None:
        indicator = self.indicators.get(row.indicator.upper()) if row.indicator else None
        if row.indicator and indicator is None:
            row.problem(
                "indicator",
                f"There is no indicator “{row.indicator[:20]}” in the {self.plan.title}. "
                "Use a code like P1-I2, as in the template",
            )
        measure = self._measure(row, indicator) if indicator else None
        known_area, district = self._district(row)
        if measure is not None:
            self._check_unit(row, measure)
        if row.problems or measure is None or not known_area:
            return None
        return _Resolved(row=row, measure=measure, district=district)

    def _measure(self, row: ReadingRow, indicator: Indicator) -> IndicatorMeasure | None:
        measures = self.measures[indicator.pk]
        by_code = {m.code: m for m in measures}
        if row.measure in by_code:
            return by_code[row.measure]
        codes = ", ".join(m.code for m in measures)
        if "" in by_code:
            row.problem("measure", f"{indicator.code} has one measure: leave the measure blank")
        elif not row.measure:
            row.problem(
                "measure", f"{indicator.code} has more than one measure: put one of {codes}"
            )
        else:
            row.problem(
                "measure",
                f"{indicator.code} has no measure “{row.measure[:40]}”: use one of {codes}",
            )
        return None

    def _district(self, row: ReadingRow) -> tuple[bool, District | None]:
        """(whether the area is known, its district: None for West Yorkshire)."""
        name = row.area.strip().lower()
        if name in WHOLE_AREA_NAMES:
            return True, None
        district = self.districts.get(name)
        if district is None:
            names = ", ".join(
                d.name for d in sorted(self.districts.values(), key=lambda d: d.position)
            )
            row.problem(
                "area", f"There is no area “{row.area[:40]}”: use West Yorkshire or one of {names}"
            )
            return False, None
        return True, district

    def _check_unit(self, row: ReadingRow, measure: IndicatorMeasure) -> None:
        if row.unit and row.unit != measure.unit:
            name = f"{measure.indicator.code} {measure.code}".strip()
            row.problem(
                "unit",
                f"{name} is measured {MEASURED[measure.unit]}: put {measure.unit}, "
                "or leave the unit blank",
            )
        if row.value is not None:
            problem = unit_problem(row.value, measure.unit)
            if problem:
                row.problem("value", problem)


def _check_file(resolved: list[_Resolved], existing: dict[tuple, IndicatorReading]) -> None:
    """Two lines for the same reading, and a second baseline, are problems of the lines."""
    first_line: dict[tuple, int] = {}
    for item in resolved:
        if item.key in first_line:
            item.row.problems.append(
                f"Line {item.row.line}: the same reading as line {first_line[item.key]} "
                f"({item.described}). Keep one of the two lines"
            )
        else:
            first_line[item.key] = item.row.line
    in_file = {item.key for item in resolved}
    baselines: dict[tuple, list[str]] = defaultdict(list)
    for reading in existing.values():
        key = (reading.measure_id, reading.district_id, reading.period_start, reading.period_end)
        if reading.is_baseline and key not in in_file:
            baselines[(reading.measure_id, reading.district_id)].append(reading.period_label)
    for item in resolved:
        if not item.row.is_baseline:
            continue
        others = baselines[item.series]
        if others:
            item.row.problem(
                "baseline",
                f"{item.described.rsplit(', ', 1)[0]} already has a baseline ({others[0]}). "
                "Leave this blank, or change that reading first",
            )
        others.append(item.row.period.label if item.row.period else "")


def readings_import(
    *, plan: Plan, rows: Sequence[ReadingRow], by: User, file_name: str
) -> ReadingUpload:
    """Save every reading of an upload, or none: add new ones, change those that differ.

    Every problem of every line is listed at once (ValidationError, one message per
    problem, in line order): the rows' own format problems, unknown indicators, measures and
    areas, the wrong unit, a value its unit cannot hold, two lines for one reading, and a
    second baseline. Raises NotAllowed for anyone but the performance lead or an
    administrator. The upload keeps who sent it, when, and what each line did."""
    _allowed(by)
    if not rows:
        raise ValidationError("The file has no readings.")
    lookup = _Lookup(plan)
    resolved = [item for row in rows if (item := lookup.resolve(row)) is not None]
    with transaction.atomic():
        existing = _existing(resolved)
        _check_file(resolved, existing)
        problems = sorted(
            ((row.line, message) for row in rows for message in row.problems),
            key=lambda pair: pair[0],
        )
        if problems:
            raise ValidationError([message for _, message in problems])
        try:
            return _write(plan, resolved, existing, by, file_name)
        except IntegrityError:
            raise ApplicationError(RACE) from None


def _existing(resolved: list[_Resolved]) -> dict[tuple, IndicatorReading]:
    """The saved readings of every measure and area in the file, locked until saved."""
    measure_ids = {item.measure.pk for item in resolved}
    readings = (
        IndicatorReading.objects.select_for_update(of=("self",))
        .filter(measure_id__in=measure_ids)
        .order_by()
    )
    return {(r.measure_id, r.district_id, r.period_start, r.period_end): r for r in readings}


def _write(
    plan: Plan,
    resolved: list[_Resolved],
    existing: dict[tuple, IndicatorReading],
    by: User,
    file_name: str,
) -> ReadingUpload:
    now = timezone.now()
    lines = []
    counts = {"added": 0, "changed": 0, "unchanged": 0}
    # Baselines last: a line that moves the baseline away from a reading goes first.
    for item in sorted(resolved, key=lambda i: (i.row.is_baseline, i.row.line)):
        row = item.row
        reading = existing.get(item.key)
        outcome = "changed"
        if reading is None:
            reading = IndicatorReading(
                measure=item.measure, district=item.district, entered_by=by, entered_at=now
            )
            outcome = "added"
        assert row.period is not None and row.value is not None
        changed = _apply(
            reading,
            period=row.period,
            value=row.value,
            unit=item.measure.unit,
            is_baseline=row.is_baseline,
            note=row.note,
            source=row.source,
        )
        if outcome == "changed" and not changed:
            outcome = "unchanged"
        else:
            reading.changed_by, reading.changed_at = by, now
            reading._history_user = by  # type: ignore[attr-defined]
            reading.save()
        counts[outcome] += 1
        lines.append(
            {
                "line": row.line,
                "indicator": item.measure.indicator.code,
                "measure": item.measure.title,
                "area": _area(item.district),
                "period": row.period.label,
                "value": value_text(row.value, item.measure.unit),
                "baseline": row.is_baseline,
                "outcome": outcome,
            }
        )
    return ReadingUpload.objects.create(
        plan=plan,
        file_name=file_name[:255],
        uploaded_by=by,
        uploaded_at=now,
        lines=sorted(lines, key=lambda line: line["line"]),
        **counts,
    )
