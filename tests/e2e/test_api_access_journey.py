"""A group's member makes an API token on an accessible page, copies its key (shown once),
and revokes it. axe checks every page as it loads (tests/e2e/conftest.py)."""

import pytest
from playwright.sync_api import expect

from accounts.models import ApiToken

pytestmark = pytest.mark.e2e


def test_a_member_makes_and_revokes_a_token(signed_in_page, live_server, personas):
    page = signed_in_page(personas.applicant_a)
    page.goto(f"{live_server.url}/api-access/")
    expect(page.get_by_role("heading", level=1)).to_have_text("API access")
    page.get_by_role("button", name="Make the token").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a name for the token")
    page.get_by_label("Name").fill("Case system returns")
    page.get_by_label("Read everything you can see").check()
    page.get_by_role("button", name="Make the token").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your new API token")
    key = page.get_by_label("Key for “Case system returns”").input_value()
    assert key.startswith("scg_")
    page.get_by_role("link", name="Back to API access").click()
    expect(page.locator("main")).not_to_contain_text(key)
    page.get_by_role("button", name="Revoke Case system returns").click()
    expect(page.locator("main")).to_contain_text("Revoked")
    assert ApiToken.objects.get().status == ApiToken.Status.REVOKED
