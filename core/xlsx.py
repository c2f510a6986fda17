"""Spreadsheets (XLSX): every sheet has a title row saying what it is, for
which period and when it was made, then a styled header row frozen above the data. Money
is a number formatted as pounds, percentages are percentages, so totals and charts work
in Excel without retyping. Data in, bytes out; no queries (a lazy `rows` iterable may
run its own while the file is written).
Text that a spreadsheet would run as a formula is guarded (core.exports)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from itertools import chain, islice
from typing import IO

from django.http import FileResponse

from core.exports import spreadsheet_safe

MONEY_FORMAT = "£#,##0.00"
PERCENT_FORMAT = "0.0%"
COUNT_FORMAT = "#,##0"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

HEADER_FILL = "F3F2F1"  # GOV.UK light grey
MIN_WIDTH, MAX_WIDTH = 8, 60


class Money(Decimal):
    """A cell value to show as pounds and pence."""


class Percent(Decimal):
    """A cell value given as a percentage (72.5 means 72.5%)."""


@dataclass
class Sheet:
    name: str  # the tab: 31 characters at most, no / \\ ? * [ ]
    # What it is, the period and when it was generated, on row 1. Blank: no title row, the
    # header is row 1 (a data standard's file, read by tools that expect it there).
    title: str
    header: list[str]
    rows: Iterable[list[object]]  # a list, or a generator read once as the file is written
    notes: list[str] | None = None  # lines after the data (blank row before)


def _cell(value: object) -> tuple[object, str | None]:
    if isinstance(value, Money):
        return Decimal(value).quantize(Decimal("0.01")), MONEY_FORMAT
    if isinstance(value, Percent):
        return Decimal(value) / 100, PERCENT_FORMAT
    if isinstance(value, int) and not isinstance(value, bool):
        return value, COUNT_FORMAT
    return spreadsheet_safe(value), None


def _width(value: object, number_format: str | None) -> int:
    if number_format == MONEY_FORMAT:
        return len(f"£{value:,.2f}")
    if number_format == PERCENT_FORMAT:
        return 7
    return max((len(line) for line in str(value).splitlines()), default=0)


WIDTH_SAMPLE = 1000  # rows read ahead to size the columns (the whole sheet when smaller)


def write_workbook(sheets: Iterable[Sheet], target: IO[bytes]) -> None:
    """Write the sheets as one XLSX file to `target`, in openpyxl's write-only mode: each
    row goes to a temporary file as it is read, so memory stays flat whatever the number
    of rows (`Sheet.rows` may be any iterable, a generator included). Columns are sized
    from the header and the first WIDTH_SAMPLE rows."""
    # openpyxl is imported here: only exports need it, and selectors import this module.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    title_font = Font(bold=True, size=14)
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor=HEADER_FILL)
    header_alignment = Alignment(vertical="top", wrap_text=True)

    book = Workbook(write_only=True)
    for spec in sheets:
        sheet = book.create_sheet(spec.name[:31])
        rows = iter(spec.rows)
        sample = list(islice(rows, WIDTH_SAMPLE))
        widths = [len(name) for name in spec.header]
        for row in sample:
            for column, value in enumerate(row[: len(widths)]):
                shown, number_format = _cell(value)
                widths[column] = max(widths[column], _width(shown, number_format))
        header_row = 2 if spec.title else 1
        sheet.freeze_panes = f"A{header_row + 1}"  # the title and header stay in view
        for column, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = min(
                max(width + 2, MIN_WIDTH), MAX_WIDTH
            )
        if spec.title:
            title = WriteOnlyCell(sheet, spreadsheet_safe(spec.title))
            title.font = title_font
            sheet.append([title])
        header = []
        for name in spec.header:
            cell = WriteOnlyCell(sheet, spreadsheet_safe(name))
            cell.font = header_font
            cell.fill = header_fill
            cell.alignment = header_alignment
            header.append(cell)
        sheet.append(header)
        for row in chain(sample, rows):
            cells = []
            for value in row:
                shown, number_format = _cell(value)
                if number_format:
                    cell = WriteOnlyCell(sheet, shown)
                    cell.number_format = number_format
                    cells.append(cell)
                else:
                    cells.append(shown)
            sheet.append(cells)
        if spec.notes:
            sheet.append([])
            for note in spec.notes:
                sheet.append([spreadsheet_safe(note)])
    book.save(target)


def workbook(sheets: list[Sheet]) -> bytes:
    """The sheets as one XLSX file (for a file kept or attached; a download streams it
    with `xlsx_download`)."""
    with tempfile.TemporaryFile() as spool:
        write_workbook(sheets, spool)
        spool.seek(0)
        return spool.read()


def xlsx_download(filename: str, sheets: Iterable[Sheet], *, private: bool = True) -> FileResponse:
    """An XLSX attachment, written to a temporary file in write-only mode and sent from
    it in blocks: memory stays flat at any number of rows. The file is deleted when the
    response is closed."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it when sent)
    try:
        write_workbook(sheets, spool)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    response = FileResponse(spool, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if private:
        response["Cache-Control"] = "private, no-store"
    return response
