"""CSV downloads, with every cell guarded against spreadsheet formulas.

A spreadsheet runs a cell that starts with = + - @ (or a tab or carriage return before
one) as a formula, so text a user typed ("=HYPERLINK(...)") could act when an officer opens
the export. Every text cell that starts so gets a leading apostrophe, which spreadsheets
show as text and hide. Numbers are left alone: -5 as a number is no formula.

Every download is streamed (`csv_download`, and core.xlsx's `xlsx_download`): rows are
written as they are read, a batch at a time, so memory stays flat at any number of rows.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
BATCH_ROWS = 500  # rows encoded and sent together


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
    """An attachment response and a guarded writer that writes into it. The response holds
    every row in memory: a download streams with `csv_download` instead."""
    response = HttpResponse(content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if private:
        response["Cache-Control"] = "private, no-store"
    return response, SafeWriter(response)


def csv_chunks(
    rows: Iterable[Iterable[Any]], *, encoding: str = "utf-8", batch: int = BATCH_ROWS
) -> Iterator[bytes]:
    """The rows as guarded CSV, encoded, `batch` rows a chunk: the same bytes as
    `csv_text(rows).encode(encoding)`, never more than a batch in memory."""
    buffer = io.StringIO()
    writer = SafeWriter(buffer)
    first = True
    for count, row in enumerate(rows, start=1):
        writer.writerow(row)
        if count % batch == 0:
            yield buffer.getvalue().encode(encoding if first else _no_bom(encoding))
            first = False
            buffer.seek(0)
            buffer.truncate()
    if first or buffer.tell():
        yield buffer.getvalue().encode(encoding if first else _no_bom(encoding))


def _no_bom(encoding: str) -> str:
    """The byte-order mark is written once, at the start of the file."""
    return "utf-8" if encoding == "utf-8-sig" else encoding


def csv_download(
    filename: str,
    rows: Iterable[Iterable[Any]],
    *,
    private: bool = True,
    encoding: str = "utf-8",
) -> StreamingHttpResponse:
    """A CSV attachment streamed from `rows` (any iterable: a list, a generator over
    `.values_list(...).iterator()`), every cell guarded. The rows are read while the
    response is sent, so a lazy iterable keeps memory flat at any size."""
    response = StreamingHttpResponse(
        csv_chunks(rows, encoding=encoding), content_type=CSV_CONTENT_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if private:
        response["Cache-Control"] = "private, no-store"
    return response
