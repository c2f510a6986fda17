"""The spreadsheets use 360Giving's column titles, read here from the official schema."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook

from opendata import flat, services
from opendata.schema import GRANT_SCHEMA, SCHEMA_DIR
from tests.opendata.conftest import accepted_award

pytestmark = pytest.mark.django_db
SCHEMA = json.loads((SCHEMA_DIR / GRANT_SCHEMA).read_text())


def _resolve(node: dict) -> dict:
    while "$ref" in node:
        node = SCHEMA["$defs"][node["$ref"].rsplit("/", 1)[-1]] | {
            k: v for k, v in node.items() if k != "$ref"
        }
    return node


def title_from_schema(path: str, numbered: bool) -> str:
    """The column title 360Giving's flattening gives `path` ("plannedDates/0/startDate"):
    each property's title joined with colons, and the index kept for a numbered list."""
    node: dict = SCHEMA
    titles = []
    for part in path.split("/"):
        if part.isdigit():
            if numbered:
                titles.append(part)
            node = _resolve(node["items"])
            continue
        node = _resolve(node["properties"][part])
        titles.append(node["title"])
    return ":".join(titles)


def test_every_column_title_is_360givings_title_for_its_field():
    grants = [
        {"beneficiaryLocation": [{}, {}, {}], "classifications": [{}, {}]},
    ]
    for path, title in flat.columns(grants):
        numbered = path.split("/")[0] in ("beneficiaryLocation", "classifications")
        assert title == title_from_schema(path, numbered), path


def test_the_xlsx_opens_and_its_header_row_is_360givings_titles(plan, districts):
    accepted_award(districts=("Kirklees", "Wakefield"), paid=("100.50",))
    accepted_award(across=True)
    version = services.package_publish(actor=None).version
    book = load_workbook(io.BytesIO(version.xlsx_file.open("rb").read()))
    assert book.sheetnames == ["grants"]
    header = [cell.value for cell in book["grants"][1]]
    package = json.loads(version.json_file.open("rb").read())
    expected = [title for _, title in flat.columns(package["grants"])]
    assert header == expected
    assert header[:8] == [
        "Identifier",
        "Title",
        "Description",
        "Currency",
        "Amount Applied For",
        "Amount Awarded",
        "Amount Disbursed",
        "Award Date",
    ]
    assert "Beneficiary Location:1:Geographic Code" in header
    assert "Recipient Org:Identifier" in header and "Funding Org:Name" in header
    assert header[-2:] == ["Last Modified", "Data Source"]
    # Amounts are numbers, shown as pounds.
    amounts = [row[header.index("Amount Disbursed")] for row in book["grants"].iter_rows(min_row=2)]
    assert sorted(cell.value for cell in amounts) == [0, 100.5]
    assert amounts[0].number_format == "£#,##0.00"


def test_the_csv_header_is_the_same(plan, districts):
    accepted_award()
    version = services.package_publish(actor=None).version
    text = version.csv_file.open("rb").read()
    assert text.startswith("\ufeff".encode())  # so spreadsheets read it as UTF-8
    first_line = text.decode("utf-8-sig").splitlines()[0]
    package = json.loads(version.json_file.open("rb").read())
    assert first_line == ",".join(title for _, title in flat.columns(package["grants"]))
