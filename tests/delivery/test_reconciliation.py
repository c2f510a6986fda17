"""The plan-delivery figures for the demo world, checked against tables worked out by hand
from the demo's definitions (grants/demo.py, commissioning/demo.py), and every figure
against the list behind it.

The demo is seeded on 20 November 2026, so "this year" is 2026/27 and last year 2025/26:
  Round 6 (decided 10 June 2025, so 2025/26; bids submitted 6 May 2025):
    MSCF-R6-0001 Manningham, Bradford, P3, 5,800, paid; end-of-grant report: 56 people
    MSCF-R6-0002 Calder Valley, Calderdale and Kirklees (Multi-District), P2, 17,500, paid;
                 end-of-grant report: 282 people
    MSCF-R6-0003 Restorative Futures, across West Yorkshire, P4, 15,000, paid; 6-month
                 report: 72 people
    MSCF-R6-0004 Chapeltown, Leeds, P3, asked 6,500: declined (Leeds bid, no award)
  Round 7 (decided on the day of seeding, so 2026/27; bids submitted 2 December 2024):
    MSCF-R7-0001 Manningham, Bradford, P3, 7,000 (asked 7,500)
    MSCF-R7-0002 Calder Valley, Calderdale, P2, 18,000
    MSCF-R7-0003 Street Angels, Kirklees and Wakefield (Multi-District), P3, 6,000, paid
    MSCF-R7-0004 Chapeltown, across West Yorkshire, P4, 5,200
    MSCF-R7-0005 Restorative Futures, Wakefield, asked 16,500: declined
  Round 8 (open; bids submitted on the day of seeding): Manningham (Bradford, P3, 7,500),
    Calder Valley (Calderdale, P2, 18,000), Street Angels (Kirklees, P3, 6,000).
  Contracts, all under P1 with its first two outcomes and the plan's first theme (the
  safety of women and girls), funded per year: ISVA 420,000 MoJ + 35,000 match; IDVA
  380,000 MoJ + 40,000 Community Safety Fund; Rape Crisis 210,000 MoJ; CARA 95,000 Home
  Office + 20,000 VRP: 1,200,000 in each of 2025/26 and 2026/27.
  Every award and bid is aligned to its priority's first two outcomes, so the outcomes
  funded are the first two of each priority: the other 16 are gaps in both years.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Sum
from django.urls import reverse

from accounts.models import User
from commissioning.models import FundingStream, MonitoringReturn, ReturnValue
from delivery import selectors
from delivery.selectors import DIMENSIONS, KINDS, TOTAL, Scope
from outcomes.models import Plan

LONDON = ZoneInfo("Europe/London")
SEEDED = dt.datetime(2026, 11, 20, 10, 0, tzinfo=LONDON)
D = Decimal

# priority: (grants, awarded, paid, contracts, contract value, bids, requested, people)
BY_PRIORITY = {
    2026: {
        "P1": (0, "0", "0", 4, "1200000", 0, "0", 0),
        "P2": (1, "18000", "0", 0, "0", 1, "18000", 0),
        "P3": (2, "13000", "6000", 0, "0", 2, "13500", 0),
        "P4": (1, "5200", "0", 0, "0", 0, "0", 0),
        TOTAL: (4, "36200", "6000", 4, "1200000", 3, "31500", 0),
    },
    2025: {
        "P1": (0, "0", "0", 4, "1200000", 0, "0", 0),
        "P2": (1, "17500", "17500", 0, "0", 1, "17500", 282),
        "P3": (1, "5800", "5800", 0, "0", 2, "12300", 56),
        "P4": (1, "15000", "15000", 0, "0", 1, "15000", 72),
        TOTAL: (3, "38300", "38300", 4, "1200000", 4, "44800", 410),
    },
}
# The Safer Communities Fund's district table: District | No of Projects | Total Spend,
# then the bids received and the amount they asked for.
BY_DISTRICT = {
    2026: [
        ("Bradford", 1, "7000", 1, "7500"),
        ("Calderdale", 1, "18000", 1, "18000"),
        ("Kirklees", 0, "0", 1, "6000"),
        ("Leeds", 0, "0", 0, "0"),
        ("Wakefield", 0, "0", 0, "0"),
        ("Multi-District", 1, "6000", 0, "0"),
        ("Across West Yorkshire", 1, "5200", 0, "0"),
        ("TOTAL", 4, "36200", 3, "31500"),
    ],
    2025: [
        ("Bradford", 1, "5800", 1, "5800"),
        ("Calderdale", 0, "0", 0, "0"),
        ("Kirklees", 0, "0", 0, "0"),
        ("Leeds", 0, "0", 1, "6500"),
        ("Wakefield", 0, "0", 0, "0"),
        ("Multi-District", 1, "17500", 1, "17500"),
        ("Across West Yorkshire", 1, "15000", 1, "15000"),
        ("TOTAL", 3, "38300", 4, "44800"),
    ],
}
FUNDED_OUTCOMES = {f"P{p}-O{o}" for p in (1, 2, 3, 4) for o in (1, 2)}
GAPS = {
    # (themes, districts with bids but no awards)
    2026: (["Diversity, Equality and Inclusion"], []),
    2025: ([], [("Leeds", 1, "6500")]),
}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo world, seeded once for the module on 20 November 2026, rolled back after."""
    from django.contrib.auth.models import Group
    from django.db import transaction
    from django.test import override_settings

    from accounts.roles import Role
    from commissioning.catalogue import seed_measure_set
    from commissioning.models import Measure, MeasureSet

    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        time_machine.travel(SEEDED, tick=False),
        override_settings(
            DEBUG=True, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
        ),
    ):
        seed_measure_set(MeasureSet, Measure, year=2026, code="victim-services-2026-27")
        for role in Role:
            Group.objects.get_or_create(name=role.label)
        call_command("seed_demo", stdout=StringIO())
        yield Plan.objects.get(is_current=True)
        transaction.set_rollback(True)


