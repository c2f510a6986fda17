"""Plan delivery in the browser: the performance lead signs in and lands on the dashboard,
sees the gaps first (an outcome with nothing funded, a district that bid and got nothing),
filters by district, follows a figure to the awards behind it and opens one award's
summary, then downloads the district table. axe checks every page on the way."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import District
from commissioning.quarters import financial_year_of
from tests.factories import ApplicationFactory, AwardFactory, OrganisationFactory, RoundFactory

pytestmark = pytest.mark.e2e

LONDON = ZoneInfo("Europe/London")


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
