"""Each person lands where their work is: after signing in and from the home page."""

import pytest

from accounts.security import needs_second_factor
from tests import totp
from tests.factories import PASSWORD, UserFactory

LANDINGS = [
    ("applicant_a", "/applications/"),
    ("colleague_a", "/applications/"),
    ("provider", "/your-contracts/"),
    ("officer", "/staff/"),
    ("administrator", "/staff/"),
    ("commissioner", "/commissioning/"),
    ("assessor", "/assess/"),
    ("decision_maker", "/panels/"),
    ("performance_lead", "/delivery/"),
]


@pytest.mark.parametrize(("persona", "landing"), LANDINGS)
def test_signing_in_lands_each_person_where_their_work_is(client, personas, persona, landing):
    user = personas.get(persona)
    if needs_second_factor(user):
        totp.give_authenticator(user)
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    if needs_second_factor(user):  # staff give the code from their authenticator app next
        assert response.url == "/accounts/2fa/authenticate/"
        response = client.post(response.url, {"code": totp.code(user=user)})
        assert response.status_code == 302
    assert response.url == landing
    assert client.get(landing).status_code == 200


@pytest.mark.parametrize(("persona", "landing"), LANDINGS)
def test_the_home_page_points_each_person_at_their_work(client_for, personas, persona, landing):
    html = client_for(personas.get(persona)).get("/").content.decode()
    assert f'href="{landing}" role="button"' in html


def test_a_provider_lands_on_contracts_not_an_empty_applications_page(client, personas):
    response = client.post(
        "/accounts/login/", {"login": personas.provider.email, "password": PASSWORD}, follow=True
    )
    assert response.request["PATH_INFO"] == "/your-contracts/"
    assert "Your contracts" in response.content.decode()


def test_someone_with_no_organisation_lands_on_setting_one_up(client, db):
    user = UserFactory(email="new@example.org")
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.url == "/organisation/"


def test_a_next_address_still_wins(client, personas):
    response = client.post(
        "/accounts/login/?next=/funding/",
        {"login": personas.provider.email, "password": PASSWORD},
    )
    assert response.url == "/funding/"
