"""A contract page opened from a mistyped or stale link with a bad ?year= still shows."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from commissioning.quarters import financial_year_label

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("year", ["-1", "0", "abc", "99999"])
def test_a_bad_year_shows_this_years_targets(contract, client_for, personas, year):
    with time_machine.travel(dt.datetime(2026, 7, 2, 12, tzinfo=dt.UTC)):
        response = client_for(personas.commissioner).get(
            reverse("commissioning:contract", args=[contract.uuid]), {"year": year}
        )
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Set targets for {financial_year_label(2026)}" in page
    targets = reverse("commissioning:contract-targets", args=[contract.uuid, 2026])
    assert targets in page


def test_a_good_year_shows_that_years_targets(contract, client_for, personas):
    response = client_for(personas.commissioner).get(
        reverse("commissioning:contract", args=[contract.uuid]), {"year": "2027"}
    )
    assert response.status_code == 200
    assert f"Set targets for {financial_year_label(2027)}" in response.content.decode()
