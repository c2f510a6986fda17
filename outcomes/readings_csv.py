"""Indicator readings as CSV: one reading a line, columns named on the first line.

Parsing is pure (no database): it reads the file, checks each cell's format (the period,
the number, yes/no for the baseline) and hands back every line as a `ReadingRow` with its
own problems, so `outcomes.services.readings_import` can add what only the database knows
(no such indicator, the wrong unit) and list every problem of the file at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from core.csvfiles import CsvUnreadable, read_csv_rows
from core.exports import spreadsheet_unguard
from outcomes.figures import InvalidFigure, parse_number
from outcomes.periods import InvalidPeriod, Period, parse_period

COLUMNS = ["indicator", "measure", "area", "period", "value", "unit", "baseline", "note", "source"]
REQUIRED = ["indicator", "period", "value"]
MAX_BYTES = 1_000_000
MAX_ROWS = 2_000
MAX_NOTE = 1_000
MAX_SOURCE = 200
YES = {"yes", "y", "true", "1", "baseline"}
NO = {"", "no", "n", "false", "0"}


@dataclass
class ReadingRow:
    """One line of an upload, as typed and as far as it could be read."""

    line: int
    indicator: str
    measure: str = ""
    area: str = ""
    period: Period | None = None
    value: Decimal | None = None
    unit: str = ""
    is_baseline: bool = False
    note: str = ""
    source: str = ""
    problems: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # column name -> letter

    def problem(self, column: str, message: str) -> None:
        self.problems.append(cell_message(self.line, column, self.columns.get(column, ""), message))


def cell_message(line: int, column: str, letter: str, message: str) -> str:
    """'Line 4, column E (value): Enter a number, like 72.6 or 1,250'."""
    where = f"column {letter} ({column})" if letter else column
    return f"Line {line}, {where}: {message}"


@dataclass
class ParsedReadings:
    rows: list[ReadingRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)  # the file could not be read at all

    @property
    def errors(self) -> list[str]:
        return self.file_errors + [p for row in self.rows for p in row.problems]


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _decode(content: bytes) -> tuple[str | None, str]:
    if len(content) > MAX_BYTES:
        return (
            None,
            f"The file is larger than {MAX_BYTES // 1_000_000} MB. Split it into smaller files.",
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return (
            None,
            "The file is not a CSV saved as UTF-8 text. Save it as “CSV UTF-8” and try again.",
        )
    if "\x00" in text:
        return None, "The file is not a CSV file. Save it as “CSV UTF-8” and try again."
    return text, ""


def _header(first: list[str]) -> tuple[dict[str, int], list[str]]:
    names = [cell.strip().lower() for cell in first]
    positions: dict[str, int] = {}
    problems = []
    for index, name in enumerate(names):
        if not name:
            continue
        if name not in COLUMNS:
            problems.append(
                cell_message(
                    1,
                    name,
                    _letter(index),
                    f"there is no column called “{first[index].strip()}”. "
                    f"Use the headings {', '.join(COLUMNS)}",
                )
            )
        elif name in positions:
            problems.append(
                f"Line 1: the column “{name}” appears twice (columns "
                f"{_letter(positions[name])} and {_letter(index)})"
            )
        else:
            positions[name] = index
    missing = [name for name in REQUIRED if name not in positions]
    if missing:
        problems.append(
            "Line 1: the first line must name the columns, including "
            + ", ".join(missing)
            + ". Download the template to start from the right headings"
        )
    return positions, problems


def parse_readings_csv(content: bytes) -> ParsedReadings:
    """Every line of the file as a ReadingRow with its problems; file_errors when the file
    itself cannot be read. Blank lines, and lines with neither a period nor a value (the
    template's placeholders), are left out."""
    text, problem = _decode(content)
    if text is None:
        return ParsedReadings(file_errors=[problem])
    try:
        lines = read_csv_rows(text)
    except CsvUnreadable as unreadable:
        return ParsedReadings(file_errors=[unreadable.message])
    if not lines or not any(cell.strip() for cell in lines[0]):
        return ParsedReadings(file_errors=["The file is empty. Download the template to start."])
    if len(lines) > MAX_ROWS + 1:
        return ParsedReadings(
            file_errors=[f"The file has more than {MAX_ROWS:,} lines. Split it into smaller files."]
        )
    positions, header_problems = _header(lines[0])
    if header_problems:
        return ParsedReadings(file_errors=header_problems)
    letters = {name: _letter(index) for name, index in positions.items()}
    parsed = ParsedReadings()
    for number, cells in enumerate(lines[1:], start=2):
        cells = [spreadsheet_unguard(cell).strip() for cell in cells]
        if not any(cells):
            continue
        values = {name: cells[i] if i < len(cells) else "" for name, i in positions.items()}
        if not values.get("period") and not values.get("value"):
            continue
        parsed.rows.append(_row(number, values, letters, extra=any(cells[len(lines[0]) :])))
    if not parsed.rows:
        parsed.file_errors.append(
            "The file has no readings: fill in the period and value of at least one line."
        )
    return parsed


def _row(
    number: int, values: dict[str, str], letters: dict[str, str], *, extra: bool
) -> ReadingRow:
    row = ReadingRow(
        line=number,
        indicator=values.get("indicator", ""),
        measure=values.get("measure", "").lower(),
        area=values.get("area", ""),
        unit=values.get("unit", "").lower(),
        note=values.get("note", ""),
        source=values.get("source", ""),
        columns=letters,
    )
    if extra:
        row.problems.append(
            f"Line {number}: it has more cells than the first line has headings. "
            "Check for a comma inside a note, and put the note in double quotes"
        )
    if not row.indicator:
        row.problem("indicator", "Enter the indicator's code, like P1-I2")
    try:
        row.period = parse_period(values.get("period"))
    except InvalidPeriod as error:
        row.problem("period", error.message)
    try:
        row.value = parse_number(values.get("value"), allow_percent=True)
        if row.value is None:
            row.problem("value", "Enter the value, like 72.6 or 1,250")
    except InvalidFigure as error:
        row.problem("value", f"{error.message} (it is “{values.get('value', '')[:20]}”)")
    baseline = values.get("baseline", "").lower()
    if baseline in YES:
        row.is_baseline = True
    elif baseline not in NO:
        row.problem("baseline", "Enter yes for the baseline reading, or leave it blank")
    if len(row.note) > MAX_NOTE:
        row.problem(
            "note", f"The note must be {MAX_NOTE:,} characters or fewer; it is {len(row.note):,}"
        )
    if len(row.source) > MAX_SOURCE:
        row.problem(
            "source",
            f"The source must be {MAX_SOURCE} characters or fewer; it is {len(row.source):,}",
        )
    return row


def template_rows(measures: Iterable[tuple[str, str, str]]) -> list[list[str]]:
    """The CSV template: the headings, then a West Yorkshire line per (indicator code,
    measure code, unit) with the period and value left to fill in."""
    rows = [COLUMNS]
    for indicator_code, measure_code, unit in measures:
        rows.append([indicator_code, measure_code, "West Yorkshire", "", "", unit, "", "", ""])
    return rows
