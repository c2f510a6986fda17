"""core.xlsx.workbook as it was before it wrote in write-only mode, kept to prove the
streamed workbook holds the same cells, formats, widths and frozen header."""

from __future__ import annotations

import io

from core.exports import spreadsheet_safe
from core.xlsx import HEADER_FILL, MAX_WIDTH, MIN_WIDTH, Sheet, _cell, _width


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


def cells(content: bytes) -> dict:
    """What a reader sees in an XLSX file: per sheet, every cell's value, number format,
    font and fill, the frozen panes and the column widths (bytes differ by timestamps)."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content))
    seen = {}
    for sheet in book.worksheets:
        seen[sheet.title] = {
            "cells": [
                [
                    (
                        cell.value,
                        cell.number_format,
                        bool(cell.font and cell.font.bold),
                        cell.font.size if cell.font else None,
                        cell.fill.fgColor.rgb if cell.fill and cell.fill.fill_type else None,
                        bool(cell.alignment and cell.alignment.wrap_text),
                    )
                    for cell in row
                ]
                for row in sheet.iter_rows()
            ],
            "freeze": sheet.freeze_panes,
            "widths": {key: dim.width for key, dim in sheet.column_dimensions.items()},
        }
    return seen
