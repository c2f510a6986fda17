"""The commissioner's contract pages end where they should, and keep what was typed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from commissioning.models import Contract, ContractAmendment, FundingStream, Service
from tests.commissioning.builders import measure_set, service

pytestmark = pytest.mark.django_db


def _contract_post(personas, plan, **changes) -> dict:
    data = {
        "reference": "VS-PAGE-01",
        "provider": personas.provider_org.pk,
        "service": service().pk,
        "start_date_day": "1",
        "start_date_month": "4",
        "start_date_year": "2026",
        "end_date_day": "31",
        "end_date_month": "3",
        "end_date_year": "2028",
        "lead_commissioner": personas.commissioner.pk,
        "measure_set": measure_set().pk,
        "primary_priority": plan.priorities.order_by("position").first().pk,
        "stream_0": FundingStream.MOJ,
        "year_0": "2026",
        "amount_0": "120000",
    }
    data.update(changes)
    return data


def test_a_new_contract_is_saved_as_a_draft_and_shown(personas, plan, client_for):
    client = client_for(personas.commissioner)
    response = client.post(reverse("commissioning:contract-new"), _contract_post(personas, plan))
    contract = Contract.objects.get(reference="VS-PAGE-01")
    assert response.status_code == 302
    assert response["Location"] == reverse("commissioning:contract", args=[contract.uuid])
    assert contract.status == Contract.Status.DRAFT
    assert contract.funding.get().amount == 120000
    page = client.get(response["Location"]).content.decode()
    assert "Contract created as a draft." in page


def test_a_refused_contract_keeps_what_was_typed(personas, plan, client_for):
    client = client_for(personas.commissioner)
    posted = _contract_post(personas, plan, end_date_year="2025", amount_0="12x")
    response = client.post(reverse("commissioning:contract-new"), posted)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Enter the amount in pounds, like 45000 or 45000.50" in page
    assert 'value="VS-PAGE-01"' in page and 'value="12x"' in page
    assert not Contract.objects.exists()
    posted["amount_0"] = "120000"
    response = client.post(reverse("commissioning:contract-new"), posted)
    assert response.status_code == 400
    assert "The end date must be the same as or after the start date." in response.content.decode()
    assert not Contract.objects.exists()


def test_change_activate_amend_and_close_each_return_to_the_contract(personas, plan, client_for):
    client = client_for(personas.commissioner)
    client.post(reverse("commissioning:contract-new"), _contract_post(personas, plan))
    contract = Contract.objects.get()
    home = reverse("commissioning:contract", args=[contract.uuid])
    changed = _contract_post(personas, plan, reference="VS-PAGE-02")
    response = client.post(reverse("commissioning:contract-edit", args=[contract.uuid]), changed)
    assert (response.status_code, response["Location"]) == (302, home)
    response = client.post(reverse("commissioning:contract-activate", args=[contract.uuid]))
    assert (response.status_code, response["Location"]) == (302, home)
    response = client.post(
        reverse("commissioning:contract-amend", args=[contract.uuid]),
        {
            "kind": ContractAmendment.Kind.EXTENSION,
            "effective_on_day": "1",
            "effective_on_month": "1",
            "effective_on_year": "2028",
            "description": "Extended for a further year",
            "new_end_date_day": "31",
            "new_end_date_month": "3",
            "new_end_date_year": "2029",
            "reason": "Recommissioning moved",
            "approved_by": "Deputy Mayor",
        },
    )
    assert (response.status_code, response["Location"]) == (302, home)
    history = client.get(home).content.decode()
    assert "Extended for a further year" in history and "31 March 2029" in history
    response = client.post(
        reverse("commissioning:contract-close", args=[contract.uuid]), {"how": "terminated"}
    )
    assert response.status_code == 400
    assert "Say why the contract is being terminated." in response.content.decode()
    response = client.post(
        reverse("commissioning:contract-close", args=[contract.uuid]),
        {"how": "terminated", "reason": "Provider went into administration"},
    )
    assert (response.status_code, response["Location"]) == (302, home)
    contract.refresh_from_db()
    assert (contract.reference, contract.status) == ("VS-PAGE-02", Contract.Status.TERMINATED)


def test_a_service_is_added_and_a_duplicate_name_refused(personas, client_for):
    client = client_for(personas.commissioner)
    data = {"name": "Stalking advocacy", "category": Service.Category.STALKING}
    response = client.post(reverse("commissioning:service-new"), data)
    assert (response.status_code, response["Location"]) == (
        302,
        reverse("commissioning:service-list"),
    )
    response = client.post(
        reverse("commissioning:service-new"), {**data, "name": "stalking ADVOCACY"}
    )
    assert response.status_code == 400
    assert "There is already a service called" in response.content.decode()
    assert Service.objects.filter(name__iexact="stalking advocacy").count() == 1


def test_a_funding_amount_is_read_as_people_type_pounds(personas, plan, client_for):
    client = client_for(personas.commissioner)
    response = client.post(
        reverse("commissioning:contract-new"), _contract_post(personas, plan, amount_0="£120,000")
    )
    assert response.status_code == 302
    assert Contract.objects.get(reference="VS-PAGE-01").funding.get().amount == 120000


@pytest.mark.parametrize("typed", ["1e5", "NaN", "Infinity"])
def test_a_funding_amount_as_an_exponent_or_not_a_number_is_refused(
    personas, plan, client_for, typed
):
    client = client_for(personas.commissioner)
    response = client.post(
        reverse("commissioning:contract-new"), _contract_post(personas, plan, amount_0=typed)
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Enter the amount in pounds, like 45000 or 45000.50" in page
    assert f'value="{typed}"' in page
    assert not Contract.objects.exists()
