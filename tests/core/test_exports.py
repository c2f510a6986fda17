from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from core import xlsx
from core.exports import csv_text, spreadsheet_safe, spreadsheet_unguard


@pytest.mark.parametrize("typed", ["=1+1", "+1", "-1", "@A1", "\t=1", "\r=1"])
def test_text_a_spreadsheet_would_run_gets_an_apostrophe_and_comes_back_as_typed(typed):
    assert spreadsheet_safe(typed) == f"'{typed}"
    assert spreadsheet_unguard(spreadsheet_safe(typed)) == typed


@pytest.mark.parametrize("value", ["Safe Streets", "", "'quoted", 5, Decimal("-5"), None])
def test_other_values_are_left_alone(value):
    assert spreadsheet_safe(value) == value


def test_every_csv_cell_is_guarded():
    rows = list(csv.reader(io.StringIO(csv_text([["=1", "ok", -3], ["+2"]]))))
    assert rows == [["'=1", "ok", "-3"], ["'+2"]]


def test_every_xlsx_text_cell_is_guarded_and_numbers_stay_numbers():
    content = xlsx.workbook(
        [
            xlsx.Sheet(
                name="Sheet",
                title="=title",
                header=["=head"],
                rows=[["=1+1", xlsx.Money("-5"), -3]],
                notes=["@note"],
            )
        ]
    )
    sheet = load_workbook(io.BytesIO(content))["Sheet"]
    values = [cell.value for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert values == ["'=title", "'=head", "'=1+1", Decimal("-5") or -5, -3, "'@note"]
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)
