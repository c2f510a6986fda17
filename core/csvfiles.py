"""Reading an uploaded CSV's rows: anything Python's csv module cannot read (a field over
its 131,072-character limit, a quote left open) is a clear error naming the line and,
where it can be found, the column, never an exception."""

from __future__ import annotations

import csv
import io

FIELD_LIMIT = csv.field_size_limit()  # 131,072 unless something changed it


class CsvUnreadable(ValueError):
    """The file cannot be read as CSV from `line` on; `message` says where and why."""

    def __init__(self, message: str, *, line: int, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def _column_letter(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _long_cell(text: str, line: int) -> int | None:
    """The column (1, 2, ...) of the first over-long cell on physical line `line`."""
    lines = text.splitlines()
    if not 0 < line <= len(lines):
        return None
    for number, cell in enumerate(lines[line - 1].split(","), start=1):
        if len(cell) > FIELD_LIMIT:
            return number
    return None


def read_csv_rows(text: str) -> list[list[str]]:
    """Every row of the CSV text. Raises CsvUnreadable naming the line (and column) where
    the csv module gave up."""
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[list[str]] = []
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return rows
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                column = _long_cell(text, reader.line_num or start)
                where = f"Line {reader.line_num or start}"
                if column is not None:
                    where += f", column {column} ({_column_letter(column)})"
                raise CsvUnreadable(
                    f"{where}: a value is longer than {FIELD_LIMIT:,} characters. "
                    "Shorten it and upload the file again.",
                    line=reader.line_num or start,
                    column=column,
                ) from None
            raise CsvUnreadable(
                f"Line {start}: the file cannot be read as CSV from here ({error}). "
                "Check the quotes on this line, save it as “CSV UTF-8” and try again.",
                line=start,
            ) from None
        rows.append(row)
