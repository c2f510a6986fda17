"""Indicator readings in the browser: the performance lead opens the indicators from the
staff home, uploads a CSV with one error (nothing saved), fixes it and sees what each line
saved, reads the trend and the district table, and corrects a reading on the form after
one mistake. Every page is checked by axe as it loads (tests/e2e/conftest.py)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from outcomes.models import IndicatorReading
from outcomes.readings_csv import COLUMNS

pytestmark = pytest.mark.e2e

LINES = [
    "P1-I2,all-victims,West Yorkshire,2020/21,77.7%,,,,PMR July 2022",
    "P1-I2,all-victims,West Yorkshire,2021/22,72.6%,,,Fell since lockdown,PMR July 2022",
    "P1-I2,all-victims,Leeds,2020/21,81.3,,,,",
    "P1-I2,all-victims,Leeds,2021/22,77.4,,,,",
]


def _file(tmp_path, name: str, lines: list[str]):
    path = tmp_path / name
    path.write_text("\n".join([",".join(COLUMNS), *lines]) + "\n")
    return path


def test_the_performance_lead_uploads_readings_fixes_one_error_and_reads_the_trend(
    page, live_server, signed_in_page, personas, plan, tmp_path
):
    sign_in = signed_in_page
    sign_in(personas.performance_lead)
    page.goto(f"{live_server.url}/staff/")
    page.get_by_role("link", name="Indicator readings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Indicator readings")

    page.get_by_role("link", name="Upload readings").click()
    broken = [*LINES[:3], LINES[3].replace("77.4", "77.4.1")]
    page.get_by_label("CSV file of readings").set_input_files(_file(tmp_path, "july.csv", broken))
    page.get_by_role("button", name="Upload and save").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The file was not uploaded: nothing has been saved")
    expect(summary).to_contain_text("Line 5, column E (value): Enter a number")
    assert not IndicatorReading.objects.exists()

    page.get_by_label("CSV file of readings").set_input_files(_file(tmp_path, "july.csv", LINES))
    page.get_by_role("button", name="Upload and save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Readings saved from “july.csv”")
    expect(page.get_by_test_id("summary")).to_contain_text("4 added, 0 changed, 0 unchanged")

    page.get_by_role("link", name="See the indicators with these readings").click()
    row = page.locator('tr[data-indicator="P1-I2"][data-measure="all-victims"]')
    expect(row.locator('[data-column="change"]')).to_have_text("-5.1 percentage points")
    expect(row.locator('[data-column="trend"]')).to_contain_text("Worsening")

    row.get_by_role("link", name="Increase victim satisfaction with the police").click()
    districts = page.get_by_test_id("district-table")
    expect(districts.locator('tr[data-area="Leeds"]')).to_contain_text("-3.9 percentage points")

    page.get_by_role("link", name="Change West Yorkshire 2021/22").click()
    page.get_by_label("Value").fill("172.6")
    page.get_by_role("button", name="Save the change").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "A percentage is from 0 to 100, like 72.6"
    )
    expect(page.get_by_label("Comment (optional)")).to_have_value("Fell since lockdown")
    page.get_by_label("Value").fill("72.7")
    page.get_by_role("button", name="Save the change").click()
    expect(page.get_by_text("Reading changed.")).to_be_visible()
    expect(page.get_by_test_id("latest")).to_contain_text("72.7%")
