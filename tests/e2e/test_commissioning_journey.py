"""Commissioning acceptance: the commissioner creates a contract with targets; the provider
fills the Q1 return, fails validation once (a breakdown not adding up), fixes it and submits;
the commissioner asks for a change; the provider resubmits; the commissioner accepts it rated
amber; the roll-up export for the MoJ holds the figures."""

import csv
import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from commissioning.models import Contract, MonitoringReturn, ReturnReview, Target
from commissioning.services.returns import returns_open_due
from commissioning.validation import field_name
from tests.commissioning.builders import complete_figures, measure_set

pytestmark = pytest.mark.e2e

LONDON = ZoneInfo("Europe/London")
# The day after Q1 2026/27 (April to June) ends: the daily task opens its return today.
DAY_AFTER_Q1 = dt.datetime(2026, 7, 1, 9, 0, tzinfo=LONDON)
REFERENCE = "VS-2026-ISVA-07"
SERVICE = "Independent Sexual Violence Advisers"
PERIOD = "2026/27 Q1"


def _sign_out(page):
    page.get_by_role("link", name="Sign out").click()
    page.get_by_role("button", name="Sign out").click()


def _box(page, code: str, category: str = ""):
    """A figure's input on the return form (ids are id_m-CODE and id_m-CODE-category)."""
    return page.locator(f'[id="id_{field_name(code, category)}"]')


def _fill_date(page, legend: str, day: int, month: int, year: int):
    group = page.get_by_role("group", name=re.compile(f"^{legend}"))
    group.get_by_label("Day").fill(str(day))
    group.get_by_label("Month").fill(str(month))
    group.get_by_label("Year").fill(str(year))


def _figures() -> dict[tuple[str, str], str]:
    """A complete, valid return with 40 victims supported, and a small count (3 self-
    referrals) that the published roll-up must hide as "<5"."""
    typed = complete_figures(40)
    assert typed[("REF", "")] == "20"
    typed.update(
        {("REF", "police"): "11", ("REF", "self"): "3", ("REF", "health"): "3"}
        | {("REF", "other_agency"): "3"}
    )
    return typed


def _read_csv(download, tmp_path) -> list[list[str]]:
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    with saved.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def _by_figure(rows: list[list[str]]) -> dict[tuple[str, str], str]:
    header = rows[0]
    code, category, value = (header.index(n) for n in ("measure_code", "category_code", "value"))
    return {(row[code], row[category]): row[value] for row in rows[1:] if len(row) > value}


