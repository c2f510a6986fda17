"""Plan delivery in the browser: the performance lead signs in and lands on the dashboard,
sees the gaps first (an outcome with nothing funded, a district that bid and got nothing),
filters by district, follows a figure to the awards behind it and opens one award's
summary, downloads the district table, uploads indicator readings (one error, then fixed),
then builds the Police and Crime Panel report, waits for it and downloads it. axe checks
every page on the way."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.models import District
from commissioning.quarters import financial_year_of
from outcomes.models import IndicatorReading
from outcomes.readings_csv import COLUMNS
from tests.factories import ApplicationFactory, AwardFactory, OrganisationFactory, RoundFactory

pytestmark = pytest.mark.e2e

LONDON = ZoneInfo("Europe/London")
READINGS = [
    "P1-I2,all-victims,West Yorkshire,2020/21,77.7%,,,,PMR July 2022",
    "P1-I2,all-victims,West Yorkshire,2021/22,72.6%,,,Fell since lockdown,PMR July 2022",
]


def _csv(tmp_path, lines: list[str]):
    path = tmp_path / "readings.csv"
    path.write_text("\n".join([",".join(COLUMNS), *lines]) + "\n")
    return path


def _award(round, plan, title, districts, amount, across=False):
    found = {d.name: d for d in District.objects.all()}
    year = financial_year_of(timezone.localdate())
    award = AwardFactory(
        application__round=round,
        application__project_title=title,
        application__organisation=OrganisationFactory(name=f"{title} Group"),
        application__across_west_yorkshire=across,
        application__amount_requested=Decimal(amount),
        application__primary_priority=plan.priorities.get(code="P3"),
        decided_at=dt.datetime(year, 5, 20, 12, tzinfo=LONDON),
    )
    award.application.districts.set([found[name] for name in districts])
    award.outcomes.set(plan.outcomes.filter(code="P3-O1"))
    return award


def test_the_performance_lead_finds_a_gap_filters_and_drills_down_to_an_award(
    signed_in_page, personas, plan, live_server, tmp_path
):
    round = RoundFactory(plan=plan, status="closed")
    _award(round, plan, "Bradford Boxing", ["Bradford"], "6000")
    _award(round, plan, "Leeds and Wakefield Mentors", ["Leeds", "Wakefield"], "4000")
    _award(round, plan, "West Yorkshire Helpline", [], "5000", across=True)
    # Kirklees bid, and got nothing.
    bid = ApplicationFactory(
        round=round,
        submitted=True,
        across_west_yorkshire=False,
        project_title="Huddersfield Nights",
        amount_requested=Decimal("3000"),
    )
    bid.districts.set(District.objects.filter(name="Kirklees"))

    page = signed_in_page(personas.performance_lead)
    expect(page).to_have_url(f"{live_server.url}/delivery/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Plan delivery")
    gaps = page.locator("#gap-outcomes")
    expect(gaps).to_contain_text("23 outcomes with no funded activity")
    expect(page.locator("#gap-districts")).to_contain_text("Kirklees")
    districts = page.locator("#districts")
    expect(districts.locator("#districts-multi-district")).to_contain_text("£4,000")
    expect(districts.locator("#districts-total")).to_contain_text("£15,000")

    page.get_by_text("How these figures are counted").click()
    expect(page.locator("#how-counted")).to_contain_text("counted once, as Multi-District")

    page.get_by_label("District", exact=True).select_option(label="Leeds")
    page.get_by_role("button", name="Show figures").click()
    expect(page.locator("#showing")).to_contain_text("District: Leeds")
    total = page.locator("#priorities-total")
    expect(total.locator('[data-figure="awarded"]')).to_contain_text("£4,000")

    total.locator('[data-figure="awards"] a').click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Grants awarded")
    expect(page.locator("#total-awarded")).to_have_text("£4,000")
    page.get_by_role("link", name="MSCF-R").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leeds and Wakefield Mentors")
    expect(page.locator("#award-summary")).to_contain_text("Multi-District (Leeds and Wakefield)")

    page.get_by_role("link", name="Plan delivery dashboard").click()
    with page.expect_download() as download:
        page.locator("#by-district ~ .app-downloads").first.get_by_role("link", name="CSV").click()
    path = tmp_path / "districts.csv"
    download.value.save_as(path)
    rows = list(csv.reader(path.open()))
    assert rows[1][:3] == ["District", "No of Projects", "Total Spend"]
    assert rows[-1][:3] == ["TOTAL", "3", "15000.00"]

    _upload_readings_with_one_error_then_fixed(page, live_server, tmp_path)
    _build_and_download_the_panel_report(page, live_server, tmp_path)


def _upload_readings_with_one_error_then_fixed(page, live_server, tmp_path) -> None:
    page.goto(f"{live_server.url}/staff/")
    page.get_by_role("link", name="Indicator readings").click()
    page.get_by_role("link", name="Upload readings").click()
    broken = [*READINGS[:1], READINGS[1].replace("72.6%", "72.6.1")]
    page.get_by_label("CSV file of readings").set_input_files(_csv(tmp_path, broken))
    page.get_by_role("button", name="Upload and save").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The file was not uploaded: nothing has been saved")
    expect(summary).to_contain_text("Line 3, column E (value): Enter a number")
    assert not IndicatorReading.objects.exists()
    page.get_by_label("CSV file of readings").set_input_files(_csv(tmp_path, READINGS))
    page.get_by_role("button", name="Upload and save").click()
    expect(page.get_by_test_id("summary")).to_contain_text("2 added, 0 changed, 0 unchanged")


def _build_and_download_the_panel_report(page, live_server, tmp_path) -> None:
    page.goto(f"{live_server.url}/delivery/")
    page.get_by_role("link", name="Police and Crime Panel report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Police and Crime Panel report")
    page.get_by_role("button", name="Build the report").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("version 1")
    # Built by the Celery task (eagerly here); the page refreshes itself until it is ready.
    expect(page.locator("#status")).to_contain_text("Ready", timeout=60_000)
    with page.expect_download() as download:
        page.locator("#download").click()
    path = tmp_path / "panel-report.pdf"
    download.value.save_as(path)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())
    assert "Across West Yorkshire 1 £5,000.00" in text
    assert "TOTAL 3 £15,000.00" in text
    assert "72.6%" in text and "↓ Worsening" in text
    page.get_by_role("link", name="Read the report as a web page").click()
    expect(page.locator("#panel-districts")).to_contain_text("£15,000.00")
