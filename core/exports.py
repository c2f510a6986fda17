"""CSV downloads, with every cell guarded against spreadsheet formulas.

A spreadsheet runs a cell that starts with = + - @ (or a tab or carriage return before
one) as a formula, so text a user typed ("=HYPERLINK(...)") could act when an officer opens
the export. Every text cell that starts so gets a leading apostrophe, which spreadsheets
show as text and hide. Numbers are left alone: -5 as a number is no formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def spreadsheet_safe(value: Any) -> Any:
    """`value`, with an apostrophe before text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return f"'{value}"
    return value


def spreadsheet_unguard(value: str) -> str:
    """What was typed, from a cell `spreadsheet_safe` guarded (for a CSV uploaded back)."""
    if value[:1] == "'" and value[1:2] in FORMULA_STARTS and value[1:2] != "":
        return value[1:]
    return value


class SafeWriter:
    """csv.writer with every cell guarded."""

    def __init__(self, stream: Any) -> None:
        self._writer = csv.writer(stream)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([spreadsheet_safe(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_text(rows: Iterable[Iterable[Any]]) -> str:
    """The rows as CSV text, every cell guarded."""
    buffer = io.StringIO()
    SafeWriter(buffer).writerows(rows)
    return buffer.getvalue()


def csv_response(filename: str, *, private: bool = True) -> tuple[HttpResponse, SafeWriter]:
    """An attachment response and a guarded writer that writes into it (for streaming rows)."""
    response = HttpResponse(content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if private:
        response["Cache-Control"] = "private, no-store"
    return response, SafeWriter(response)
