import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def _serious_violations(page):
    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_a_visitor_reads_the_plan_on_an_accessible_page(page, live_server, plan):
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "en-GB")
    page.get_by_role("link", name="The plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(plan.title)
    expect(page.locator("section.app-card")).to_have_count(4)
    assert _serious_violations(page) == []


def test_a_new_user_registers_and_sets_up_their_organisation(page, live_server, plan, mailoutbox):
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Create an account").click()
    page.get_by_label("Email").fill("new.group@example.org")
    page.get_by_label("Password", exact=True).fill("a long enough passphrase")
    page.get_by_label("Confirm password").fill("a long enough passphrase")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check your email")

    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mailoutbox[-1].body).group(0)
    page.goto(live_server.url + link[link.index("/accounts/") :])
    page.get_by_role("button", name="Confirm").click()

    page.goto(live_server.url + "/organisation/")
    page.get_by_role("button", name="Set up your organisation").click()
    page.get_by_label("Organisation name").fill("Harehills Youth Forum")
    page.get_by_label("Constituted community group").check()
    page.get_by_label("Address line 1").fill("20 Roundhay Road")
    page.get_by_label("Town or city").fill("Leeds")
    page.get_by_label("Postcode").fill("ls8 5ax")
    page.get_by_label("Main district you work in").select_option(label="Leeds")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Harehills Youth Forum")
    expect(page.get_by_text("LS8 5AX")).to_be_visible()
    assert _serious_violations(page) == []