def test_a_contract_is_set_up_and_its_q1_return_reviewed_accepted_and_rolled_up(
    page, live_server, signed_in_page, personas, plan, mailoutbox, tmp_path
):
    base = live_server.url
    sign_in = signed_in_page
    commissioner, provider = personas.commissioner, personas.provider
    priority = plan.priorities.order_by("position").first()
    the_set = measure_set()
    figures = _figures()

    with time_machine.travel(DAY_AFTER_Q1, tick=True):
        # 1. The commissioner adds the service, then the contract, from the staff home.
        sign_in(commissioner)
        expect(page).to_have_url(f"{base}/commissioning/")  # where a commissioner's work is
        page.get_by_role("link", name="Contracts", exact=True).first.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Contracts")
        page.get_by_role("link", name="Add a contract").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Add a contract")
        page.get_by_role("link", name="Add a service").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Add a service")
        page.get_by_label("Service name").fill(SERVICE)
        page.get_by_label("Category").select_option(
            label="ISVA (independent sexual violence adviser)"
        )
        page.get_by_label("Leeds").check()
        page.get_by_role("button", name="Save service").click()
        expect(page).to_have_url(f"{base}/commissioning/services/")
        expect(page.get_by_text("Service saved.")).to_be_visible()
        expect(
            page.locator("#services").get_by_role("row", name=re.compile(SERVICE))
        ).to_contain_text("Leeds")

        page.get_by_role("link", name="Contracts", exact=True).first.click()
        page.get_by_role("link", name="Add a contract").click()
        page.get_by_label("Contract reference").fill(REFERENCE)
        page.get_by_label("Provider", exact=True).select_option(label="Victim Care Provider")
        page.get_by_label("Service", exact=True).select_option(label=SERVICE)
        _fill_date(page, "Start date", 1, 4, 2026)
        _fill_date(page, "End date", 31, 3, 2028)
        page.get_by_label("Lead commissioner").select_option(
            label=f"{commissioner.get_full_name() or commissioner.email} ({commissioner.email})"
        )
        page.get_by_label("Measures the provider reports").select_option(label=the_set.name)
        page.get_by_label("Funding stream, line 1").select_option(label="MoJ victims grant")
        page.get_by_label("Financial year, line 1").select_option(label="2026/27")
        page.get_by_label("Amount in pounds, line 1").fill("120000")
        page.get_by_label(str(priority), exact=True).check()
        page.screenshot(path="/tmp/e2e-commissioning-contract-form.png")
        page.get_by_role("button", name="Save contract").click()
        expect(page).to_have_url(
            re.compile(rf"{re.escape(base)}/commissioning/contracts/[0-9a-f-]{{36}}/$")
        )
        expect(page.get_by_text("Contract created as a draft.")).to_be_visible()
        expect(page.locator("#contract-status")).to_have_text("Draft")
        contract_url = page.url

        page.get_by_role("button", name="Make active").click()
        expect(page).to_have_url(contract_url)
        expect(
            page.get_by_text(f"{REFERENCE} is active. A return opens for each quarter as it ends.")
        ).to_be_visible()
        expect(page.locator("#contract-status")).to_have_text("Active")
        expect(page.locator("#funding-2026")).to_contain_text("£120,000")

        # 2. Targets for 2026/27: 50 victims supported in Q1, 200 in the year.
        page.get_by_role("link", name="Set targets for 2026/27").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Targets for 2026/27")
        page.get_by_label("Victims supported, Q1", exact=True).fill("50")
        page.get_by_label("Victims supported, year", exact=True).fill("200")
        page.get_by_label("Cases closed, Q1", exact=True).fill("15")
        page.get_by_role("button", name="Save targets").click()
        expect(page.get_by_text("Targets for 2026/27 saved.")).to_be_visible()
        supported_targets = (
            page.locator("#targets-table")
            .get_by_role("row", name=re.compile("^Victims supported"))
            .first
        )
        expect(supported_targets).to_contain_text("50")
        expect(supported_targets).to_contain_text("200")
        _sign_out(page)

        contract = Contract.objects.get(reference=REFERENCE)
        assert contract.status == Contract.Status.ACTIVE
        assert contract.provider == personas.provider_org
        assert Target.objects.filter(contract=contract, financial_year=2026).count() == 3

        # 3. The daily task opens the Q1 return (the quarter ended yesterday).
        assert returns_open_due() == 1
        q1 = MonitoringReturn.objects.get(contract=contract, financial_year=2026, quarter=1)
        assert q1.status == MonitoringReturn.Status.NOT_STARTED
        assert q1.due_date == dt.date(2026, 7, 20)
        return_url = f"{base}/returns/{q1.uuid}/"

        # 4. The provider fills the return in; one breakdown does not add up.
        sign_in(provider)
        page.get_by_role("link", name="Your contracts").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Your contracts")
        card = page.locator("section.app-card").filter(has_text=REFERENCE)
        expect(card.get_by_role("row").filter(has_text=PERIOD)).to_contain_text("Not started")
        card.get_by_role("link", name=PERIOD).click()
        expect(page).to_have_url(return_url)
        expect(page.get_by_role("heading", level=1)).to_have_text(f"{PERIOD} return")
        expect(page.locator("#return-status")).to_have_text("Not started")
        typed = {**figures, ("SUPPORTED", "other"): "12"}  # crime types add up to 39, not 40
        for (code, category), value in typed.items():
            _box(page, code, category).fill(value)
        page.get_by_role("button", name="Submit return").click()
        summary = page.locator(".govuk-error-summary")
        expect(summary).to_be_visible()
        expect(summary).to_contain_text("There is a problem: nothing has been saved")
        expect(summary.get_by_role("link")).to_have_text(
            [
                "Victims supported: the crime type figures add up to 39 but the total is 40. "
                "Make the breakdown add up to the total."
            ]
        )
        expect(page).to_have_title(re.compile(f"^Error: {re.escape(PERIOD)} return"))
        # Nothing typed is lost: every box still holds what the provider typed.
        for (code, category), value in typed.items():
            expect(_box(page, code, category)).to_have_value(value)
        expect(_box(page, "SUPPORTED")).to_have_attribute(
            "aria-describedby", re.compile("id_m-SUPPORTED-error")
        )
        page.screenshot(path="/tmp/e2e-commissioning-return-error.png")
        assert not q1.values.exists()

        # The error links to the total; the provider fixes the breakdown and submits.
        summary.get_by_role("link").click()
        expect(_box(page, "SUPPORTED")).to_be_focused()
        supported = page.get_by_role("group", name="Victims supported", exact=True)
        supported.get_by_label("Other crime types").fill("13")
        page.get_by_role("button", name="Submit return").click()
        expect(page).to_have_url(f"{base}/your-contracts/")
        expect(
            page.get_by_text(f"{PERIOD} return submitted. Your commissioner will review it.")
        ).to_be_visible()
        expect(card.get_by_role("row").filter(has_text=PERIOD)).to_contain_text("Submitted")
        _sign_out(page)
        q1.refresh_from_db()
        assert q1.status == MonitoringReturn.Status.SUBMITTED
        assert q1.submitted_by == provider
        submitted = [m for m in mailoutbox if m.subject.startswith("Submitted for review")]
        assert [m.to for m in submitted] == [[commissioner.email]]

        # 5. The commissioner finds it waiting for review and asks for a change on one measure.
        sign_in(commissioner)
        expect(page).to_have_url(f"{base}/commissioning/")
        waiting = page.locator("#awaiting-review")
        expect(waiting.get_by_role("row", name=re.compile(REFERENCE))).to_contain_text("Submitted")
        waiting.get_by_role("link", name=f"{REFERENCE} {PERIOD}").click()
        expect(page).to_have_url(f"{return_url}review/")
        expect(page.locator("#return-status")).to_have_text("Submitted")
        row = page.locator("#row-SUPPORTED")
        expect(row).to_contain_text("40")
        expect(row).to_contain_text("Below target")
        cells = row.locator("td")
        expect(cells.nth(-3)).to_have_text("50")  # Q1 target
        expect(cells.nth(-2)).to_have_text("200")  # year target
        expect(page.locator('[id="row-SUPPORTED-other"]')).to_contain_text("13")
        expect(page.locator("#text-CASE_STUDY")).to_contain_text("Case study: some words.")
        page.get_by_text("Comment on particular measures").click()
        page.get_by_label("Cases closed", exact=True).fill(
            "20 closed looks high for 40 supported: please check the figure."
        )
        page.get_by_label("Overall comment").fill("Nearly there: one figure to check.")
        page.screenshot(path="/tmp/e2e-commissioning-review.png")
        page.get_by_role("button", name="Ask for changes").click()
        expect(page).to_have_url(f"{return_url}review/")
        expect(page.get_by_text("Changes requested. The provider has been told.")).to_be_visible()
        expect(page.locator("#return-status")).to_have_text("Changes requested")
        expect(page.locator("#reviews")).to_contain_text("Nearly there: one figure to check.")
        expect(page.get_by_role("button", name="Accept return")).to_have_count(0)
        _sign_out(page)
        changes = [m for m in mailoutbox if m.subject.startswith("Changes needed")]
        assert [m.to for m in changes] == [[provider.email]]
        assert changes[0].subject == f"Changes needed to your {PERIOD} return for {REFERENCE}"

        # 6. The provider sees the request beside the measure, corrects it and resubmits.
        sign_in(provider)
        page.get_by_role("link", name="Your contracts").click()
        expect(card.get_by_role("row").filter(has_text=PERIOD)).to_contain_text("Changes requested")
        card.get_by_role("link", name=PERIOD).click()
        banner = page.locator("#changes-requested")
        expect(banner).to_contain_text("Changes requested")
        expect(banner).to_contain_text("Nearly there: one figure to check.")
        expect(banner).to_contain_text(
            "Cases closed: 20 closed looks high for 40 supported: please check the figure."
        )
        expect(page.locator("#comment-CLOSED")).to_contain_text("20 closed looks high")
        banner.scroll_into_view_if_needed()
        page.screenshot(path="/tmp/e2e-commissioning-changes-requested.png")
        expect(_box(page, "CLOSED")).to_have_value("20")
        expect(_box(page, "SUPPORTED", "other")).to_have_value("13")
        _box(page, "CLOSED").fill("12")
        page.get_by_role("button", name="Submit return").click()
        expect(
            page.get_by_text(f"{PERIOD} return submitted. Your commissioner will review it.")
        ).to_be_visible()
        _sign_out(page)

        # 7. The commissioner accepts it, rated amber: first without saying why.
        sign_in(commissioner)
        page.goto(f"{base}/commissioning/")
        page.locator("#awaiting-review").get_by_role("link", name=f"{REFERENCE} {PERIOD}").click()
        expect(page.locator("#row-CLOSED")).to_contain_text("12")
        page.get_by_label("Amber").check()
        page.get_by_role("button", name="Accept return").click()
        summary = page.locator(".govuk-error-summary")
        expect(summary.get_by_role("link")).to_have_text(["Say why the return is rated amber."])
        expect(page).to_have_title(
            re.compile(rf"^Error: (Error: )?Review {re.escape(PERIOD)} return for {REFERENCE}")
        )
        expect(page.get_by_label("Amber")).to_be_checked()
        page.get_by_label("Overall comment").fill("Below the Q1 target of 50 victims supported.")
        page.get_by_role("button", name="Accept return").click()
        expect(page.get_by_text("Return accepted and rated amber.")).to_be_visible()
        expect(page.locator("#return-status")).to_have_text("Accepted")
        expect(page.locator("#return-rating")).to_have_text("Amber")
        expect(page.get_by_text("This return is accepted and locked.")).to_be_visible()
        accepted = [m for m in mailoutbox if m.subject.startswith("Accepted:")]
        assert [m.to for m in accepted] == [[provider.email]]

        # 8. The roll-up for the MoJ holds the accepted figures.
        page.get_by_role("link", name="Staff home").click()
        page.get_by_role("link", name="Commissioned services").click()
        page.get_by_role("link", name="Roll-up for the MoJ").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Roll-up for the MoJ")
        page.get_by_label("Measure set").select_option(label=the_set.name)
        page.get_by_label("Financial year").select_option(label="2026/27")
        page.get_by_label("Period").select_option(label="Q1 (April to June)")
        page.get_by_role("button", name="Show").click()
        expect(page.locator("#rollup-count")).to_have_text("1 accepted return from 1 contract.")
        expect(page.locator("#missing-returns")).to_have_text(
            "Every contract that ran in the period has an accepted return."
        )
        rollup_supported = page.locator("#rollup").get_by_role(
            "row", name=re.compile("^Victims supported SUPPORTED")
        )
        expect(rollup_supported).to_contain_text("40")
        page.screenshot(path="/tmp/e2e-commissioning-rollup.png")
        with page.expect_download() as download_info:
            page.locator("#download-csv").click()
        download = download_info.value
        assert download.suggested_filename == f"{the_set.code}-2026-Q1-internal.csv"
        full = _by_figure(_read_csv(download, tmp_path))
        with page.expect_download() as published_info:
            page.locator("#download-published-csv").click()
        published_rows = _read_csv(published_info.value, tmp_path)
        published = _by_figure(published_rows)

    # The internal file holds the figures as accepted (CLOSED as corrected).
    assert full[("SUPPORTED", "")] == "40"
    assert full[("SUPPORTED", "domestic_abuse")] == "14"
    assert full[("SUPPORTED", "other")] == "13"
    assert full[("CLOSED", "")] == "12"
    assert full[("REF", "self")] == "3"
    assert Decimal(full[("SPEND", "")]) == Decimal("25000")  # SQLite's sum drops the pence
    assert Decimal(full[("OUT_HEALTH", "")]) == Decimal("80")
    # The published file hides the small count and marks it.
    assert published[("REF", "self")] == "<5"
    assert published[("REF", "police")] == "11"
    assert published[("SUPPORTED", "")] == "40"
    assert ["Counts from 1 to 4 are shown as <5 to protect victims' privacy."] in published_rows
    # Every contract that ran in Q1 has an accepted return: the files say so at the end.
    assert published_rows[-1] == [
        "Contracts with no accepted return for 2026/27 Q1 (1 April 2026 to 30 June 2026): none."
    ]

    q1.refresh_from_db()
    assert q1.status == MonitoringReturn.Status.ACCEPTED
    assert q1.rating == "amber"
    assert q1.reviewed_by == commissioner
    assert list(q1.reviews.order_by("reviewed_at").values_list("outcome", flat=True)) == [
        ReturnReview.Outcome.CHANGES_REQUESTED,
        ReturnReview.Outcome.ACCEPTED,
    ]
    first_review = q1.reviews.get(outcome=ReturnReview.Outcome.CHANGES_REQUESTED)
    assert [(c.measure.code, c.comment) for c in first_review.comments.all()] == [
        ("CLOSED", "20 closed looks high for 40 supported: please check the figure.")
    ]