@pytest.fixture
def plan(demo, db):
    with time_machine.travel(SEEDED, tick=False):
        yield demo


def _figures(row) -> tuple:
    f = row.figures
    return (
        f.awards,
        f.awarded,
        f.paid,
        f.contracts,
        f.contract_value,
        f.bids,
        f.requested,
        f.people_reached,
    )


def _expected(values: tuple) -> tuple:
    grants, awarded, paid, contracts, value, bids, requested, people = values
    return (grants, D(awarded), D(paid), contracts, D(value), bids, D(requested), people)


@pytest.mark.parametrize("year", [2026, 2025])
def test_the_priority_table_matches_the_hand_computed_one(plan, year):
    dashboard = selectors.dashboard(Scope(plan=plan, year=year))
    found = {row.key: _figures(row) for row in dashboard.priorities}
    assert found == {key: _expected(values) for key, values in BY_PRIORITY[year].items()}


@pytest.mark.parametrize("year", [2026, 2025])
def test_the_district_table_and_its_total_match_the_hand_computed_one(plan, year):
    dashboard = selectors.dashboard(Scope(plan=plan, year=year))
    found = [
        (r.label, r.figures.awards, r.figures.awarded, r.figures.bids, r.figures.requested)
        for r in dashboard.areas
    ]
    assert found == [(a, n, D(s), b, D(q)) for a, n, s, b, q in BY_DISTRICT[year]]


@pytest.mark.parametrize("year", [2026, 2025])
def test_the_gaps_are_listed(plan, year):
    gaps = selectors.dashboard(Scope(plan=plan, year=year)).gaps
    every_outcome = list(plan.outcomes.order_by("priority__position", "position"))
    assert [row.code for row in gaps.outcomes] == [
        o.code for o in every_outcome if o.code not in FUNDED_OUTCOMES
    ]
    assert len(gaps.outcomes) == 16
    themes, districts = GAPS[year]
    assert [row.label for row in gaps.themes] == themes
    assert [(r.label, r.figures.bids, r.figures.requested) for r in gaps.districts] == [
        (label, bids, D(requested)) for label, bids, requested in districts
    ]


@pytest.mark.parametrize("year", [2026, 2025])
def test_victims_supported_add_up_the_accepted_returns_of_the_year(plan, year):
    expected = ReturnValue.objects.filter(
        measure__code="SUPPORTED",
        category="",
        monitoring_return__financial_year=year,
        monitoring_return__status=MonitoringReturn.Status.ACCEPTED,
        monitoring_return__superseded_at__isnull=True,
    ).aggregate(total=Sum("value"))["total"]
    totals = selectors.dashboard(Scope(plan=plan, year=year)).totals
    assert expected > 0
    assert totals.victims_supported == expected


def test_all_years_add_up_both_years_and_the_bids_before_them(plan):
    totals = selectors.dashboard(Scope(plan=plan, year=None)).totals
    assert (totals.awards, totals.awarded, totals.people_reached) == (7, D("74500"), 410)
    # Round 7's five bids were submitted in 2024/25: they count only in "all years".
    assert (totals.bids, totals.requested) == (12, D("129500"))


