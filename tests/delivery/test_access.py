"""Who reaches the plan-delivery pages and exports, over every persona.

The performance lead, grants officers, commissioners, decision makers and administrators
read the plan-delivery picture; applicants, providers and assessors are refused (403 when
signed in, the sign-in page when not), on every page and every export.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.commissioning.builders import make_contract
from tests.factories import AwardFactory
from tests.personas import refused_everywhere_else

ALLOWED = ["performance_lead", "officer", "commissioner", "decision_maker", "administrator"]
TABLES = ["priorities", "outcomes", "themes", "districts", "gaps"]


@pytest.fixture
def urls(personas, plan) -> list[str]:
    award = AwardFactory(application__organisation=personas.org_b)
    contract = make_contract(
        provider=personas.provider_org, commissioner=personas.commissioner, plan=plan
    )
    dashboard = reverse("delivery:dashboard")
    lists = [
        f"{reverse(f'delivery:{kind}')}?by={by}&key={key}"
        for kind, by, key in (
            ("awards", "priority", "P3"),
            ("contracts", "outcome", "P1-O1"),
            ("bids", "area", "total"),
        )
    ]
    return [
        dashboard,
        f"{dashboard}?year=all&district=leeds",
        *(f"{dashboard}?table={table}&export={fmt}" for table in TABLES for fmt in ("csv", "xlsx")),
        *lists,
        *(f"{url}&export={fmt}" for url in lists for fmt in ("csv", "xlsx")),
        reverse("delivery:award", args=[award.uuid]),
        reverse("delivery:contract", args=[contract.uuid]),
    ]


def test_only_the_staff_who_read_plan_delivery_reach_any_page_or_export(client_for, personas, urls):
    wrong = []
    for url in urls:
        wrong += refused_everywhere_else(
            client_for, personas, url=url, allowed=ALLOWED, refused_with=403
        )
    assert wrong == []


@pytest.mark.parametrize("persona", ALLOWED)
def test_every_reader_gets_every_page_and_export(client_for, personas, urls, persona):
    client = client_for(personas.get(persona))
    answers = {url: client.get(url).status_code for url in urls}
    assert answers == dict.fromkeys(urls, 200)


def test_a_missing_award_or_contract_is_one_404(client_for, personas, plan):
    client = client_for(personas.performance_lead)
    missing = "00000000-0000-4000-8000-000000000000"
    for name in ("delivery:award", "delivery:contract"):
        response = client.get(reverse(name, args=[missing]))
        assert response.status_code == 404


def test_a_draft_contract_is_not_part_of_the_picture(client_for, personas, plan):
    draft = make_contract(
        provider=personas.provider_org,
        commissioner=personas.commissioner,
        plan=plan,
        active=False,
    )
    client = client_for(personas.performance_lead)
    assert client.get(reverse("delivery:contract", args=[draft.uuid])).status_code == 404


def test_the_staff_home_and_the_navigation_link_the_dashboard_for_its_readers(
    client_for, personas, plan
):
    for who in ("performance_lead", "officer", "commissioner", "decision_maker", "assessor"):
        client = client_for(personas.get(who))
        home = client.get(reverse("accounts:staff-home")).content.decode()
        link = f'href="{reverse("delivery:dashboard")}"'
        expected = who != "assessor"
        assert (link in home) is expected, who
        assert ("Plan delivery" in home) is expected, who


def test_the_performance_lead_lands_on_the_dashboard(client, personas, plan):
    from tests import totp
    from tests.factories import PASSWORD

    lead = personas.performance_lead
    totp.give_authenticator(lead)
    response = client.post("/accounts/login/", {"login": lead.email, "password": PASSWORD})
    # Staff give the code from their authenticator app next (issue 17).
    response = client.post(response.url, {"code": totp.code(user=lead)})
    assert response.url == reverse("delivery:dashboard")
    assert client.get(response.url).status_code == 200
