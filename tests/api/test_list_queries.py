"""Every list endpoint asks the database the same number of times for 5 rows as for 500
(the page shows up to 200; each selector owns its joins and prefetches). Rows are
bulk-inserted so 500 take a moment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Membership, Organisation
from commissioning.models import MeasureSet
from grants.models import Application, Award, BudgetLine, Fund, PaymentInstalment, Pot, Round
from outcomes.models import Plan
from tests.api.conftest import make_token
from tests.commissioning.builders import bulk_contracts
from tests.factories import RoundFactory

pytestmark = pytest.mark.django_db


def _organisations(n: int, tag: str) -> list[Organisation]:
    return Organisation.objects.bulk_create(
        Organisation(
            name=f"Group {tag} {i}",
            type="community_group",
            address_line_1="1 Road",
            town="Leeds",
            postcode="LS1 1AA",
        )
        for i in range(n)
    )


def _applications(round: Round, n: int, organisations=None, **extra) -> list[Application]:
    organisations = organisations or _organisations(n, round.reference_prefix)
    pot = round.pots.first()
    priority = round.plan.priorities.first()
    applications = Application.objects.bulk_create(
        Application(
            round=round,
            organisation=organisation,
            status=extra.get("status", "submitted"),
            reference=f"{round.reference_prefix}-{i:04d}",
            submitted_at=timezone.now(),
            pot=pot,
            amount_requested=Decimal("5000"),
            primary_priority=priority,
            project_title=f"Project {i}",
            start_date=dt.date(2027, 1, 1),
            end_date=dt.date(2027, 6, 1),
        )
        for i, organisation in enumerate(organisations)
    )
    BudgetLine.objects.bulk_create(
        BudgetLine(application=a, description="Staff", category="staff", amount=Decimal("5000"))
        for a in applications
    )
    return applications


def _awards(applications) -> list[Award]:
    awards = Award.objects.bulk_create(
        Award(
            application=a,
            reference=a.reference,
            amount=a.amount_requested,
            planned_start=a.start_date,
            planned_end=a.end_date,
            plan=a.round.plan,
            primary_priority=a.primary_priority,
            decided_at=timezone.now(),
        )
        for a in applications
    )
    PaymentInstalment.objects.bulk_create(
        PaymentInstalment(
            award=award,
            position=1,
            due_date=timezone.localdate() - dt.timedelta(days=1),
            amount=award.amount,
        )
        for award in awards
    )
    return awards


def funds(personas, plan, n):
    Fund.objects.bulk_create(Fund(name=f"Fund {n}-{i}", code=f"f{n}-{i}") for i in range(n))
    return None, "/api/v1/funds/"


def rounds(personas, plan, n):
    fund = Fund.objects.create(name=f"Bulk {n}", code=f"bulk{n}")
    now = timezone.now()
    made = Round.objects.bulk_create(
        Round(
            fund=fund,
            number=i,
            title="R",
            opens_at=now - dt.timedelta(days=1),
            closes_at=now + dt.timedelta(days=9),
            status="open",
            plan=plan,
            reference_prefix=f"B{n}-{i}",
        )
        for i in range(n)
    )
    Pot.objects.bulk_create(Pot(round=r, name="Pot", max_award=100, budget=1000) for r in made)
    return None, "/api/v1/rounds/"


def plans(personas, plan, n):
    Plan.objects.bulk_create(
        Plan(
            code=f"p{n}-{i}",
            title="P",
            starts_on=dt.date(2000 + i % 50, 1, 1),
            ends_on=dt.date(2060, 1, 1),
        )
        for i in range(n)
    )
    return None, "/api/v1/plans/"


def organisations(personas, plan, n):
    # Signed in with the browser: an organisation's token shows only its own organisation.
    Membership.objects.bulk_create(
        Membership(user=personas.officer, organisation=o) for o in _organisations(n, f"mine{n}")
    )
    return personas.officer, "/api/v1/organisations/"


def my_applications(personas, plan, n):
    # Signed in with the browser: a person in many groups sees every group's applications.
    groups = _organisations(n, f"a{n}")
    Membership.objects.bulk_create(
        Membership(user=personas.applicant_a, organisation=o) for o in groups
    )
    _applications(RoundFactory(plan=plan), n, groups)
    return personas.applicant_a, "/api/v1/applications/"


def awards(personas, plan, n):
    _awards(_applications(RoundFactory(plan=plan), n, status="offered"))
    return make_token(personas.officer), "/api/v1/awards/"


def round_applications(personas, plan, n):
    round = RoundFactory(plan=plan)
    _applications(round, n)
    return make_token(personas.officer), f"/api/v1/rounds/{round.uuid}/applications/"


def round_assessments(personas, plan, n):
    round = RoundFactory(plan=plan)
    _applications(round, n, status="in_assessment")
    return make_token(personas.officer), f"/api/v1/rounds/{round.uuid}/assessments/"


def payments(personas, plan, n):
    _awards(_applications(RoundFactory(plan=plan), n, status="accepted"))
    return make_token(personas.officer), "/api/v1/payments-due/"


def contracts(personas, plan, n):
    bulk_contracts(
        count=n,
        quarters=1,
        commissioner=personas.commissioner,
        plan=plan,
        provider=personas.provider_org,
    )
    return make_token(personas.provider, personas.provider_org), "/api/v1/contracts/"


def returns(personas, plan, n):
    bulk_contracts(
        count=n,
        quarters=1,
        commissioner=personas.commissioner,
        plan=plan,
        provider=personas.provider_org,
    )
    return make_token(personas.commissioner), "/api/v1/returns/"


def measure_sets(personas, plan, n):
    MeasureSet.objects.bulk_create(
        MeasureSet(code=f"set-{n}-{i}", name=f"Set {i}", financial_year=2026) for i in range(n)
    )
    return make_token(personas.commissioner), "/api/v1/measure-sets/"


# Each list's queries, whatever its size: the token (1: token with its person and
# organisation; +1 for an organisation token: the membership), the page's count (1), the
# page's rows with their joins (1), and one per prefetched relation (rounds: pots and
# criteria; awards: outcomes, themes, instalments, bank details, reports; the rest none).
ENDPOINTS = {
    "funds": funds,
    "rounds": rounds,
    "plans": plans,
    "organisations": organisations,
    "applications": my_applications,
    "awards": awards,
    "round applications": round_applications,
    "round assessments": round_assessments,
    "payments due": payments,
    "contracts": contracts,
    "returns": returns,
    "measure sets": measure_sets,
}


def _count(api, personas, plan, build, n) -> tuple[int, int]:
    who, url = build(personas, plan, n)
    client = api(who if isinstance(who, str) else None)
    if who is not None and not isinstance(who, str):
        client.client.force_login(who)
    client.get(url)  # the token's last-used time is written on the first use only
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{url}?page_size=200")
    assert response.status_code == 200, response.content
    rows = len(response.json()["results"])
    return len(queries), rows


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_a_list_asks_as_often_for_500_rows_as_for_5(
    api, personas, plan, endpoint, django_db_blocker
):
    build = ENDPOINTS[endpoint]
    small, small_rows = _count(api, personas, plan, build, 5)
    large, large_rows = _count(api, personas, plan, build, 500)
    assert large_rows > small_rows, "the large list should show more rows"
    assert large == small, f"{endpoint}: {small} queries for 5 rows, {large} for 500"
