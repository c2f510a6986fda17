"""The commissioner's dashboard, contract list and roll-up at scale (300 contracts, 12 quarters each)."""

from __future__ import annotations

import re
import statistics
import time

from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from bench.bench_assessment import PLAN_FILE
from commissioning.quarters import Quarter
from outcomes.plan_file import parse_plan_text
from outcomes.services import plan_load
from tests.commissioning.builders import bulk_contracts, measure_set

CONTRACTS = 300
QUARTERS = 12
RENDERS = 20


def _timed(fn, repeat: int) -> tuple[list[float], object]:
    """Each run's time in ms, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - started) * 1000)
    return times, result


def _summary(times: list[float]) -> tuple[str, str]:
    """'median ms (best ms)' and the 95th percentile. The best is shown too because a
    shared machine makes the median noisy."""
    digits = 1 if min(times) < 100 else 0
    p95 = statistics.quantiles(times, n=20, method="inclusive")[18]
    return (
        f"{statistics.median(times):.{digits}f} ms (best {min(times):.{digits}f})",
        f"{p95:.{digits}f} ms",
    )


def _get(client: Client, url: str) -> tuple[list[float], int, str]:
    """Timings of RENDERS requests, the queries of one request, and the page."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)  # warm-up, and the request whose queries are counted
    # captured_queries slices connection.queries when read, and later requests reset that
    # log, so count now.
    count = len(queries.captured_queries)
    if response.status_code != 200:
        raise AssertionError(f"{url} answered {response.status_code}, not 200")
    times, response = _timed(lambda: client.get(url), RENDERS)
    if response.status_code != 200:
        raise AssertionError(f"{url} answered {response.status_code}, not 200")
    return times, count, response.content.decode()


def _commissioner() -> User:
    user = User.objects.create_user("bench-commissioner@example.org", "bench-password-long")
    user.groups.add(Group.objects.get(name=Role.COMMISSIONER.label))
    return user


def _measure() -> list[tuple[str, str]]:
    plan, _ = plan_load(data=parse_plan_text(PLAN_FILE.read_text(), str(PLAN_FILE)))
    commissioner = _commissioner()
    build, _ = _timed(
        lambda: bulk_contracts(
            count=CONTRACTS, quarters=QUARTERS, commissioner=commissioner, plan=plan, values=True
        ),
        1,
    )
    client = Client()
    client.force_login(commissioner)

    # The financial year of the quarter that ended last: every contract has a return for
    # each of its quarters up to that one.
    last = Quarter.containing(timezone.localdate()).previous()
    dashboard_url = reverse("commissioning:dashboard") + f"?year={last.year}"
    dashboard_times, dashboard_queries, page = _get(client, dashboard_url)
    for number in range(1, last.number + 1):
        row = re.search(rf'id="quarter-{number}".*?</tr>', page, re.S)
        cells = re.findall(r">(\d+)</td>", row.group(0)) if row else []
        if not cells or cells[-1] != str(CONTRACTS):  # the last column counts them all
            raise AssertionError(f"dashboard: Q{number} does not count {CONTRACTS} returns")

    list_times, list_queries, page = _get(client, reverse("commissioning:contract-list"))
    shown = len(set(re.findall(r'href="/commissioning/contracts/([0-9a-f-]{36})/"', page)))
    if shown != 50:
        raise AssertionError(f"contract list: expected a page of 50 contracts, found {shown}")

    last_year = last.year - 1  # a whole year of accepted returns for every contract
    rollup_url = reverse("commissioning:rollup") + (
        f"?measure_set={measure_set().pk}&financial_year={last_year}&period=FY"
    )
    rollup_times, rollup_queries, page = _get(client, rollup_url)
    expected = f"{4 * CONTRACTS} accepted returns from {CONTRACTS} contracts"
    if expected not in page:
        raise AssertionError(f"roll-up: expected “{expected}”")

    rows = [
        (
            f"build {CONTRACTS} contracts, {QUARTERS} quarters each (bulk builders)",
            f"{build[0]:.0f} ms",
        )
    ]
    for label, times, queries in (
        (f"/commissioning/ dashboard, {CONTRACTS} contracts", dashboard_times, dashboard_queries),
        ("/commissioning/contracts/ (first page of 50)", list_times, list_queries),
        (
            f"/commissioning/roll-up/, whole year ({4 * CONTRACTS} returns)",
            rollup_times,
            rollup_queries,
        ),
    ):
        median, p95 = _summary(times)
        rows += [
            (f"{label} (median of {RENDERS})", median),
            ("  95th percentile", p95),
            ("  queries per request", str(queries)),
        ]
    return rows


def run() -> list[tuple[str, str]]:
    # Everything is rolled back, so the modules after this one (bench_foundation loads the
    # plan "for the first time" and counts organisations) see the database as migrated.
    with transaction.atomic():
        rows = _measure()
        transaction.set_rollback(True)
    return rows
