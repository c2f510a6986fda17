"""Spreadsheets (XLSX): every sheet has a title row saying what it is, for
which period and when it was made, then a styled header row frozen above the data. Money
is a number formatted as pounds, percentages are percentages, so totals and charts work
in Excel without retyping. Data in, bytes out; no queries.
Text that a spreadsheet would run as a formula is guarded (core.exports)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

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
    rows: list[list[object]]
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


def workbook(sheets: list[Sheet]) -> bytes:
    """The sheets as one XLSX file."""
    # openpyxl is imported here: only exports need it, and selectors import this module.
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    for spec in sheets:
        sheet = book.create_sheet(spec.name[:31])
        if spec.title:
            sheet.append([spreadsheet_safe(spec.title)])
            sheet["A1"].font = Font(bold=True, size=14)
        sheet.append([spreadsheet_safe(name) for name in spec.header])
        header_row = sheet.max_row
        widths = [len(name) for name in spec.header]
        for cell in sheet[header_row]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
            cell.alignment = Alignment(vertical="top", wrap_text=True)
        row_number = header_row  # counted here: sheet.max_row scans every cell each time
        for row in spec.rows:
            values, formats = (
                zip(*(_cell(value) for value in row), strict=True) if row else ((), ())
            )
            sheet.append(list(values))
            row_number += 1
            for column, (value, number_format) in enumerate(
                zip(values, formats, strict=True), start=1
            ):
                if number_format:
                    sheet.cell(row=row_number, column=column).number_format = number_format
                if column <= len(widths):
                    widths[column - 1] = max(widths[column - 1], _width(value, number_format))
        if spec.notes:
            sheet.append([])
            for note in spec.notes:
                sheet.append([spreadsheet_safe(note)])
        sheet.freeze_panes = f"A{header_row + 1}"  # the title and header stay in view
        for column, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = min(
                max(width + 2, MIN_WIDTH), MAX_WIDTH
            )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
