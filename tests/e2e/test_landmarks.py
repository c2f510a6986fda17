"""axe's `region` rule passes: the phase banner and back links sit inside landmarks."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from tests.factories import MembershipFactory

pytestmark = pytest.mark.e2e


def _region_violations(page) -> list[str]:
    results = Axe().run(page, options={"runOnly": {"type": "rule", "values": ["region"]}})
    return [
        node["target"][0]
        for violation in results.response["violations"]
        for node in violation["nodes"]
    ]


def test_public_pages_keep_all_content_in_landmarks(page, live_server, db):
    for path in ("/", "/accounts/login/", "/privacy/", "/terms/"):
        page.goto(live_server.url + path)
        assert _region_violations(page) == [], path


def test_a_page_with_a_back_link_keeps_it_in_a_landmark(page, live_server, signed_in_page, db):
    membership = MembershipFactory()
    signed_in_page(membership.user)
    url = reverse("accounts:organisation-edit", args=[membership.organisation.uuid])
    page.goto(live_server.url + url)
    assert page.locator("nav[aria-label=Back] .govuk-back-link").count() == 1
    assert _region_violations(page) == []
