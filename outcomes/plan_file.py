"""Read a plan framework YAML file into checked, plain data, with line-numbered errors.

The format is the one of data/plans/police-and-crime-plan-2021-24.yaml. Nothing here
touches the database: `outcomes.services.plan_load` does that with what this returns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import yaml

from outcomes.figures import UNIT_CODES, InvalidFigure, Unit, parse_number
from outcomes.models import Indicator

DIRECTIONS = {choice.value for choice in Indicator.Direction}


class PlanFileError(Exception):
    """The file cannot be loaded; `problems` lists each one as 'line N: what is wrong'."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(problems))


class _Map(dict):
    line = 0
    lines: dict


class _List(list):
    line = 0
    lines: list


class _Loader(yaml.SafeLoader):
    def __init__(self, stream) -> None:
        super().__init__(stream)
        self.duplicate_keys: list[str] = []


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> _Map:
    loader.flatten_mapping(node)
    mapping = _Map()
    mapping.line = node.start_mark.line + 1
    mapping.lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            loader.duplicate_keys.append(
                f"line {key_node.start_mark.line + 1}: '{key}' appears twice in this block"
            )
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.lines[key] = key_node.start_mark.line + 1
    return mapping


def _construct_list(loader: _Loader, node: yaml.SequenceNode) -> _List:
    items = _List(loader.construct_object(child, deep=True) for child in node.value)
    items.line = node.start_mark.line + 1
    items.lines = [child.start_mark.line + 1 for child in node.value]
    return items


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_list)


@dataclass
class MeasureData:
    """One figure of an indicator; code "" is an indicator's only, unnamed measure."""

    code: str
    title: str
    unit: str
    tolerance: Decimal


@dataclass
class IndicatorData:
    code: str
    title: str
    source: str
    metric: str
    direction: str
    unit: str = Unit.COUNT
    tolerance: Decimal = Decimal(0)
    measures: list[MeasureData] = field(default_factory=list)


@dataclass
class OutcomeData:
    code: str
    title: str


@dataclass
class PriorityData:
    code: str
    title: str
    focus: str
    objectives: list[str]
    focus_areas: list[str]
    partnerships: list[str]
    outcomes: list[OutcomeData] = field(default_factory=list)
    indicators: list[IndicatorData] = field(default_factory=list)


@dataclass
class ThemeData:
    code: str
    title: str


@dataclass
class DistrictData:
    name: str
    ons_code: str


@dataclass
class PlanData:
    code: str
    title: str
    vision: str
    starts_on: dt.date
    ends_on: dt.date
    commissioning_principles: list[str]
    priorities: list[PriorityData]
    themes: list[ThemeData]
    districts: list[DistrictData]


class _Checker:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def problem(self, line: int, message: str) -> None:
        self.problems.append(f"line {line}: {message}")

    def mapping(self, value: Any, line: int, what: str) -> _Map | None:
        if not isinstance(value, _Map):
            self.problem(line, f"{what} should be a block of 'key: value' lines")
            return None
        return value

    def items(self, parent: _Map, key: str, what: str, required: bool = False) -> list[tuple]:
        value = parent.get(key)
        line = parent.lines.get(key, parent.line)
        if value is None:
            if required:
                self.problem(parent.line, f"{what} are missing ('{key}:')")
            return []
        if not isinstance(value, _List):
            self.problem(line, f"'{key}' should be a list")
            return []
        if required and not value:
            self.problem(line, f"'{key}' is empty")
        return list(zip(value, value.lines, strict=True))

    def text(self, parent: _Map, key: str, required: bool = True, max_length: int = 300) -> str:
        value = parent.get(key)
        line = parent.lines.get(key, parent.line)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(line, f"'{key}' is missing or empty")
            return ""
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            self.problem(line, f"'{key}' should be text")
            return ""
        value = str(value).strip()
        if len(value) > max_length:
            self.problem(line, f"'{key}' is longer than {max_length} characters")
        return value

    def date(self, parent: _Map, key: str) -> dt.date | None:
        value = parent.get(key)
        line = parent.lines.get(key, parent.line)
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.problem(line, f"'{key}' should be a date like 2021-05-10")
        return None

    def unit(self, parent: _Map, default: str) -> str:
        value = self.text(parent, "unit", required=False, max_length=12).lower()
        if not value:
            return default
        if value not in UNIT_CODES:
            self.problem(
                parent.lines.get("unit", parent.line),
                f"unit '{value}' should be one of {', '.join(sorted(UNIT_CODES))}",
            )
            return default
        return value

    def tolerance(self, parent: _Map, default: Decimal) -> Decimal:
        value = parent.get("tolerance")
        if value is None:
            return default
        line = parent.lines.get("tolerance", parent.line)
        try:
            if isinstance(value, bool) or not isinstance(value, int | float | str):
                raise InvalidFigure("not a number")
            number = parse_number(str(value))
        except InvalidFigure:
            number = None
        if number is None:
            self.problem(line, "'tolerance' should be a number of 0 or more, like 1 or 0.5")
            return default
        return number

    def texts(self, parent: _Map, key: str) -> list[str]:
        result = []
        for item, line in self.items(parent, key, key):
            if isinstance(item, str) and item.strip():
                result.append(item.strip())
            else:
                self.problem(line, f"each entry of '{key}' should be text")
        return result

    def unique(self, seen: dict[str, int], code: str, line: int, what: str) -> None:
        if not code:
            return
        if code in seen:
            self.problem(line, f"{what} code '{code}' is used twice (also on line {seen[code]})")
        else:
            seen[code] = line