@pytest.mark.parametrize("year", [2026, 2025, None])
def test_every_figure_equals_the_total_of_the_list_behind_it(plan, year):
    scope = Scope(plan=plan, year=year)
    dashboard = selectors.dashboard(scope)
    tables = {
        "priority": dashboard.priorities,
        "outcome": dashboard.outcomes,
        "theme": dashboard.themes,
        "area": dashboard.areas,
    }
    checked = 0
    for dimension, rows in tables.items():
        for row in rows:
            for kind in KINDS:
                drill = selectors.drilldown(scope, dimension=dimension, key=row.key, kind=kind)
                assert drill is not None
                assert drill.figures == row.figures, (dimension, row.key, kind)
                items = drill.items
                if kind == "awards":
                    assert len(items) == row.figures.awards
                    assert sum((a.amount for a in items), D(0)) == row.figures.awarded
                    assert sum((a.paid for a in items), D(0)) == row.figures.paid
                elif kind == "contracts":
                    assert len(items) == row.figures.contracts
                    assert sum((c.value for c in items), D(0)) == row.figures.contract_value
                    assert sum(c.victims_supported for c in items) == row.figures.victims_supported
                else:
                    assert len(items) == row.figures.bids
                    assert sum((b.requested for b in items), D(0)) == row.figures.requested
                checked += 1
    assert checked == 3 * sum(len(rows) for rows in tables.values())
    assert set(tables) | {"district"} == set(DIMENSIONS)


def test_a_district_gaps_link_lists_its_bids(plan, client):
    client.force_login(User.objects.get(email="performance@demo.example"))
    page = client.get(reverse("delivery:dashboard"), {"year": "2025"}).content.decode()
    gap = page[page.index('id="gap-districts"') :]
    link = gap[gap.index('href="') + 6 : gap.index('"', gap.index('href="') + 6)].replace(
        "&amp;", "&"
    )
    assert "by=district&key=leeds" in link
    listed = client.get(link).content.decode()
    assert "MSCF-R6-0004" in listed
    assert "Chapeltown After Dark" in listed
    assert "1 bid asking for £6,500" in listed


def test_the_pages_figures_link_to_lists_whose_totals_are_the_figures(plan, client):
    """Follow each money figure of the district table on the page: the list's total is it."""
    import re

    client.force_login(User.objects.get(email="performance@demo.example"))
    page = client.get(reverse("delivery:dashboard"), {"year": "2026"}).content.decode()
    table = page[page.index('<table class="govuk-table" id="districts">') :]
    table = table[: table.index("</table>")]
    followed = 0
    for figure, cell in re.findall(r'data-figure="(awarded|requested)">(.*?)</td>', table):
        link = re.search(r'href="([^"]+)">([^<]+)<', cell)
        if link is None:
            continue  # a zero is not linked
        href, shown = link.group(1).replace("&amp;", "&"), link.group(2)
        listed = client.get(href).content.decode()
        total_id = "total-awarded" if figure == "awarded" else "total-requested"
        total = re.search(rf'id="{total_id}">([^<]+)<', listed)
        assert total is not None and total.group(1) == shown, href
        followed += 1
    assert followed == 9  # spend: 4 areas and the TOTAL; requested: 3 districts and the TOTAL


@pytest.mark.parametrize("year", [2026, 2025])
def test_each_funding_streams_value_is_the_total_of_the_contracts_listed_for_it(plan, year):
    rows = selectors.dashboard(Scope(plan=plan, year=year)).priorities
    assert rows[-1].figures.streams == {
        "moj_victims": D("1010000"),  # ISVA 420,000, IDVA 380,000, Rape Crisis 210,000
        "match": D("35000"),
        "community_safety": D("40000"),
        "home_office": D("95000"),
        "vrp": D("20000"),
    }
    for row in rows:
        for stream in FundingStream.values:
            scope = Scope(plan=plan, year=year, stream=stream)
            listed = selectors.drilldown(scope, dimension="priority", key=row.key, kind="contracts")
            assert listed is not None
            assert listed.figures.contract_value == row.figures.stream(stream), (row.key, stream)


def test_each_table_can_be_had_on_its_own_for_a_report(plan):
    scope = Scope(plan=plan, year=2025)
    whole = selectors.dashboard(scope)
    assert selectors.priority_table(scope) == whole.priorities
    assert selectors.outcome_table(scope) == whole.outcomes
    assert selectors.theme_table(scope) == whole.themes
    assert selectors.district_table(scope) == whole.areas
    assert selectors.gaps_of(scope) == whole.gaps
