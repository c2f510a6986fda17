"""Changing bank details asks who it is again unless the person signed in or confirmed
within ACCOUNT_REAUTHENTICATION_TIMEOUT (issue 17). The typed details are never kept in
the session while they confirm."""

from __future__ import annotations

from django.urls import reverse

from grants.models import BankDetails
from tests import totp
from tests.factories import PASSWORD
from tests.grants.test_acceptance_and_payments import accept, upload
from tests.security.test_reauthentication import age_sign_in

NEW_BANK = {
    "account_name": "Org A Youth Project",
    "sort_code": "30-94-57",
    "account_number": "00733445",
}


def test_a_group_member_confirms_their_password_before_changing_bank_details(
    award, personas, client_for
):
    accept(award, personas.applicant_a)
    url = reverse("grants:grant-bank", args=[award.application.uuid])
    client = client_for(personas.applicant_a)
    assert client.get(url).status_code == 200  # just signed in
    age_sign_in(client)
    before = BankDetails.objects.count()
    response = client.post(url, {**NEW_BANK, "evidence": upload()})
    assert response.status_code == 302
    assert response.url == f"/accounts/reauthenticate/?next={url.replace('/', '%2F')}"
    assert BankDetails.objects.count() == before
    assert "account_number" not in str(dict(client.session))  # nothing typed kept
    confirmed = client.post(response.url, {"password": PASSWORD})
    assert confirmed.url == url
    assert client.get(url).status_code == 200
    saved = client.post(url, {**NEW_BANK, "evidence": upload()})
    assert saved.status_code == 302
    assert BankDetails.objects.count() == before + 1


def test_an_officer_gives_a_code_before_opening_the_bank_details_form(award, personas, client_for):
    accept(award, personas.applicant_a)
    officer = personas.officer
    totp.give_authenticator(officer)
    url = reverse("grants:grant-bank", args=[award.application.uuid])
    client = client_for(officer)
    age_sign_in(client)
    response = client.get(url)
    assert response.url.startswith("/accounts/2fa/reauthenticate/")
    confirmed = client.post(response.url, {"code": totp.code(user=officer)})
    assert confirmed.url == url
    assert client.get(url).status_code == 200
