"""Every error on the account and organisation forms names the thing and says what to do."""

import html

import pytest
from django.urls import reverse

from tests.factories import DistrictFactory, UserFactory


def _page(response) -> str:
    return html.unescape(response.content.decode())


def _assert_errors(page: str, expected: list[str]) -> None:
    assert "There is a problem" in page
    assert "This field is required" not in page
    for message in expected:
        # Once in the summary and once by the field.
        assert page.count(message) == 2, message


def test_an_empty_sign_up_says_what_to_enter(client, db):
    page = _page(client.post("/accounts/signup/", {}))
    _assert_errors(
        page, ["Enter your email address", "Enter a password", "Enter your password again"]
    )


def test_an_empty_sign_in_says_what_to_enter(client, db):
    page = _page(client.post("/accounts/login/", {}))
    _assert_errors(page, ["Enter your email address", "Enter your password"])


def test_a_wrong_password_says_so_in_plain_words(client, db):
    user = UserFactory(email="ann@example.org")
    page = _page(client.post("/accounts/login/", {"login": user.email, "password": "wrong"}))
    assert "The email address or password is not right" in page


def test_an_empty_password_reset_says_what_to_enter(client, db):
    page = _page(client.post("/accounts/password/reset/", {}))
    _assert_errors(page, ["Enter your email address"])


def test_a_badly_typed_email_address_says_how_to_write_one(client, db):
    page = _page(client.post("/accounts/signup/", {"email": "ann at example"}))
    assert "Enter an email address in the correct format, like name@example.org" in page


@pytest.fixture
def signed_in(client, db):
    DistrictFactory(name="Leeds")
    client.force_login(UserFactory())
    return client


def test_an_empty_organisation_form_names_every_field(signed_in):
    page = _page(signed_in.post(reverse("accounts:organisation-create"), {}))
    _assert_errors(
        page,
        [
            "Enter your organisation's name",
            "Select the type of organisation",
            "Enter the first line of your address",
            "Enter your town or city",
            "Enter your postcode",
            "Select the main district you work in",
            "Select what your organisation does with us",
        ],
    )


def test_a_website_that_is_not_an_address_says_how_to_write_one(signed_in):
    page = _page(
        signed_in.post(reverse("accounts:organisation-create"), {"website": "our facebook page"})
    )
    assert "Enter the website address in the correct format, like https://www.example.org" in page
    assert "Enter a valid URL" not in page
    assert 'value="our facebook page"' in page


def test_an_empty_invitation_says_whose_email_to_enter(client, db):
    from tests.factories import MembershipFactory

    membership = MembershipFactory()
    client.force_login(membership.user)
    url = reverse("accounts:organisation-invite", args=[membership.organisation.uuid])
    page = _page(client.post(url, {}))
    _assert_errors(page, ["Enter your colleague's email address"])
    page = _page(client.post(url, {"email": "colin at example"}))
    assert "Enter an email address in the correct format, like name@example.org" in page


def test_a_weak_password_says_what_makes_a_good_one(client, db):
    short = _page(
        client.post("/accounts/signup/", {"email": "ann@example.org", "password1": "abc"})
    )
    assert "Password must be 12 characters or more" in short
    numbers = _page(
        client.post("/accounts/signup/", {"email": "ann@example.org", "password1": "1234567890123"})
    )
    assert "Password must include letters or symbols, not only numbers" in numbers
    assert "This password is" not in short + numbers


def test_two_different_passwords_say_to_type_the_same_one(client, db):
    page = _page(
        client.post(
            "/accounts/signup/",
            {
                "email": "ann@example.org",
                "password1": "a-long-enough-passphrase",
                "password2": "a-different-passphrase",
            },
        )
    )
    assert "Enter the same password both times" in page
