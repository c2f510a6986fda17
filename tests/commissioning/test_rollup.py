"""The roll-up across services: accepted, current returns only, summed (percentages
averaged) per measure and category, in the measure set's order; published exports show
counts of 1 to 4 as "<5". Through the selector and through the commissioner's export."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook

from commissioning import selectors, suppression
from commissioning.models import Contract, MonitoringReturn, Rating
from commissioning.quarters import Quarter
from commissioning.services.returns import return_accept, return_correct, return_save
from tests.commissioning.builders import complete_figures, make_contract, measure_set, open_return
from tests.downloads import body

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
Q1, Q2, Q3 = Quarter(2026, 1), Quarter(2026, 2), Quarter(2026, 3)
R = MonitoringReturn.Status


def figures(supported: int = 40, **overrides: str) -> dict[tuple[str, str], str]:
    """A complete return; overrides by "CODE" or "CODE__category"."""
    typed = complete_figures(supported)
    for name, value in overrides.items():
        code, _, category = name.partition("__")
        typed[(code, category)] = value
    return typed


def file_return(contract: Contract, actor, quarter: Quarter, typed, *, submit=True):
    r = open_return(contract, quarter)
    result = return_save(monitoring_return=r, actor=actor, typed=typed, submit=submit)
    assert not result.errors, result.errors
    r.refresh_from_db()
    return r


def accept(r: MonitoringReturn, commissioner) -> MonitoringReturn:
    return return_accept(monitoring_return=r, actor=commissioner, rating=Rating.GREEN)


@pytest.fixture
def second(personas, plan, other_provider):
    """Another provider's contract and the member who files its returns."""
    organisation, member = other_provider
    contract = make_contract(
        provider=organisation,
        commissioner=personas.commissioner,
        plan=plan,
        reference="VS-TEST-02",
    )
    return contract, member


def values(result: selectors.Rollup) -> dict[tuple[str, str], Decimal | None]:
    return {(row.measure.code, row.category): row.value for row in result.rows}


def rollup(period: str = "Q1") -> selectors.Rollup:
    return selectors.rollup(measure_set=measure_set(), financial_year=2026, period=period)


# ---------------------------------------------------------------------------------------
# The selector


def test_only_accepted_current_returns_count(contract, personas, plan, second):
    commissioner = personas.commissioner
    b_contract, b_member = second
    a = accept(file_return(contract, personas.provider, Q1, figures(40)), commissioner)
    b = file_return(b_contract, b_member, Q1, figures(30))  # submitted, not yet accepted
    draft_contract = make_contract(
        provider=personas.provider_org,
        commissioner=commissioner,
        plan=plan,
        reference="VS-TEST-03",
    )
    draft = file_return(draft_contract, personas.provider, Q1, figures(99), submit=False)
    assert (a.status, b.status, draft.status) == (R.ACCEPTED, R.SUBMITTED, R.DRAFT)

    result = rollup()
    assert (result.returns, result.contracts) == (1, 1)
    assert values(result)[("SUPPORTED", "")] == Decimal(40)

    accept(b, commissioner)
    result = rollup()
    assert (result.returns, result.contracts) == (2, 2)
    got = values(result)
    assert got[("SUPPORTED", "")] == Decimal(70)
    assert got[("SUPPORTED", "domestic_abuse")] == Decimal(14 + 10)
    assert got[("SUPPORTED", "sexual_violence")] == Decimal(13 + 10)
    assert got[("SUPPORTED", "other")] == Decimal(13 + 10)
    assert got[("REF", "")] == Decimal(40)
    assert got[("REF", "police")] == Decimal(10)
    assert got[("SPEND", "")] == Decimal("50000.00")
    assert got[("SUCCESSES", "")] == Decimal(2)  # returns with text
    row = next(r for r in result.rows if r.measure.code == "SUPPORTED" and not r.category)
    assert row.returns == 2 and row.how == "total"
    assert result.quarters == [Q1]


