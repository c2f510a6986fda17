"""Staff must finish two-step sign-in before any page but setting it up opens (issue 17).

`client.force_login` stands for a full sign-in (tests/conftest.py); these tests use
`force_login_password_only`, or the real sign-in pages, to get a password-only session.
"""

from __future__ import annotations

import re
import time
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.middleware import SECOND_FACTOR_PAGES
from accounts.security import needs_second_factor
from tests import totp
from tests.factories import PASSWORD, UserFactory

STAFF = [
    "officer",
    "assessor",
    "decision_maker",
    "commissioner",
    "performance_lead",
    "administrator",
]
ENROL = "/accounts/2fa/totp/activate/"
GIVE_CODE = "/accounts/2fa/reauthenticate/"


def _every_url() -> list[tuple[str, str]]:
    """(name, path) for every URL pattern, parameters filled with made-up values (the
    refusal comes before any view runs, so they need not exist)."""
    found: list[tuple[str, str]] = []

    def walk(patterns, prefix: str, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                if route.startswith("^") or "(?P" in route:  # the admin's regex routes
                    route = re.sub(r"\(\?P<[^>]+>[^)]*\)", "1", route).strip("^$")
                path = re.sub(
                    r"<(?:(\w+):)?(\w+)>",
                    lambda m: {"uuid": str(uuid.uuid4()), "int": "1"}.get(m.group(1) or "", "x"),
                    route,
                )
                name = f"{namespace}{pattern.name}" if pattern.name else route
                found.append((name, "/" + path.replace("\\", "")))

    walk(get_resolver().url_patterns, "", "")
    return found


def test_the_staff_personas_are_the_ones_made_to_use_a_second_factor(personas):
    for name in STAFF:
        assert needs_second_factor(personas.get(name)), name
    for name in ("applicant_a", "colleague_a", "applicant_b", "provider"):
        assert not needs_second_factor(personas.get(name)), name
    assert needs_second_factor(UserFactory(is_staff=True))


@pytest.mark.parametrize("persona", STAFF)
def test_staff_without_a_second_factor_reach_no_page_but_setting_one_up(client, personas, persona):
    client.force_login_password_only(personas.get(persona))
    urls = _every_url()
    assert len(urls) > 100
    reached = []
    for name, path in urls:
        if name in SECOND_FACTOR_PAGES or path.startswith(("/static/", "/api/")):
            continue
        response = client.get(path)
        if response.status_code != 302 or not response.url.startswith(ENROL):
            reached.append(f"{name} {path} -> {response.status_code}")
    assert reached == []


def test_the_admin_and_the_staff_pages_send_the_superuser_to_set_up_the_app(client, personas):
    client.force_login_password_only(personas.administrator)
    for path in ("/admin/", "/admin/accounts/user/", "/staff/", "/commissioning/", "/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url == f"{ENROL}?next={path.replace('/', '%2F')}"


def test_the_api_refuses_a_session_without_the_second_factor(client, personas):
    client.force_login_password_only(personas.commissioner)
    response = client.get("/api/v1/contracts/")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


def test_staff_with_an_app_who_skipped_the_code_are_asked_for_it(client, personas):
    officer = personas.officer
    totp.give_authenticator(officer)
    client.force_login_password_only(officer)
    response = client.get("/staff/")
    assert response.url == f"{GIVE_CODE}?next=%2Fstaff%2F"
    assert "Enter your sign-in code" in client.get(response.url).content.decode()
    wrong = client.post(f"{GIVE_CODE}?next=/staff/", {"code": "000000"})
    assert wrong.status_code == 200
    assert client.get("/staff/").status_code == 302
    right = client.post(f"{GIVE_CODE}?next=/staff/", {"code": totp.code(user=officer)})
    assert right.url == "/staff/"
    assert client.get("/staff/").status_code == 200


def test_first_sign_in_sets_up_the_app_shows_backup_codes_then_opens_staff_pages(
    client, personas, django_capture_on_commit_callbacks
):
    officer = personas.officer
    signed_in = client.post("/accounts/login/", {"login": officer.email, "password": PASSWORD})
    assert signed_in.url == "/staff/"
    assert client.get("/staff/").url == f"{ENROL}?next=%2Fstaff%2F"
    page = client.get(ENROL)
    assert page.status_code == 200
    secret = page.context["form"].secret
    with django_capture_on_commit_callbacks(execute=True):
        enrolled = client.post(ENROL, {"code": totp.code(secret)})
    assert enrolled.url == reverse("mfa_view_recovery_codes")
    codes = client.get(enrolled.url)
    assert len(codes.context["unused_codes"]) == 10
    assert client.get("/staff/").status_code == 200


def test_staff_who_set_up_the_app_are_asked_for_a_code_at_every_sign_in(client, personas):
    officer = personas.officer
    totp.give_authenticator(officer)
    response = client.post("/accounts/login/", {"login": officer.email, "password": PASSWORD})
    assert response.url == "/accounts/2fa/authenticate/"
    assert client.get("/staff/").status_code == 302  # not signed in until the code
    response = client.post(response.url, {"code": totp.code(user=officer)})
    assert response.url == "/staff/"
    assert client.get("/staff/").status_code == 200


def test_a_backup_code_works_in_place_of_the_app(client, personas):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    officer = personas.officer
    totp.give_authenticator(officer)
    backup = RecoveryCodes.activate(officer).get_unused_codes()[0]
    response = client.post("/accounts/login/", {"login": officer.email, "password": PASSWORD})
    response = client.post(response.url, {"code": backup})
    assert response.url == "/staff/"
    assert client.get("/staff/").status_code == 200


@pytest.mark.parametrize("persona", ["applicant_a", "provider"])
def test_groups_and_providers_are_not_made_to_set_up_an_app(client, personas, persona):
    user = personas.get(persona)
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    landing = {"applicant_a": "/applications/", "provider": "/your-contracts/"}[persona]
    assert client.get(landing).status_code == 200
    # They may still turn it on.
    assert client.get(ENROL).status_code == 200


def test_a_staff_member_may_still_sign_out(client, personas):
    client.force_login_password_only(personas.officer)
    assert client.get("/accounts/logout/").status_code == 200
    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session


def test_staff_cannot_turn_their_second_factor_off(client, personas):
    officer = personas.officer
    authenticator = totp.give_authenticator(officer)
    client.force_login(officer)

    response = client.post("/accounts/2fa/totp/deactivate/")

    assert response.status_code == 200
    assert "Staff must keep two-step sign-in" in response.content.decode()
    assert type(authenticator).objects.filter(pk=authenticator.pk).exists()


def test_a_group_member_who_chose_a_second_factor_may_turn_it_off(client, personas):
    applicant = personas.applicant_a
    authenticator = totp.give_authenticator(applicant)
    client.force_login(applicant)

    response = client.post("/accounts/2fa/totp/deactivate/")

    assert response.status_code == 302
    assert not type(authenticator).objects.filter(pk=authenticator.pk).exists()


@pytest.mark.parametrize(("steps_back", "signs_in"), [(1, True), (2, False)])
def test_the_code_just_replaced_still_signs_in_but_an_older_one_does_not(
    client, personas, steps_back, signs_in
):
    """A code typed as the app moves on still works (one 30-second step of tolerance): a
    code read at 29.9 s and checked at 30.1 s no longer sends someone back to type again."""
    officer = personas.officer
    totp.give_authenticator(officer)
    response = client.post("/accounts/login/", {"login": officer.email, "password": PASSWORD})
    earlier = totp.code(user=officer, at=time.time() - 30 * steps_back)
    response = client.post("/accounts/2fa/authenticate/", {"code": earlier})
    assert (response.status_code == 302 and response.url == "/staff/") is signs_in
