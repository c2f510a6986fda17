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


# Streaming: the same bytes (CSV) and the same cells (XLSX) as before, a batch at a time.

SAMPLE_ROWS = [
    ["Reference", "Amount", "Note"],
    ["MSCF5-0001", Decimal("5000.50"), '=HYPERLINK("http://evil")'],
    ["MSCF5-0002", -3, 'Ünïcode, with "quotes"\nand a new line'],
    [],
    ["+44", None, "@SUM(A1)"],
]


@pytest.mark.parametrize("batch", [1, 2, 500])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_csv_chunks_are_the_bytes_of_the_whole_text(batch, encoding):
    from core.exports import csv_chunks

    chunks = list(csv_chunks(iter(SAMPLE_ROWS), encoding=encoding, batch=batch))
    assert b"".join(chunks) == csv_text(SAMPLE_ROWS).encode(encoding)
    assert len(chunks) == -(-len(SAMPLE_ROWS) // batch)  # a chunk a batch, no empty one


def test_an_empty_csv_is_one_empty_chunk():
    from core.exports import csv_chunks

    assert list(csv_chunks([])) == [b""]


def test_csv_download_streams_guarded_rows_from_a_generator():
    from django.http import StreamingHttpResponse

    from core.exports import csv_download

    response = csv_download("x.csv", (row for row in SAMPLE_ROWS))
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == csv_text(SAMPLE_ROWS).encode()


def _sheets(rows):
    return [
        xlsx.Sheet(
            name="Awards of a long name that is cut at 31",
            title="=Awards, 2026/27. Generated today.",
            header=["Reference", "Amount", "Share", "Count", "Note"],
            rows=rows,
            notes=["@note", "Second note"],
        ),
        xlsx.Sheet(name="No title", title="", header=["A", "B"], rows=[], notes=None),
    ]


SHEET_ROWS = [
    ["MSCF5-0001", xlsx.Money("5000.5"), xlsx.Percent("72.5"), 12, '=HYPERLINK("x")'],
    ["MSCF5-0002", xlsx.Money("-5"), xlsx.Percent("0"), 0, "a much longer note " * 5],
    ["MSCF5-0003", None, None, None, "two\nlines"],
    ["short"],
]


def test_the_write_only_workbook_holds_what_the_old_one_held():
    from tests.core.legacy_xlsx import cells
    from tests.core.legacy_xlsx import workbook as old_workbook

    assert cells(xlsx.workbook(_sheets(SHEET_ROWS))) == cells(old_workbook(_sheets(SHEET_ROWS)))


def test_xlsx_download_streams_the_workbook_from_a_generator():
    from django.http import FileResponse

    from tests.core.legacy_xlsx import cells
    from tests.core.legacy_xlsx import workbook as old_workbook

    response = xlsx.xlsx_download("x.xlsx", _sheets(row for row in SHEET_ROWS))
    assert isinstance(response, FileResponse)
    assert response["Content-Type"] == xlsx.CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="x.xlsx"'
    assert response["Cache-Control"] == "private, no-store"
    content = b"".join(response.streaming_content)
    assert cells(content) == cells(old_workbook(_sheets(SHEET_ROWS)))