def test_percentages_are_averaged_over_the_returns(contract, personas, second):
    b_contract, b_member = second
    accept(
        file_return(contract, personas.provider, Q1, figures(OUT_SAFER="80")), personas.commissioner
    )
    accept(
        file_return(b_contract, b_member, Q1, figures(OUT_SAFER="75", OUT_COPE="72.7")),
        personas.commissioner,
    )
    result = rollup()
    got = values(result)
    assert got[("OUT_SAFER", "")] == Decimal("77.5")
    assert got[("OUT_COPE", "")] == Decimal("76.4")  # (80 + 72.7) / 2 = 76.35, to one place
    row = next(r for r in result.rows if r.measure.code == "OUT_SAFER")
    assert row.how == "average"


def test_half_years_and_the_whole_year_add_their_quarters(contract, personas, second):
    b_contract, b_member = second
    c = personas.commissioner
    accept(file_return(contract, personas.provider, Q1, figures(40, OUT_HEALTH="90")), c)
    accept(file_return(contract, personas.provider, Q2, figures(50, OUT_HEALTH="60")), c)
    accept(file_return(contract, personas.provider, Q3, figures(7, OUT_HEALTH="30")), c)
    accept(file_return(b_contract, b_member, Q2, figures(10, OUT_HEALTH="75")), c)

    assert values(rollup("Q1"))[("SUPPORTED", "")] == Decimal(40)
    assert values(rollup("Q2"))[("SUPPORTED", "")] == Decimal(60)
    h1 = rollup("H1")
    assert h1.quarters == [Q1, Q2]
    assert (h1.returns, h1.contracts) == (3, 2)
    assert values(h1)[("SUPPORTED", "")] == Decimal(100)
    assert values(h1)[("SPEND", "")] == Decimal("75000.00")
    assert values(h1)[("OUT_HEALTH", "")] == Decimal(75)  # (90 + 60 + 75) / 3
    assert values(rollup("H2"))[("SUPPORTED", "")] == Decimal(7)
    assert values(rollup("FY"))[("SUPPORTED", "")] == Decimal(107)
    assert values(rollup("Q4"))[("SUPPORTED", "")] is None
    assert rollup("Q4").returns == 0


def test_another_years_returns_are_not_counted(contract, personas):
    accept(file_return(contract, personas.provider, Q1, figures(40)), personas.commissioner)
    result = selectors.rollup(measure_set=measure_set(), financial_year=2027, period="Q1")
    assert result.returns == 0
    assert values(result)[("SUPPORTED", "")] is None


def test_a_correction_counts_once_accepted_in_place_of_what_it_corrects(contract, personas):
    first = accept(file_return(contract, personas.provider, Q1, figures(40)), personas.commissioner)
    correction = return_correct(
        monitoring_return=first, actor=personas.provider, reason="Double-counted."
    )
    return_save(
        monitoring_return=correction, actor=personas.provider, typed=figures(35), submit=True
    )
    assert values(rollup())[("SUPPORTED", "")] == Decimal(40)
    accept(correction, personas.commissioner)
    result = rollup()
    assert values(result)[("SUPPORTED", "")] == Decimal(35)
    assert (result.returns, result.contracts) == (1, 1)


def test_rows_follow_the_measure_set_with_totals_before_categories(contract, personas):
    result = rollup()  # no returns at all: every row is still there, empty
    expected = [
        (measure.code, category)
        for measure in measure_set().measures.order_by("position")
        for category in ["", *measure.category_codes]
    ]
    assert [(row.measure.code, row.category) for row in result.rows] == expected
    assert expected[:2] == [("REF", ""), ("REF", "police")]
    assert expected[-1] == ("CASE_STUDY", "")
    assert all(row.value is None for row in result.rows if row.measure.kind != "text")
    assert {row.label for row in result.rows if row.measure.code == "SUP_SEX"} == {
        "Victims supported by sex",
        "Female",
        "Male",
        "Not known or prefer not to say",
    }


# ---------------------------------------------------------------------------------------
# Small numbers in published figures


SMALL = dict(
    REF="10",
    REF__police="1",
    REF__self="4",
    REF__health="5",
    REF__other_agency="0",
    SPEND="3",
    OUT_SAFER="2",
)


