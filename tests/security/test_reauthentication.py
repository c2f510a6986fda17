"""Creating an API token asks who it is again unless the person signed in or confirmed
within ACCOUNT_REAUTHENTICATION_TIMEOUT (issue 17). Exports and bank details: see
tests/commissioning/test_export_reauthentication.py and tests/grants/test_bank_reauthentication.py.
"""

from __future__ import annotations

from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY

from accounts.models import ApiToken
from tests import totp
from tests.factories import PASSWORD


def age_sign_in(client, seconds: int = 600) -> None:
    """Make the session's sign-in (and any confirmation) `seconds` older."""
    session = client.session
    for record in session[AUTHENTICATION_METHODS_SESSION_KEY]:
        record["at"] -= seconds
    session.save()


def _token_form(organisation: str) -> dict:
    return {"name": "Case system", "organisation": organisation, "scopes": ["read"], "days": "90"}


def test_staff_give_a_fresh_code_before_making_a_token(client_for, personas):
    officer = personas.officer
    totp.give_authenticator(officer)
    client = client_for(officer)
    age_sign_in(client)
    response = client.post("/api-access/", _token_form("staff"))
    assert response.status_code == 302
    assert response.url == "/accounts/2fa/reauthenticate/?next=%2Fapi-access%2F"
    assert not ApiToken.objects.exists()
    # The code confirms it, and the kept POST is carried out.
    made = client.post(response.url, {"code": totp.code(user=officer)})
    assert made.status_code == 200
    assert made.context["new"].key in made.content.decode()
    assert ApiToken.objects.get().user == officer


def test_a_group_member_gives_their_password_again_before_making_a_token(client_for, personas):
    client = client_for(personas.applicant_a)
    age_sign_in(client)
    response = client.post("/api-access/", _token_form(str(personas.org_a.uuid)))
    assert response.url == "/accounts/reauthenticate/?next=%2Fapi-access%2F"
    assert not ApiToken.objects.exists()
    made = client.post(response.url, {"password": PASSWORD})
    assert made.status_code == 200
    assert ApiToken.objects.get().organisation == personas.org_a


def test_a_recent_sign_in_counts(client_for, personas):
    client = client_for(personas.applicant_a)  # force_login stands for a sign-in just now
    made = client.post("/api-access/", _token_form(str(personas.org_a.uuid)))
    assert made.status_code == 200
    assert ApiToken.objects.count() == 1


def test_a_staff_password_alone_does_not_count_as_confirming(client_for, personas):
    officer = personas.officer
    totp.give_authenticator(officer)
    client = client_for(officer)
    session = client.session
    records = session[AUTHENTICATION_METHODS_SESSION_KEY]
    for record in records:
        if record["method"] == "mfa":
            record["at"] -= 600
    session.save()  # the password was just given again, the code 10 minutes ago
    response = client.post("/api-access/", _token_form("staff"))
    assert response.url.startswith("/accounts/2fa/reauthenticate/")


def test_the_token_page_itself_opens_without_confirming(client_for, personas):
    client = client_for(personas.applicant_a)
    age_sign_in(client)
    assert client.get("/api-access/").status_code == 200


def test_api_clients_with_a_token_are_not_asked(client, personas):
    from accounts.services import api_token_create

    made = api_token_create(
        actor=personas.commissioner, organisation=None, name="Reports", scopes=["read"], days=30
    )
    response = client.get("/api/v1/contracts/", HTTP_AUTHORIZATION=f"Bearer {made.key}")
    assert response.status_code == 200