def _measures(check: _Checker, indicator: _Map, data: IndicatorData) -> list[MeasureData]:
    """The indicator's measures; without a 'measures' list, one named by its metric."""
    listed = check.items(indicator, "measures", "Measures")
    if not listed:
        return [
            MeasureData(
                code="",
                title=data.metric or data.title,
                unit=data.unit,
                tolerance=data.tolerance,
            )
        ]
    measures: list[MeasureData] = []
    seen: dict[str, int] = {}
    for item, line in listed:
        entry = check.mapping(item, line, "A measure")
        if entry is None:
            continue
        measure = MeasureData(
            code=check.text(entry, "code", max_length=40),
            title=check.text(entry, "title"),
            unit=check.unit(entry, data.unit),
            tolerance=check.tolerance(entry, data.tolerance),
        )
        check.unique(seen, measure.code, line, f"Measure of {data.code}:")
        measures.append(measure)
    return measures


def parse_plan_text(text: str, source: str = "plan file") -> PlanData:
    """Parse and check a plan file's text; raise PlanFileError listing every problem."""
    loader = _Loader(text)
    try:
        document = loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else "?"
        raise PlanFileError(source, [f"line {line}: not valid YAML ({error.problem})"]) from None
    except yaml.YAMLError as error:
        raise PlanFileError(source, [f"not valid YAML ({error})"]) from None
    finally:
        loader.dispose()

    check = _Checker()
    check.problems.extend(loader.duplicate_keys)
    root = check.mapping(document, 1, "The file")
    if root is None:
        raise PlanFileError(source, check.problems)

    plan = check.mapping(root.get("plan"), root.lines.get("plan", 1), "'plan'")
    if plan is None:
        raise PlanFileError(source, check.problems)
    starts_on, ends_on = check.date(plan, "starts_on"), check.date(plan, "ends_on")
    if starts_on and ends_on and ends_on <= starts_on:
        check.problem(plan.lines["ends_on"], "'ends_on' should be after 'starts_on'")

    codes: dict[str, dict[str, int]] = {"priority": {}, "outcome": {}, "indicator": {}, "theme": {}}
    priorities = []
    for item, line in check.items(root, "priorities", "Priorities", required=True):
        entry = check.mapping(item, line, "A priority")
        if entry is None:
            continue
        priority = PriorityData(
            code=check.text(entry, "code", max_length=20),
            title=check.text(entry, "title", max_length=200),
            focus=check.text(entry, "focus", required=False, max_length=200),
            objectives=check.texts(entry, "objectives"),
            focus_areas=check.texts(entry, "themes"),
            partnerships=check.texts(entry, "partnerships"),
        )
        check.unique(codes["priority"], priority.code, line, "Priority")
        for outcome_item, outcome_line in check.items(entry, "outcomes", "Outcomes"):
            outcome = check.mapping(outcome_item, outcome_line, "An outcome")
            if outcome is None:
                continue
            data = OutcomeData(
                code=check.text(outcome, "code", max_length=20),
                title=check.text(outcome, "title"),
            )
            check.unique(codes["outcome"], data.code, outcome_line, "Outcome")
            priority.outcomes.append(data)
        for indicator_item, indicator_line in check.items(entry, "indicators", "Indicators"):
            indicator = check.mapping(indicator_item, indicator_line, "An indicator")
            if indicator is None:
                continue
            direction = check.text(indicator, "direction", max_length=10).lower()
            if direction and direction not in DIRECTIONS:
                check.problem(
                    indicator.lines.get("direction", indicator_line),
                    f"direction '{direction}' should be one of up, down or monitor",
                )
            data = IndicatorData(
                code=check.text(indicator, "code", max_length=20),
                title=check.text(indicator, "title"),
                source=check.text(indicator, "source", required=False, max_length=200),
                metric=check.text(indicator, "metric", required=False, max_length=500),
                direction=direction,
                unit=check.unit(indicator, Unit.COUNT),
                tolerance=check.tolerance(indicator, Decimal(0)),
            )
            data.measures = _measures(check, indicator, data)
            check.unique(codes["indicator"], data.code, indicator_line, "Indicator")
            priority.indicators.append(data)
        priorities.append(priority)

    themes = []
    for item, line in check.items(root, "cross_cutting_themes", "Themes"):
        entry = check.mapping(item, line, "A theme")
        if entry is None:
            continue
        theme = ThemeData(
            code=check.text(entry, "code", max_length=20),
            title=check.text(entry, "title", max_length=200),
        )
        check.unique(codes["theme"], theme.code, line, "Theme")
        themes.append(theme)

    districts = []
    for item, line in check.items(root, "districts", "Districts"):
        if isinstance(item, str) and item.strip():
            districts.append(DistrictData(name=item.strip(), ons_code=""))
        elif isinstance(item, _Map):
            districts.append(
                DistrictData(
                    name=check.text(item, "name", max_length=100),
                    ons_code=check.text(item, "ons_code", required=False, max_length=9),
                )
            )
        else:
            check.problem(line, "each district should be a name, or 'name' and 'ons_code'")

    result = PlanData(
        code=check.text(plan, "code", max_length=40),
        title=check.text(plan, "title", max_length=200),
        vision=check.text(plan, "vision", required=False),
        starts_on=starts_on,
        ends_on=ends_on,
        commissioning_principles=check.texts(root, "commissioning_principles"),
        priorities=priorities,
        themes=themes,
        districts=districts,
    )
    if check.problems:
        raise PlanFileError(source, check.problems)
    return result
