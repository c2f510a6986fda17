"""Plan loading and the staff organisation list at scale (2,000 organisations)."""

from __future__ import annotations

import time

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import District, Membership, Organisation, User
from accounts.roles import Role
from outcomes.plan_file import parse_plan_text
from outcomes.services import plan_load

PLAN_FILE = settings.BASE_DIR / "data" / "plans" / "police-and-crime-plan-2021-24.yaml"
ORGANISATIONS = 2000


def _timed(fn, repeat: int = 5) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return best * 1000, result


def _get(client: Client, url: str) -> tuple[float, int]:
    with CaptureQueriesContext(connection) as queries:
        ms, response = _timed(lambda: client.get(url))
    assert response.status_code == 200, (url, response.status_code)
    return ms, len(queries.captured_queries) // 5


def run() -> list[tuple[str, str]]:
    text = PLAN_FILE.read_text()
    first_ms, _ = _timed(lambda: plan_load(data=parse_plan_text(text)), repeat=1)
    again_ms, _ = _timed(lambda: plan_load(data=parse_plan_text(text)))

    districts = list(District.objects.all())
    Organisation.objects.bulk_create(
        Organisation(
            name=f"Bench Group {n:05d}",
            type=Organisation.Type.COMMUNITY_GROUP,
            address_line_1="1 High Street",
            town="Leeds",
            postcode="LS1 1AA",
            district=districts[n % len(districts)],
        )
        for n in range(ORGANISATIONS)
    )
    owner = User.objects.create_user("bench-owner@example.org", "bench-password-long")
    Membership.objects.bulk_create(
        Membership(user=owner, organisation=organisation, role="owner")
        for organisation in Organisation.objects.all()
    )
    officer = User.objects.create_user("bench-officer@example.org", "bench-password-long")
    from django.contrib.auth.models import Group

    officer.groups.add(Group.objects.get(name=Role.GRANTS_OFFICER.label))
    client = Client()
    client.force_login(officer)
    list_ms, list_queries = _get(client, "/staff/organisations/")
    search_ms, _ = _get(client, "/staff/organisations/?q=Group+01")
    plan_ms, plan_queries = _get(client, "/plan/")
    return [
        ("load_plan, first load (64 rows)", f"{first_ms:.0f} ms"),
        ("load_plan, unchanged reload (best of 5)", f"{again_ms:.0f} ms"),
        (f"/staff/organisations/ with {ORGANISATIONS} organisations", f"{list_ms:.0f} ms"),
        ("  queries per request", str(list_queries)),
        ("/staff/organisations/ name search", f"{search_ms:.0f} ms"),
        ("/plan/ (4 priorities, 24 outcomes, 27 indicators)", f"{plan_ms:.0f} ms"),
        ("  queries per request", str(plan_queries)),
    ]
