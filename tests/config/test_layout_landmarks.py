"""Everything on a page sits in a landmark (axe's `region` rule): banner, back link, main."""

import re

from django.urls import reverse

from tests.factories import MembershipFactory


def _between(page: str, start: str, end: str) -> str:
    return page[page.index(start) : page.index(end, page.index(start))]


def test_the_phase_banner_is_inside_the_header(client, db):
    page = client.get("/").content.decode()
    header = _between(page, "<header", "</header>")
    assert "govuk-phase-banner" in header
    assert page.count("govuk-phase-banner__content__tag") == 1


def test_a_back_link_sits_in_a_back_navigation_landmark(client, db):
    membership = MembershipFactory()
    client.force_login(membership.user)
    url = reverse("accounts:organisation-edit", args=[membership.organisation.uuid])
    page = client.get(url).content.decode()
    assert re.search(r'<nav aria-label="Back"><a href="[^"]+" class="govuk-back-link">', page)


def test_a_page_without_a_back_link_has_no_empty_back_landmark(client, db):
    page = client.get("/").content.decode()
    assert 'aria-label="Back"' not in page
