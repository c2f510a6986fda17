"""The dashboard and the lists behind its figures make the same queries at any size: 10
awards and 5 contracts, then 5,000 awards and 300 contracts (each with returns)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from commissioning.quarters import Quarter
from tests.commissioning.builders import bulk_contracts
from tests.delivery.builders import bulk_awards
from tests.factories import RoundFactory

# The last whole year of the bulk contracts' accepted returns; the awards are decided in it.
YEAR = Quarter.containing(timezone.localdate()).previous().year - 1
PAGES = [
    ("dashboard", {}),
    ("awards", {"by": "outcome", "key": "P1-O1", "page": "2"}),
    ("contracts", {"by": "priority", "key": "P1"}),
    ("bids", {"by": "area", "key": "total", "page": "3"}),
]


def _queries(client) -> tuple[dict[str, int], dict[str, str]]:
    counts, pages = {}, {}
    for name, params in PAGES:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse(f"delivery:{name}"), {"year": str(YEAR), **params})
        assert response.status_code == 200, name
        counts[name], pages[name] = len(captured.captured_queries), response.content.decode()
    return counts, pages


def test_the_dashboard_and_its_lists_make_the_same_queries_at_any_size(client_for, personas, plan):
    round = RoundFactory(plan=plan, status="closed")
    client = client_for(personas.performance_lead)
    commissioner = personas.commissioner
    bulk_awards(round=round, count=10, year=YEAR)
    bulk_contracts(count=5, quarters=8, commissioner=commissioner, plan=plan, values=True)
    small, pages = _queries(client)
    assert "10 grants" in pages["dashboard"]
    assert "5 contracts" in pages["dashboard"]

    bulk_awards(round=round, count=4990, year=YEAR, seed=2)
    bulk_contracts(count=295, quarters=8, commissioner=commissioner, plan=plan, values=True)
    large, pages = _queries(client)
    assert "5,000 grants" in pages["dashboard"]
    assert "300 contracts" in pages["dashboard"]
    assert large == small
    # The dashboard: user, roles (the session comes from the cache); the filters' choices (plans, districts, the
    # plan's funded years, rounds with their fund, themes); the plan's priorities,
    # outcomes (+priority), themes and districts; awards (+bid, organisation, round) and
    # their outcomes, themes, bid districts, payments and accepted reports; bids (+round,
    # organisation) and their outcomes, themes and districts; contract funding
    # (+contract, provider, service) and the contracts' outcomes, themes, service areas,
    # accepted returns' figures and returns per contract.
    assert large["dashboard"] == 28
    # A list reads the same facts; its page of 50 is cut from them in memory.
    assert large["awards"] == large["contracts"] == large["bids"] == 28
