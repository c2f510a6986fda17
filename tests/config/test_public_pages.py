"""The footer, the phase banner and the public pages every service needs."""

import html
import re

import pytest
from django.conf import settings as django_settings
from django.contrib.staticfiles import finders


def _page(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_the_footer_links_the_public_pages_not_raw_json(client, db):
    page = _page(client.get("/"))
    footer = page[page.index("<footer") :]
    assert "Service status" not in footer
    assert "/healthz" not in footer
    assert 'href="/privacy/">Privacy notice</a>' in footer
    assert 'href="/accessibility/">Accessibility statement</a>' in footer
    assert 'href="/terms/">Grant terms and conditions</a>' in footer


def test_the_footer_gives_contact_details_from_settings(client, db, settings):
    settings.CONTACT_EMAIL = "help@grants.example"
    settings.CONTACT_PHONE = "0113 000 1234"
    page = _page(client.get("/"))
    footer = page[page.index("<footer") :]
    assert 'href="mailto:help@grants.example"' in footer
    assert "0113 000 1234" in footer


@pytest.mark.parametrize(
    ("url", "heading", "says"),
    [
        ("/privacy/", "Privacy notice", ["What we hold", "Why we hold it", "How long we keep it"]),
        ("/accessibility/", "Accessibility statement", ["If you need help or another format"]),
        ("/terms/", "Grant terms and conditions", ["What we do not fund", "pay back money"]),
    ],
)
def test_each_public_page_says_what_it_should_and_who_to_contact(
    client, db, settings, url, heading, says
):
    settings.CONTACT_EMAIL = "help@grants.example"
    page = _page(client.get(url))
    assert re.search(rf"<h1[^>]*>{heading}</h1>", page)
    for words in says:
        assert words in page
    main = page[page.index("<main") : page.index("</main>")]
    assert 'href="mailto:help@grants.example"' in main


def test_the_banner_asks_for_feedback_by_email_not_from_a_grants_officer(client, db, settings):
    settings.FEEDBACK_EMAIL = "feedback@grants.example"
    page = _page(client.get("/"))
    assert "Tell your grants officer" not in page
    assert 'href="mailto:feedback@grants.example?subject=Feedback%20on%20Safer%20Communities' in (
        page
    )


def test_every_page_names_a_favicon_that_is_served(client, db):
    page = _page(client.get("/"))
    assert 'rel="icon" href="/static/favicon.svg"' in page
    assert 'rel="icon" href="/static/favicon.png"' in page
    for name in ("favicon.svg", "favicon.png", "apple-touch-icon.png"):
        assert finders.find(name), name
    assert (django_settings.WHITENOISE_ROOT / "favicon.ico").read_bytes()[:4] == b"\0\0\1\0"