@pytest.fixture
def small(contract, personas):
    """One accepted Q1 return with referrals of 1, 4, 5 and 0 by source."""
    accept(
        file_return(contract, personas.provider, Q1, figures(40, **SMALL)), personas.commissioner
    )
    return rollup()


def table_rows(table) -> dict[tuple[str, str], list]:
    """{(measure code, category code): line}; a spreadsheet reads a blank cell as None."""
    return {(line[0], line[2] or ""): line for line in table[1:] if len(line) >= 7}


def test_published_figures_hide_counts_of_1_to_4(small):
    table = selectors.rollup_table(small, published=True)
    assert table[0] == [
        "measure_code",
        "measure",
        "category_code",
        "category",
        "kind",
        "how",
        "value",
        "suppressed",
    ]
    rows = table_rows(table)
    assert rows[("REF", "police")][6:] == ["<5", "yes"]
    assert rows[("REF", "self")][6:] == ["<5", "yes"]
    assert rows[("REF", "health")][6:] == [5, ""]
    assert rows[("REF", "other_agency")][6:] == [0, ""]
    assert rows[("REF", "")][6:] == [10, ""]
    # Money, percentages and text counts are never hidden.
    assert rows[("SPEND", "")][6:] == [Decimal("3.00"), ""]
    assert rows[("OUT_SAFER", "")][6:] == [Decimal("2.0"), ""]
    assert rows[("SUCCESSES", "")][6:] == [1, ""]
    assert rows[("REF", "police")][:6] == [
        "REF",
        "Referrals received",
        "police",
        "Police",
        "Count",
        "total",
    ]
    assert rows[("REF", "")][3] == "Total"
    assert len(table) == 1 + len(small.rows)


def test_internal_figures_show_everything(small):
    table = selectors.rollup_table(small, published=False)
    assert table[0][-1] == "value" and "suppressed" not in table[0]
    rows = table_rows(table)
    assert rows[("REF", "police")][6] == 1
    assert rows[("REF", "self")][6] == 4
    assert all(len(line) == 7 for line in table)
    assert "<5" not in [line[6] for line in table]


def test_an_empty_count_is_blank_not_zero(contract):
    rows = table_rows(selectors.rollup_table(rollup(), published=True))
    assert rows[("SUPPORTED", "")][6:] == ["", ""]
    assert rows[("SUCCESSES", "")][6:] == [0, ""]


# ---------------------------------------------------------------------------------------
# The export, as a commissioner downloads it


@pytest.fixture
def export(client_for, personas):
    def get(fmt: str, *, published: bool = False, who=None, period: str = "Q1"):
        query = {
            "measure_set": measure_set().pk,
            "financial_year": "2026",
            "period": period,
            "export": fmt,
        }
        if published:
            query["published"] = "1"
        client = client_for(who or personas.commissioner)
        with time_machine.travel(dt.datetime(2026, 11, 2, 10, tzinfo=LONDON), tick=False):
            return client.get("/commissioning/roll-up/", query)

    return get


def test_the_csv_export(small, export):
    response = export("csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="victim-services-2026-27-2026-Q1-internal.csv"'
    )
    lines = list(csv.reader(io.StringIO(body(response).decode())))
    assert lines[0] == [
        "measure_code",
        "measure",
        "category_code",
        "category",
        "kind",
        "how",
        "value",
    ]
    rows = table_rows(lines)
    assert rows[("REF", "police")][6] == "1"
    assert rows[("SUPPORTED", "")][6] == "40"
    assert Decimal(rows[("SPEND", "")][6]) == Decimal(3)
    assert rows[("OUT_SAFER", "")][6] == "2.0"


def test_the_published_csv_export(small, export):
    response = export("csv", published=True)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="victim-services-2026-27-2026-Q1-published.csv"'
    )
    lines = list(csv.reader(io.StringIO(body(response).decode())))
    assert lines[0][-1] == "suppressed"
    rows = table_rows([line for line in lines if len(line) == 8])
    assert rows[("REF", "police")][6:] == ["<5", "yes"]
    assert rows[("REF", "health")][6:] == ["5", ""]
    assert rows[("SUPPORTED", "")][6:] == ["40", ""]
    assert ["Counts from 1 to 4 are shown as <5 to protect victims' privacy."] in lines
    assert lines[-1] == [
        "Contracts with no accepted return for 2026/27 Q1 (1 April 2026 to 30 June 2026): none."
    ]


