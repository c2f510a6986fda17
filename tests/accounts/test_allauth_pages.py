"""Every account page speaks in the service's voice: sentence case, plain words, a contact."""

import html
import re

import pytest
from django.core import mail

from tests.factories import PASSWORD, UserFactory

ALLAUTH_WORDING = [
    "Verify Your Email Address",
    "finalize",
    "Remember Me",
    "Sign Out",
    "Please contact us",
    "Password Reset",
    "Change Password",
    "Bad Token",
    "Email Addresses",
    "Confirm Email Address",
    "E-mail",
    "Make Primary",
    "Two-Factor Authentication",
    "Authenticator App",
    "Recovery Codes",
]

ANONYMOUS_PAGES = [
    ("/accounts/login/", "Sign in"),
    ("/accounts/signup/", "Create an account"),
    ("/accounts/password/reset/", "Reset your password"),
    ("/accounts/password/reset/done/", "Check your email"),
    ("/accounts/password/reset/key/1-set-password/", "This link has expired"),
    ("/accounts/password/reset/key/done/", "Your password has been changed"),
    ("/accounts/confirm-email/", "Check your email"),
    ("/accounts/confirm-email/not-a-key/", "Confirm your email address"),
]

SIGNED_IN_PAGES = [
    ("/accounts/logout/", "Sign out"),
    ("/accounts/email/", "Your email addresses"),
    ("/accounts/password/change/", "Change your password"),
    ("/accounts/reauthenticate/", "Enter your password to continue"),
]


def _page(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def _assert_in_our_words(page: str, heading: str) -> None:
    assert re.search(rf"<h1[^>]*>\s*{re.escape(heading)}\s*</h1>", page), heading
    for words in ALLAUTH_WORDING:
        assert words not in page, words


@pytest.mark.parametrize(("url", "heading"), ANONYMOUS_PAGES)
def test_each_account_page_is_in_plain_words(client, db, url, heading):
    _assert_in_our_words(_page(client.get(url, follow=True)), heading)


@pytest.mark.parametrize(("url", "heading"), SIGNED_IN_PAGES)
def test_each_signed_in_account_page_is_in_plain_words(client, db, url, heading):
    client.force_login(UserFactory())
    _assert_in_our_words(_page(client.get(url)), heading)


def test_the_password_reset_page_gives_a_real_contact(client, db, settings):
    settings.CONTACT_EMAIL = "help@grants.example"
    page = _page(client.get("/accounts/password/reset/"))
    assert 'href="mailto:help@grants.example"' in page


def test_a_password_reset_link_leads_to_choosing_a_new_password(client, db):
    user = UserFactory(email="ann@example.org")
    client.post("/accounts/password/reset/", {"email": user.email})
    link = re.search(r"http://\S+", mail.outbox[0].body).group(0)
    path = link.split("8000", 1)[1]
    page = _page(client.get(path, follow=True))
    _assert_in_our_words(page, "Choose a new password")
    response = client.post(client.get(path).url, {}, follow=True)
    page = _page(response)
    assert "Enter a new password" in page
    assert "Enter your new password again" in page


def test_the_sign_in_page_has_no_remember_me_box(client, db):
    page = _page(client.get("/accounts/login/"))
    assert 'name="remember"' not in page


def age_sign_in(client, *, seconds: int) -> None:
    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY

    session = client.session
    for record in session[AUTHENTICATION_METHODS_SESSION_KEY]:
        record["at"] -= seconds
    session.save()


def test_the_two_step_sign_in_pages_are_in_plain_words(client, db):
    user = UserFactory(email="ann@example.org")
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    _assert_in_our_words(_page(client.get("/accounts/2fa/")), "Two-step sign-in")
    # Straight after signing in it opens; minutes later it asks for the password again.
    fresh = _page(client.get("/accounts/2fa/totp/activate/", follow=True))
    _assert_in_our_words(fresh, "Turn on two-step sign-in")
    age_sign_in(client, seconds=600)
    reauthenticate = _page(client.get("/accounts/2fa/totp/activate/", follow=True))
    _assert_in_our_words(reauthenticate, "Enter your password to continue")
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    activate = _page(client.get("/accounts/2fa/totp/activate/", follow=True))
    _assert_in_our_words(activate, "Turn on two-step sign-in")
    empty = _page(client.post("/accounts/2fa/totp/activate/", {}))
    assert "There is a problem" in empty
    assert empty.count("Enter the code from your authenticator app") == 2
    wrong = _page(client.post("/accounts/2fa/totp/activate/", {"code": "000000"}))
    assert "The code is not right" in wrong


def test_signing_in_says_who_you_are_signed_in_as(client, db):
    user = UserFactory(email="aisha@example.org")
    response = client.post(
        "/accounts/login/", {"login": user.email, "password": PASSWORD}, follow=True
    )
    page = html.unescape(response.content.decode())
    assert "You are signed in as ." not in page
    assert re.search(r"You are signed in as \S", page)


def test_password_boxes_can_be_shown_by_govuk_frontends_toggle(client, db):
    """GOV.UK Frontend's password input finds its box by this class; without it the
    component fails to start and "Show" never works."""
    page = client.get("/accounts/login/").content.decode()
    box = re.search(r'<input[^>]*type="password"[^>]*>', page).group(0)
    assert "govuk-js-password-input-input" in box
