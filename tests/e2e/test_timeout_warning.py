"""The GOV.UK timeout warning in a browser: it appears before the idle timeout, "Stay
signed in" keeps the session without reloading (typed text stays), Escape means stay."""

from __future__ import annotations

from playwright.sync_api import expect


def test_the_warning_lets_a_group_stay_signed_in_without_losing_typed_text(
    signed_in_page, live_server, personas, settings
):
    settings.IDLE_TIMEOUT_OTHERS = 124  # the warning opens 120 seconds before: after 4
    page = signed_in_page(personas.applicant_a)
    page.goto(f"{live_server.url}/organisation/{personas.org_a.uuid}/edit/")
    box = page.get_by_label("Organisation name")
    box.fill("Typed but not saved")
    dialog = page.get_by_role("dialog", name="about to be signed out")
    expect(dialog).to_be_visible(timeout=15_000)
    expect(page.get_by_role("button", name="Stay signed in")).to_be_focused()
    expect(dialog).to_contain_text("we will sign you out in 2 minutes")
    with page.expect_response("**/session/keep-alive/") as pinged:
        page.get_by_role("button", name="Stay signed in").click()
    assert pinged.value.status == 200
    expect(dialog).to_be_hidden()
    expect(box).to_have_value("Typed but not saved")
    # Escape is "stay signed in" too.
    expect(dialog).to_be_visible(timeout=15_000)
    with page.expect_response("**/session/keep-alive/"):
        page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(box).to_have_value("Typed but not saved")