def test_the_xlsx_export(small, export):
    response = export("xlsx", published=True, period="H1")
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="victim-services-2026-27-2026-H1-published.xlsx"'
    )
    book = load_workbook(io.BytesIO(body(response)))
    sheet = book.active
    assert sheet.title == "H1 2026-27"
    lines = [list(line) for line in sheet.iter_rows(values_only=True)]
    assert lines[1][-1] == "suppressed"
    rows = table_rows([line for line in lines[1:] if len(line) == 8 and line[0]])
    assert rows[("REF", "police")][6:] == ["<5", "yes"]
    assert rows[("REF", "health")][6] == 5
    assert rows[("SUPPORTED", "")][6] == 40
    assert float(rows[("SPEND", "")][6]) == 3.0
    assert any(
        line[0] == "Counts from 1 to 4 are shown as <5 to protect victims' privacy."
        for line in lines
    )


def test_the_internal_xlsx_export(small, export):
    response = export("xlsx")
    book = load_workbook(io.BytesIO(body(response)))
    lines = [list(line) for line in book.active.iter_rows(values_only=True)]
    rows = table_rows(lines[1:])
    assert rows[("REF", "police")][6] == 1
    assert len(lines) == 2 + len(small.rows)  # the title row, the header, the figures


def test_the_xlsx_export_has_a_title_a_frozen_header_and_formatted_numbers(small, export):
    response = export("xlsx")
    sheet = load_workbook(io.BytesIO(body(response))).active
    assert sheet["A1"].value == (
        "Roll-up for the MoJ (full figures, internal use only): Victim services 2026/27, "
        "2026/27 Q1 (1 April 2026 to 30 June 2026). Generated 2 November 2026 at 10am."
    )
    assert sheet["A1"].font.bold
    assert [cell.value for cell in sheet[2]][:3] == ["measure_code", "measure", "category_code"]
    assert all(cell.font.bold for cell in sheet[2])
    assert sheet.freeze_panes == "A3"
    cells = {(row[0].value, row[2].value or ""): row[6] for row in sheet.iter_rows(min_row=3)}
    spend = cells[("SPEND", "")]
    assert spend.value == 3 and spend.number_format == "£#,##0.00"
    safer = cells[("OUT_SAFER", "")]
    assert safer.value == pytest.approx(0.02) and safer.number_format == "0.0%"
    supported = cells[("SUPPORTED", "")]
    assert supported.value == 40 and supported.number_format == "#,##0"
    assert sheet.column_dimensions["B"].width > 30  # measure names are readable
    assert sheet.column_dimensions["A"].width >= 12


def test_the_xlsx_export_lists_contracts_with_no_accepted_return(small, export, second):
    response = export("xlsx", period="H1")
    book = load_workbook(io.BytesIO(body(response)))
    assert book.sheetnames == ["H1 2026-27", "No accepted return"]
    sheet = book["No accepted return"]
    lines = [list(line) for line in sheet.iter_rows(values_only=True)]
    assert lines[0] == [
        "Contracts with no accepted return for 2026/27 H1 (1 April 2026 to 30 September "
        "2026). Generated 2 November 2026 at 10am.",
        None,
        None,
        None,
        None,
    ]
    assert lines[1] == ["contract", "provider", "service", "quarter", "status"]
    service = lines[2][2]
    assert lines[2:] == [
        ["VS-TEST-01", "Victim Care Provider", service, "2026/27 Q2", "Not started"],
        ["VS-TEST-02", "Other Victim Service", service, "2026/27 Q1", "Not started"],
        ["VS-TEST-02", "Other Victim Service", service, "2026/27 Q2", "Not started"],
    ]
    assert sheet.freeze_panes == "A3"


@pytest.mark.parametrize("who", ["provider", "officer"])
def test_only_commissioners_export(small, export, personas, who):
    assert export("csv", who=getattr(personas, who)).status_code == 403


