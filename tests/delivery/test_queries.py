"""The dashboard, the lists behind its figures and their downloads make the same queries at
any size: 10 awards and 5 contracts, then 5,000 awards and 300 contracts (each with
returns)."""

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
    ("dashboard", {"table": "outcomes", "export": "csv"}),
    ("awards", {"by": "district", "key": "leeds", "export": "xlsx"}),
]


def _queries(client) -> tuple[dict[str, int], dict[str, str]]:
    counts, pages = {}, {}
    for name, params in PAGES:
        label = f"{name} {params['export']}" if "export" in params else name
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse(f"delivery:{name}"), {"year": str(YEAR), **params})
            body = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code == 200, label
        counts[label] = len(captured.captured_queries)
        pages[label] = body.decode() if not label.endswith("xlsx") else ""
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
    # The dashboard: user (the session and the roles come from the cache); the filters' choices
    # (plans, districts, the plan's funded years, rounds with their fund, themes); the
    # plan's priorities, outcomes (+priority), themes, districts and crosswalk links; the
    # awards grouped by the database, with what was paid on each and the people its newest
    # accepted report reached (by priority, round and area, and by outcome, theme and
    # district, in one UNION); the bids grouped likewise (1); contract funding (+contract,
    # provider, service) and the contracts' outcomes, themes, service areas, accepted
    # returns' figures and returns per contract.
    assert large["dashboard"] == 19
    # A table's download, asked for after the page: the dashboard's tables are kept in the
    # cache, so only the user and the filters' choices are read.
    assert large["dashboard csv"] == 6
    # A list: the filters' choices and the plan as above, then only its own rows: awards and
    # their total in one aggregate (with the people their accepted reports reached), then
    # the page's 50 ids and their facts (awards with their reports, outcomes, themes,
    # districts, payments)...
    assert large["awards"] == 18
    # ... bids: the total, the page's ids and their facts (bids, outcomes, themes,
    # districts)...
    assert large["bids"] == 17
    # ... contracts: every contract's facts (their number is the plan's contracts).
    assert large["contracts"] == 17
    # A list's download reads every row of the list, without the page's ids.
    assert large["awards xlsx"] == 17
