"""The plan-delivery dashboard at scale: 5,000 awards and 300 contracts (8 quarters of returns each)."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from bench.bench_assessment import PLAN_FILE
from bench.bench_commissioning import RENDERS, _summary, _timed
from commissioning.quarters import Quarter
from delivery.selectors import Scope, dashboard
from outcomes.plan_file import parse_plan_text
from outcomes.services import plan_load
from tests.commissioning.builders import bulk_contracts
from tests.delivery.builders import bulk_awards
from tests.factories import RoundFactory

AWARDS = 5000
CONTRACTS = 300
QUARTERS = 8


def _user(email: str, role: Role) -> User:
    user = User.objects.create_user(email, "bench-password-long")
    user.groups.add(Group.objects.get(name=role.label))
    return user


def _second_factor(client: Client, user: User) -> None:
    """Staff pages need a sign-in with a second factor: the session of one (a TOTP device,
    and what allauth records after a password and a code), as bench/load.py makes."""
    from bench.load import _totp_device
    from tests.conftest import record_full_sign_in

    _totp_device(user)
    record_full_sign_in(client, user)


def _get(client: Client, url: str) -> tuple[int, bytes]:
    """The status and the whole body (a download is streamed: read to its end)."""
    response = client.get(url)
    if response.streaming:
        return response.status_code, b"".join(response.streaming_content)
    return response.status_code, response.content


def _fetch(client: Client, url: str) -> tuple[list[float], int, bytes]:
    """Timings of RENDERS requests, the queries of one request, and the response body."""
    with CaptureQueriesContext(connection) as queries:
        status, body = _get(client, url)
    count = len(queries.captured_queries)
    if status != 200:
        raise AssertionError(f"{url} answered {status}, not 200")
    times, _ = _timed(lambda: _get(client, url), RENDERS)
    return times, count, body


def _measure() -> list[tuple[str, str]]:
    plan, _ = plan_load(data=parse_plan_text(PLAN_FILE.read_text(), str(PLAN_FILE)))
    commissioner = _user("bench-delivery-commissioner@example.org", Role.COMMISSIONER)
    lead = _user("bench-performance@example.org", Role.PERFORMANCE_LEAD)
    # The last whole year of the contracts' accepted returns; the awards are decided in it.
    year = Quarter.containing(timezone.localdate()).previous().year - 1
    round = RoundFactory(plan=plan, status="closed")
    build, _ = _timed(
        lambda: (
            bulk_awards(round=round, count=AWARDS, year=year),
            bulk_contracts(
                count=CONTRACTS,
                quarters=QUARTERS,
                commissioner=commissioner,
                plan=plan,
                values=True,
            ),
        ),
        1,
    )
    client = Client()
    client.force_login(lead)
    _second_factor(client, lead)
    rows = [
        (f"build {AWARDS} awards and {CONTRACTS} contracts (bulk builders)", f"{build[0]:.0f} ms")
    ]

    selector_times, result = _timed(lambda: dashboard(Scope(plan=plan, year=year)), 5)
    if result.totals.awards != AWARDS or result.totals.contracts != CONTRACTS:
        raise AssertionError(
            f"dashboard counted {result.totals.awards} awards, {result.totals.contracts} contracts"
        )
    median, p95 = _summary(selector_times)
    rows.append(("delivery.selectors.dashboard() alone (median of 5)", median))

    dashboard_url, awards_url = reverse("delivery:dashboard"), reverse("delivery:awards")
    pages = [
        (
            f"/delivery/ dashboard, {AWARDS} awards, {CONTRACTS} contracts",
            dashboard_url,
            f"year={year}",
        ),
        ("/delivery/ all years", dashboard_url, "year=all"),
        (
            "/delivery/awards/ behind an outcome (page 2)",
            awards_url,
            f"year={year}&by=outcome&key=P3-O1&page=2",
        ),
        (
            "/delivery/bids/ behind the TOTAL (page 3)",
            reverse("delivery:bids"),
            f"year={year}&by=area&key=total&page=3",
        ),
        (
            "/delivery/contracts/ behind a priority",
            reverse("delivery:contracts"),
            f"year={year}&by=priority&key=P1",
        ),
        ("CSV of the outcome table", dashboard_url, f"year={year}&table=outcomes&export=csv"),
        ("XLSX of the 5,000 awards behind the TOTAL", awards_url, f"year={year}&export=xlsx"),
    ]
    for label, url, query in pages:
        times, queries, body = _fetch(client, f"{url}?{query}")
        if (
            url == dashboard_url
            and "export" not in query
            and f"{AWARDS:,} grants".encode() not in body
        ):
            raise AssertionError(f"{label}: the page does not count {AWARDS:,} grants")
        median, p95 = _summary(times)
        rows += [
            (f"{label} (median of {RENDERS})", median),
            ("  95th percentile", p95),
            ("  queries per request", str(queries)),
        ]
    return rows


def run() -> list[tuple[str, str]]:
    # Rolled back, so the modules after this one see the database as migrated.
    with transaction.atomic():
        rows = _measure()
        transaction.set_rollback(True)
    return rows