def test_an_administrator_who_is_not_a_commissioner_cannot_export(small, export, personas):
    # Summed return figures are victim-service data: commissioners only (issue 17).
    assert export("csv", who=personas.administrator).status_code == 403


# ---------------------------------------------------------------------------------------
# Contracts with no accepted return for the period


def test_the_rollup_names_the_contracts_with_no_accepted_return(contract, personas, plan, second):
    c = personas.commissioner
    b_contract, b_member = second
    accept(file_return(contract, personas.provider, Q1, figures(40)), c)
    file_return(b_contract, b_member, Q1, figures(30))  # submitted, awaiting review
    quiet = make_contract(
        provider=personas.provider_org, commissioner=c, plan=plan, reference="VS-TEST-03"
    )  # live, but no return opened yet
    make_contract(  # never activated: it owes nothing
        provider=personas.provider_org,
        commissioner=c,
        plan=plan,
        reference="VS-TEST-04",
        active=False,
    )
    make_contract(  # starts after the quarter
        provider=personas.provider_org,
        commissioner=c,
        plan=plan,
        reference="VS-TEST-05",
        start=dt.date(2026, 7, 1),
    )
    result = rollup()
    assert (result.returns, result.contracts) == (1, 1)
    assert [(m.contract.reference, m.quarter, m.status) for m in result.missing] == [
        ("VS-TEST-02", Q1, "Submitted"),
        (quiet.reference, Q1, "Not started"),
    ]
    assert result.missing_contracts == 2
    assert [m.contract.provider.name for m in result.missing] == [
        "Other Victim Service",
        "Victim Care Provider",
    ]
    h1 = rollup("H1")
    assert [(m.contract.reference, m.quarter.number) for m in h1.missing] == [
        ("VS-TEST-01", 2),
        ("VS-TEST-02", 1),
        ("VS-TEST-02", 2),
        ("VS-TEST-03", 1),
        ("VS-TEST-03", 2),
        ("VS-TEST-05", 2),
    ]
    assert h1.missing_contracts == 4


def test_a_correction_under_way_still_counts_as_accepted(contract, personas):
    first = accept(file_return(contract, personas.provider, Q1, figures(40)), personas.commissioner)
    return_correct(monitoring_return=first, actor=personas.provider, reason="Double-counted.")
    assert rollup().missing == []


def test_the_rollup_page_lists_the_contracts_with_no_accepted_return(
    contract, personas, second, client_for
):
    b_contract, b_member = second
    file_return(b_contract, b_member, Q1, figures(30), submit=False)
    client = client_for(personas.commissioner)
    query = {"measure_set": measure_set().pk, "financial_year": "2026", "period": "Q1"}
    page = client.get("/commissioning/roll-up/", query).content.decode()
    assert "0 accepted returns from 0 contracts." in page
    assert "2 contracts with no accepted return" in page
    table = page[page.index('id="missing-returns"') :]
    table = table[: table.index("</table>")]
    assert "VS-TEST-01" in table and "Victim Care Provider" in table
    assert "VS-TEST-02" in table and "Other Victim Service" in table
    assert "Draft" in table and "Not started" in table
    assert "2026/27 Q1" in table


def test_the_rollup_page_says_when_every_contract_has_returned(small, personas, client_for):
    client = client_for(personas.commissioner)
    query = {"measure_set": measure_set().pk, "financial_year": "2026", "period": "Q1"}
    page = client.get("/commissioning/roll-up/", query).content.decode()
    assert "1 accepted return from 1 contract." in page
    assert "Every contract that ran in the period has an accepted return." in page


def test_the_csv_export_lists_contracts_with_no_accepted_return(small, export, second):
    lines = list(csv.reader(io.StringIO(body(export("csv")).decode())))
    at = lines.index(
        ["Contracts with no accepted return for 2026/27 Q1 (1 April 2026 to 30 June 2026)"]
    )
    assert lines[at + 1] == ["contract", "provider", "service", "quarter", "status"]
    assert lines[at + 2][:2] == ["VS-TEST-02", "Other Victim Service"]
    assert lines[at + 2][3:] == ["2026/27 Q1", "Not started"]
    assert len(lines) == at + 3


