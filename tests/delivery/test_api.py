"""The plan-delivery figures over the API: the dashboard's numbers, its filters and errors,
its reader rule, and the same queries at 10 and 5,000 awards."""

from __future__ import annotations

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import ApiToken
from documents.formatting import money
from tests.api.conftest import Api, make_token
from tests.commissioning.builders import bulk_contracts
from tests.delivery.builders import bulk_awards
from tests.delivery.test_queries import YEAR
from tests.factories import RoundFactory

URL = "/api/v1/plan-delivery/"


def _get(client, **params):
    return client.get(URL, {"year": str(YEAR), **params}, HTTP_ACCEPT="application/json")


def test_the_api_gives_the_dashboards_figures(client_for, personas, plan):
    round = RoundFactory(plan=plan, status="closed")
    bulk_awards(round=round, count=10, year=YEAR)
    bulk_contracts(count=3, quarters=8, commissioner=personas.commissioner, plan=plan, values=True)
    client = client_for(personas.performance_lead)

    answer = _get(client)

    assert answer.status_code == 200, answer.content
    data = answer.json()
    assert data["plan"]["code"] == plan.code
    assert data["totals"]["awards"] == 10
    assert data["totals"]["contracts"] == 3
    total = data["priorities"][-1]
    assert total["is_total"] and total["figures"] == data["totals"]
    # Priorities split the facts, so their rows add up to the TOTAL row.
    assert sum(row["figures"]["awards"] for row in data["priorities"][:-1]) == 10
    assert {"outcomes", "themes", "districts_with_bids_but_no_awards"} == set(data["gaps"])
    # The page shows the same money as the API.
    page = client.get("/delivery/", {"year": str(YEAR)}).content.decode()
    assert money(Decimal(data["totals"]["amount_awarded"])) in page


def test_a_filter_that_names_nothing_is_a_400_naming_the_field(client_for, personas, plan):
    answer = _get(client_for(personas.officer), district="atlantis", year="1066")

    assert answer.status_code == 400
    problem = answer.json()
    messages = {error["path"]: error["message"] for error in problem["errors"]}
    assert messages["district"] == "Choose a district from the list, or all districts"
    assert messages["year"].startswith("Choose a financial year")


def test_people_outside_plan_delivery_are_kept_out(client_for, personas, plan):
    for name in ("applicant_a", "provider", "assessor"):
        assert _get(client_for(getattr(personas, name))).status_code == 403, name
    assert _get(client_for(None)).status_code in (401, 403)


def test_a_staff_token_with_read_scope_reads_the_figures(client, personas, plan):
    key = make_token(personas.performance_lead, scopes=[ApiToken.Scope.READ])
    answer = Api(client, key).get(f"{URL}?year={YEAR}")
    assert answer.status_code == 200, answer.content


def test_the_same_queries_at_10_and_5000_awards(client_for, personas, plan):
    round = RoundFactory(plan=plan, status="closed")
    client = client_for(personas.commissioner)
    bulk_awards(round=round, count=10, year=YEAR)
    bulk_contracts(count=5, quarters=8, commissioner=personas.commissioner, plan=plan, values=True)
    with CaptureQueriesContext(connection) as small:
        assert _get(client).status_code == 200

    bulk_awards(round=round, count=4990, year=YEAR, seed=2)
    bulk_contracts(
        count=295, quarters=8, commissioner=personas.commissioner, plan=plan, values=True
    )
    with CaptureQueriesContext(connection) as large:
        answer = _get(client)

    assert answer.json()["totals"]["awards"] == 5000
    assert len(large.captured_queries) == len(small.captured_queries)
