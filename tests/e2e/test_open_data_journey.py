"""Open data: a group sees at acceptance what will be published about its grant and writes
its public summary; an officer withholds where the grant works and publishes a new file;
the public pages show the rest, and never the withheld location. axe checks every page."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import District
from grants.models import Application, Award
from tests.factories import PDF, AwardFactory, OrganisationFactory, RoundFactory
from tests.opendata.conftest import accepted_award

pytestmark = pytest.mark.e2e


@pytest.fixture
def refuge_award(plan, personas) -> Award:
    """An offer to org A for a project in Calderdale (a refuge for women)."""
    today = timezone.localdate()
    award = AwardFactory(
        application__organisation=personas.org_a,
        application__status=Application.Status.OFFERED,
        application__across_west_yorkshire=False,
        application__project_title="Safe Spaces Halifax",
        application__summary="A refuge in Halifax for women escaping abuse.",
        planned_start=today + dt.timedelta(days=30),
        planned_end=today + dt.timedelta(days=330),
        instalments=[(today + dt.timedelta(days=30), "6000", None)],
    )
    award.application.districts.set(District.objects.filter(name="Calderdale"))
    return award


@pytest.fixture
def other_grant(plan, personas) -> Award:
    group = OrganisationFactory(name="Leeds Boxing Club")
    return accepted_award(
        organisation=group,
        round=RoundFactory(number=321),
        title="Boxing in Leeds",
        summary="Evening boxing sessions for young people in Leeds.",
        districts=("Leeds",),
    )


def _sign_out(page):
    page.get_by_role("link", name="Sign out").click()
    page.get_by_role("button", name="Sign out").click()


def test_a_withheld_location_is_published_nowhere_and_the_rest_is(
    page, live_server, signed_in_page, personas, refuge_award, other_grant, tmp_path
):
    base = live_server.url
    application = refuge_award.application
    statement = tmp_path / "bank-statement.pdf"
    statement.write_bytes(PDF)

    # 1. The group sees, before accepting, exactly what will be published.
    signed_in_page(personas.applicant_a)
    page.goto(f"{base}/applications/{application.uuid}/grant/accept/")
    expect(
        page.get_by_role("heading", level=2, name="What we publish about your grant")
    ).to_be_visible()
    preview = page.locator("#publication-preview")
    expect(preview).to_contain_text(f"360G-wypcc-{refuge_award.reference}")
    expect(preview).to_contain_text("Safe Spaces Halifax")
    expect(page.locator("#publication-location")).to_contain_text("Calderdale (E08000033)")
    page.get_by_label("Project title to publish").fill("Safe spaces for women")
    page.get_by_label("Project summary to publish").fill(
        "Support and a safe place to stay for women and children escaping domestic abuse."
    )
    page.get_by_role("button", name="Update the preview").click()
    expect(preview).to_contain_text("Safe spaces for women")
    expect(preview).not_to_contain_text("Safe Spaces Halifax")
    # Contact details are refused, naming the field.
    page.get_by_label("Project summary to publish").fill("Call Jo on 07700 900123 for a place.")
    for label, value in {
        "Full name": "Alice Example",
        "Position in the group": "Chair",
        "Address for remittance advice": "1 Street\nLeeds LS1 1AA",
        "Email for remittance advice": "treasurer@example.org",
        "Sort code": "30-94-57",
        "Account number": "00733445",
    }.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Bank evidence").set_input_files(str(statement))
    page.get_by_label(re.compile("^I confirm that I am authorised")).check()
    page.get_by_role("button", name="Accept the grant").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Remove a phone number from the project summary to publish")
    page.get_by_label("Project summary to publish").fill(
        "Support and a safe place to stay for women and children escaping domestic abuse."
    )
    page.get_by_label("Bank evidence").set_input_files(str(statement))
    page.get_by_role("button", name="Accept the grant").click()
    expect(page.get_by_text("Grant accepted.")).to_be_visible()
    _sign_out(page)

    # 2. An officer withholds where it works (a refuge), then publishes a new file.
    signed_in_page(personas.officer)
    page.goto(f"{base}/awards/{refuge_award.uuid}/")
    page.get_by_role("link", name="Open data: what is published about this grant").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open data for this grant")
    expect(page.locator("#publication-location")).to_contain_text("Calderdale")
    page.get_by_role("button", name="Withhold where it works").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Give the reason")
    page.locator("#id_withhold-location-reason").fill("A refuge: its location is never published.")
    page.get_by_role("button", name="Withhold where it works").click()
    expect(page.get_by_text("Its location is withheld")).to_be_visible()
    expect(page.locator("#publication-location")).to_have_text(re.compile(r"^\s*Not published\s*$"))
    page.goto(f"{base}/staff/open-data/")
    page.get_by_role("button", name="Publish now").click()
    expect(page.get_by_text("Version 1 published, with 2 grants.")).to_be_visible()
    expect(page.locator("#withheld")).to_be_visible()
    _sign_out(page)

    # 3. Anyone: where the money goes, and the files, without the withheld location.
    page.goto(f"{base}/funded/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Where the money goes")
    grants = page.locator("#grant-list")
    expect(grants).to_contain_text("Safe spaces for women")
    expect(grants).to_contain_text("Location not published")
    expect(grants).to_contain_text("Boxing in Leeds")
    expect(grants).not_to_contain_text("Calderdale")
    districts = page.locator("#by-district")
    expect(districts.get_by_role("row", name=re.compile("^Leeds"))).to_contain_text("£6,000.00")
    expect(districts.get_by_role("row", name=re.compile("^Location not published"))).to_be_visible()
    expect(districts.get_by_role("row", name=re.compile("^TOTAL"))).to_contain_text("£12,000.00")
    page.get_by_label("District").select_option("Leeds")
    page.get_by_role("button", name="Show these grants").click()
    expect(grants).to_contain_text("Boxing in Leeds")
    expect(grants).not_to_contain_text("Safe spaces for women")

    page.goto(f"{base}/open-data/")
    expect(page.locator("#latest-version")).to_contain_text("Open Government Licence v3.0")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("^grants.json")).click()
    package = json.loads(open(download_info.value.path(), encoding="utf-8").read())  # noqa: SIM115
    refuge = next(g for g in package["grants"] if g["title"] == "Safe spaces for women")
    assert "beneficiaryLocation" not in refuge
    text = json.dumps(package)
    assert "Calderdale" not in text and "E08000033" not in text and "Halifax" not in text
    assert "07700" not in text and "treasurer@example.org" not in text

    # 4. At 320 pixels wide the public pages reflow: their tables stack.
    page.set_viewport_size({"width": 320, "height": 640})
    for path in ("/funded/", "/open-data/"):
        page.goto(f"{base}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{path} scrolls sideways at 320px ({width}px)"
