"""The officers' API list of a round's bids takes the web list's filters: ids of a
district, pot and priority, a status and a search; a filter that is not one of the round's
is a problem naming it, never a server error."""

from __future__ import annotations

import pytest

from tests.api.conftest import Api, make_token
from tests.factories import ApplicationFactory
from tests.grants.conftest import make_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_round(plan):
    return make_round(plan)


@pytest.fixture
def bids(open_round, personas):
    leeds = personas.org_a.district
    pot = open_round.pots.first()
    priority = open_round.plan.priorities.order_by("code").first()
    made = [
        ApplicationFactory(
            round=open_round,
            organisation=personas.org_a,
            pot=pot,
            primary_priority=priority,
            submitted=True,
        ),
        ApplicationFactory(round=open_round, organisation=personas.org_b, submitted=True),
    ]
    return {"bids": made, "district": leeds, "pot": pot, "priority": priority}


def _references(response) -> set[str]:
    return {row["reference"] for row in response.json()["results"]}


def test_each_filter_by_id_narrows_the_list(client, personas, open_round, bids):
    api = Api(client, make_token(personas.officer))
    url = f"/api/v1/rounds/{open_round.uuid}/applications/"
    first = bids["bids"][0].reference
    for name in ("district", "pot", "priority"):
        response = api.get(f"{url}?{name}={bids[name].pk}")
        assert response.status_code == 200, (name, response.content)
        assert _references(response) == {first}, name
    assert len(_references(api.get(url))) == 2


def test_a_filter_that_is_not_the_rounds_is_a_problem_naming_it(client, personas, open_round):
    api = Api(client, make_token(personas.officer))
    response = api.get(f"/api/v1/rounds/{open_round.uuid}/applications/?pot=999999&status=nope")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Choose a pot from the list" in body
    assert "Choose a status from the list" in body
    assert "valid choice" not in body