FORMULA = '=HYPERLINK("http://evil","Click")'


def test_every_export_guards_text_a_spreadsheet_would_run(small, export, second):
    contract, _ = second
    contract.provider.name = FORMULA
    contract.provider.save()
    guarded = f"'{FORMULA}"
    for published in (False, True):
        lines = list(csv.reader(io.StringIO(body(export("csv", published=published)).decode())))
        assert [line[1] for line in lines if line[:1] == ["VS-TEST-02"]] == [guarded]
        assert not any(cell.startswith("=") for line in lines for cell in line)
        book = load_workbook(io.BytesIO(body(export("xlsx", published=published))))
        cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
        assert not any(cell.data_type == "f" for cell in cells)
        assert guarded in [cell.value for cell in cells]


# ---------------------------------------------------------------------------------------
# The page and the exports follow the one rule: raise its threshold and a count of 5
# (referrals from health in `small`) is hidden everywhere figures are published.


@pytest.fixture
def stricter(monkeypatch):
    monkeypatch.setattr(suppression, "SMALLEST_PUBLISHED", 6)


def test_the_rollup_page_marks_the_figures_publication_hides(small, personas, client_for):
    client = client_for(personas.commissioner)
    query = {"measure_set": measure_set().pk, "financial_year": "2026", "period": "Q1"}
    page = client.get("/commissioning/roll-up/", query).content.decode()
    text = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))
    # The commissioner still sees the true figure, marked as hidden when published.
    assert text.count("shown as <5 when published") == 2
    assert "Police total 1 shown as <5 when published" in text
    assert "Self-referral total 4 shown as <5 when published" in text
    assert "Health services total 5 shown" not in text


def test_the_rollup_page_follows_the_rule(small, personas, client_for, stricter):
    client = client_for(personas.commissioner)
    query = {"measure_set": measure_set().pk, "financial_year": "2026", "period": "Q1"}
    page = client.get("/commissioning/roll-up/", query).content.decode()
    assert page.count("shown as &lt;6 when published") == 3


def test_the_published_csv_follows_the_rule(small, export, stricter):
    lines = list(csv.reader(io.StringIO(body(export("csv", published=True)).decode())))
    rows = {(line[0], line[2]): line for line in lines[1:] if len(line) == 8}
    assert rows[("REF", "health")][6:] == ["<6", "yes"]
    assert rows[("REF", "police")][6:] == ["<6", "yes"]
    assert rows[("REF", "")][6:] == ["10", ""]
    assert ["Counts from 1 to 5 are shown as <6 to protect victims' privacy."] in lines


def test_the_published_xlsx_follows_the_rule(small, export, stricter):
    book = load_workbook(io.BytesIO(body(export("xlsx", published=True))))
    lines = [list(line) for line in book.active.iter_rows(values_only=True)]
    rows = {(line[0], line[2] or ""): line for line in lines[2:] if len(line) == 8 and line[0]}
    assert rows[("REF", "health")][6:] == ["<6", "yes"]
    assert rows[("REF", "")][6] == 10
    assert ["Counts from 1 to 5 are shown as <6 to protect victims' privacy."] in [
        line[:1] for line in lines
    ]


def test_the_internal_exports_hide_nothing_whatever_the_rule(small, export, stricter):
    lines = list(csv.reader(io.StringIO(body(export("csv")).decode())))
    rows = {(line[0], line[2]): line for line in lines[1:] if len(line) == 7}
    assert rows[("REF", "health")][6] == "5"
    assert rows[("REF", "police")][6] == "1"


def test_the_exports_are_the_bytes_they_were_before_they_streamed(small, export, second):
    from tests.downloads import assert_golden, body, xlsx_text

    assert_golden("rollup-internal.csv", body(export("csv")))
    assert_golden("rollup-published-h1.csv", body(export("csv", published=True, period="H1")))
    assert_golden(
        "rollup-internal-h1.xlsx.txt", xlsx_text(body(export("xlsx", period="H1"))).encode()
    )
