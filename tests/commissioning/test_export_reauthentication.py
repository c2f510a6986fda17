"""Exporting victim-service figures asks who it is again unless the person signed in or
confirmed within ACCOUNT_REAUTHENTICATION_TIMEOUT (issue 17)."""

from __future__ import annotations

from django.urls import reverse

from tests import totp
from tests.factories import PASSWORD
from tests.security.test_reauthentication import age_sign_in


def test_the_return_csv_asks_the_provider_for_their_password_again(client_for, personas, q1_return):
    url = reverse("commissioning:return-csv", args=[q1_return.uuid])
    client = client_for(personas.provider)
    assert client.get(url).status_code == 200  # just signed in
    age_sign_in(client)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/reauthenticate/?next=")
    wrong = client.post(response.url, {"password": "not the password"})
    assert wrong.status_code == 200
    assert client.get(url).status_code == 302
    confirmed = client.post(response.url, {"password": PASSWORD})
    assert confirmed.url == url
    assert client.get(url).status_code == 200


def test_the_return_csv_asks_the_commissioner_for_a_code(client_for, personas, q1_return):
    commissioner = personas.commissioner
    totp.give_authenticator(commissioner)
    url = reverse("commissioning:return-csv", args=[q1_return.uuid])
    client = client_for(commissioner)
    age_sign_in(client)
    response = client.get(url)
    assert response.url.startswith("/accounts/2fa/reauthenticate/?next=")
    confirmed = client.post(response.url, {"code": totp.code(user=commissioner)})
    assert confirmed.status_code == 302
    assert confirmed.url == url
    download = client.get(url)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")


def test_the_full_rollup_export_asks_again_but_the_published_one_does_not(
    client_for, personas, contract
):
    from commissioning.models import MeasureSet

    measure_set = MeasureSet.objects.order_by("-financial_year").first()
    base = reverse("commissioning:rollup") + (
        f"?measure_set={measure_set.pk}&financial_year={measure_set.financial_year}&period=Q1"
    )
    client = client_for(personas.commissioner)
    age_sign_in(client)
    assert client.get(base + "&export=csv&published=1").status_code == 200
    assert client.get(base).status_code == 200
    internal = client.get(base + "&export=xlsx")
    assert internal.status_code == 302
    assert "reauthenticate" in internal.url
