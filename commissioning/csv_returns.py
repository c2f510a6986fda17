"""A return as CSV: `measure_code,category,value`, one figure per line.

Parsing is pure: it gives the figures keyed like the form's, the line each came from, and
line-numbered errors for every line that cannot be read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from commissioning.models import Measure
from commissioning.validation import Key, parse_figure
from core.csvfiles import CsvUnreadable, read_csv_rows
from core.exports import spreadsheet_unguard

HEADER = ["measure_code", "category", "value"]
MAX_BYTES = 1_000_000
MAX_ROWS = 2_000


@dataclass
class ParsedCsv:
    raw: dict[Key, str] = field(default_factory=dict)  # {(code, category): value text}
    lines: dict[Key, int] = field(default_factory=dict)  # the line each figure is on
    # (line, message); line 0 is the whole file (it could not be read at all)
    errors: list[tuple[int, str]] = field(default_factory=list)


def _file_error(message: str) -> ParsedCsv:
    return ParsedCsv(errors=[(0, message)])


def parse_return_csv(content: bytes, measures: Iterable[Measure], set_name: str) -> ParsedCsv:
    """Every readable figure with its line, and an error for every line that is not.
    Any error means nothing should be saved."""
    if len(content) > MAX_BYTES:
        return _file_error(
            f"The file is larger than {MAX_BYTES // 1_000_000} MB; a return is far smaller."
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _file_error(
            "The file is not a CSV saved as UTF-8 text. Save it as “CSV UTF-8” and try again."
        )
    if "\x00" in text:
        return _file_error("The file is not a CSV file. Save it as “CSV UTF-8” and try again.")
    # A cell our own template guarded against spreadsheet formulas reads as typed.
    try:
        rows = [[spreadsheet_unguard(cell) for cell in row] for row in read_csv_rows(text)]
    except CsvUnreadable as unreadable:
        return ParsedCsv(errors=[(unreadable.line, unreadable.message)])
    if not rows:
        return _file_error("The file is empty.")
    header = [cell.strip().lower() for cell in rows[0]]
    if header[:3] != HEADER:
        return ParsedCsv(
            errors=[
                (
                    1,
                    "Line 1: the first line must be the headings measure_code,category,value "
                    f"(it is {','.join(rows[0])[:80]}).",
                )
            ]
        )
    if len(rows) > MAX_ROWS + 1:
        return _file_error(f"The file has more than {MAX_ROWS:,} lines of figures.")
    by_code = measures_by_code(measures)
    parsed = ParsedCsv()

    def error(number: int, message: str) -> None:
        parsed.errors.append((number, f"Line {number}: {message}"))

    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != 3:
            error(
                number,
                f"expected 3 values (measure_code, category, value), found {len(row)}.",
            )
            continue
        code, category, value = (cell.strip() for cell in row)
        found = check_figure_row(
            by_code,
            code,
            category,
            value,
            set_name=set_name,
            given_before=lambda key: (
                f"on line {parsed.lines[key]}" if key in parsed.lines else None
            ),
        )
        if found.problem:
            error(number, found.problem)
            continue
        parsed.lines[found.key] = number
        parsed.raw[found.key] = value
    return parsed


def measures_by_code(measures: Iterable[Measure]) -> dict[str, Measure]:
    """Measures by code in capitals: a code is found whatever its case."""
    return {measure.code.upper(): measure for measure in measures}


@dataclass(frozen=True)
class RowCheck:
    key: Key  # (measure code, category) as the measure set spells them
    problem: str  # "" when the row is fine
    part: str = ""  # what the problem is about: "measure", "category" or "value"


def check_figure_row(
    by_code: dict[str, Measure],
    code: str,
    category: str,
    value: str,
    *,
    set_name: str,
    given_before: Callable[[Key], str | None],
) -> RowCheck:
    """One figure as sent (a CSV line, an item of the API's list): the measure exists, the
    category is one of its breakdown's, it is not given twice (`given_before` says where
    it was, e.g. "on line 3"), and the value reads. The CSV upload and the API share it."""
    measure = by_code.get(code.upper())
    if measure is None:
        return RowCheck((code, category), f"there is no measure “{code}” in {set_name}.", "measure")
    category = category.lower()
    if category and category not in measure.category_codes:
        if measure.categories:
            known = ", ".join(measure.category_codes)
            problem = (
                f"{measure.label} has no category “{category}”; "
                f"use one of {known}, or leave it blank for the total."
            )
        else:
            problem = f"{measure.label} has no breakdown; leave the category blank."
        return RowCheck((measure.code, category), problem, "category")
    key = (measure.code, category)
    before = given_before(key)
    if before:
        named = f" ({measure.category_label(category)})" if category else ""
        return RowCheck(key, f"{measure.label}{named} is already given {before}.", "measure")
    _figure, problem = parse_figure(measure, value, category)
    return RowCheck(key, problem, "value" if problem else "")


def lines_text(lines: list[int]) -> str:
    """[4] -> "Line 4", [2, 3, 5] -> "Lines 2, 3 and 5"."""
    if len(lines) == 1:
        return f"Line {lines[0]}"
    return "Lines " + ", ".join(str(n) for n in lines[:-1]) + f" and {lines[-1]}"


def return_csv_rows(measures: Iterable[Measure], figures: dict[Key, object]) -> list[list[str]]:
    """The return as CSV rows (a template when `figures` is empty), in measure-set order."""
    rows = [HEADER]
    for measure in measures:
        for category in ["", *measure.category_codes]:
            value = figures.get((measure.code, category), "")
            rows.append([measure.code, category, "" if value is None else str(value)])
    return rows
