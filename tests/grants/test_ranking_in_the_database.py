"""The ranking page draws the budget line in the database (window functions over the whole
pot): for random pots its rows, ranks, running totals and line are those of the reference
rule, grants.scoring.budget_line, on SQLite and on PostgreSQL, with and without the filters,
read page by page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from accounts.models import District, Organisation
from grants import scoring
from grants.models import Application, Pot
from grants.selectors.panel import RANKED_STATUSES, ranking_page
from tests.grants.conftest import make_round

S = Application.Status
M = Application.Mark
BIDS = 24

scores = st.one_of(
    st.none(),
    st.sampled_from([D("0.00"), D("50.00"), D("75.50")]),  # make ties likely
    st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False),
)
amounts = st.one_of(
    st.sampled_from([D("0.10"), D("0.20"), D("1000.00"), D("2500.50")]),  # ties, float traps
    st.decimals(min_value=D("0.01"), max_value=9000, places=2),
)
bids = st.lists(
    st.fixed_dictionaries(
        {
            "pot": st.integers(0, 1),
            "score_mean": scores,
            "moderated_score": st.one_of(st.none(), st.none(), scores),
            "amount_requested": amounts,
            "recommended_amount": st.one_of(st.none(), amounts),
            "mark": st.sampled_from(["", M.RECOMMENDED, M.RESERVE, M.NOT_RECOMMENDED]),
            "status": st.sampled_from(
                [S.ASSESSED, S.ASSESSED, S.NOT_RECOMMENDED, S.APPROVED, S.IN_ASSESSMENT, S.DRAFT]
            ),
            "minute": st.integers(0, 3),  # equal submission times are likely
        }
    ),
    max_size=BIDS,
)
budgets = st.one_of(
    st.sampled_from([D("0.30"), D("2500.50"), D("5000.00")]),
    st.decimals(min_value=D("0.01"), max_value=40000, places=2),
    # The running total after the n-th bid, a penny either side: the line's edge.
    st.tuples(st.integers(0, BIDS), st.sampled_from([D("-0.01"), D(0), D("0.01")])),
)


@pytest.fixture
def world(plan):
    round = make_round(plan, number=8, prefix="RANK")
    districts = list(District.objects.order_by("pk")) or [District.objects.create(name="Leeds")]
    priorities = list(plan.priorities.order_by("pk"))[:2]
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Ranked group {n}",
            type=Organisation.Type.COMMUNITY_GROUP,
            address_line_1="1 High Street",
            town="Leeds",
            postcode="LS1 1AA",
            district=districts[n % 2],
            is_applicant=True,
        )
        for n in range(BIDS)
    )
    return round, list(round.pots.all()), organisations, districts[:2], priorities


def bid(score, amount, mark="", status=S.ASSESSED) -> dict:
    return {
        "pot": 0,
        "score_mean": score,
        "moderated_score": None,
        "amount_requested": D(amount),
        "recommended_amount": None,
        "mark": mark,
        "status": status,
        "minute": 0,
    }


def reference(n: int) -> str:
    return f"RANK-{(7 * n) % 31:04d}"  # not in the order the bids were made


def expected(specs, budgets, start) -> dict[int, list[scoring.RankedBid]]:
    """What the reference rule says of each pot."""
    by_pot: dict[int, list[scoring.RankedBid]] = {0: [], 1: []}
    for n, spec in enumerate(specs):
        if spec["status"] not in RANKED_STATUSES:
            continue
        score = spec["moderated_score"]
        by_pot[spec["pot"]].append(
            scoring.RankedBid(
                key=(reference(n), n),
                score=spec["score_mean"] if score is None else score,
                amount=spec["recommended_amount"] or spec["amount_requested"],
                submitted_order=(start + dt.timedelta(minutes=spec["minute"]), reference(n)),
                counts=spec["mark"] != M.NOT_RECOMMENDED and spec["status"] != S.NOT_RECOMMENDED,
            )
        )
    return {n: scoring.budget_line(by_pot[n], budgets[n]) for n in by_pot}


def budget_for(spec, specs, pot: int, start) -> D:
    if isinstance(spec, D):
        return spec
    row, penny = spec
    ranked = expected(specs, (D(10**9), D(10**9)), start)[pot]
    total = ranked[min(row, len(ranked) - 1)].running_total if ranked else D(1)
    return max(total + penny, D("0.01"))


def read_every_page(round, **filters) -> tuple[list, dict]:
    rows, number, totals = [], 1, {}
    while True:
        ranking = ranking_page(round=round, page_number=number, page_size=7, **filters)
        rows += [(owner.pot.name, bid) for owner, bid in ranking.page.object_list]
        totals = {r.pot.name: (r.within_total, r.shown) for r in ranking.rankings}
        if not ranking.page.has_next():
            return rows, totals
        number += 1


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    specs=bids,
    budgets=st.tuples(budgets, budgets),
    district=st.sampled_from([None, 0, 1]),
    priority=st.sampled_from([None, 0]),
)
# An unscored bid that does not count comes before the first unscored one that does: the
# line still falls above the one that counts.
@example(
    specs=[bid(D(50), "100"), bid(None, "1", M.NOT_RECOMMENDED), bid(None, "5")],
    budgets=(D(1000), D(1000)),
    district=None,
    priority=None,
)
def test_the_database_draws_the_line_of_the_reference_rule(
    world, specs, budgets, district, priority
):
    round, pots, organisations, districts, priorities = world
    start = timezone.now()
    budgets = tuple(budget_for(spec, specs, pot, start) for pot, spec in enumerate(budgets))
    with transaction.atomic():
        for pot, budget in zip(pots, budgets, strict=True):
            Pot.objects.filter(pk=pot.pk).update(min_award=0, max_award=budget, budget=budget)
        Application.objects.bulk_create(
            Application(
                round=round,
                organisation=organisations[n],
                pot=pots[spec["pot"]],
                reference=reference(n),
                submitted_at=start + dt.timedelta(minutes=spec["minute"]),
                primary_priority=priorities[n % 2],
                score_mean=spec["score_mean"],
                moderated_score=spec["moderated_score"],
                amount_requested=spec["amount_requested"],
                recommended_amount=spec["recommended_amount"],
                mark=spec["mark"],
                status=spec["status"],
            )
            for n, spec in enumerate(specs)
        )
        # The page reads the pots' budgets from the round.
        round.refresh_from_db()
        # The bids were bulk-created, past Application.save, which tells the ranking kept in
        # the cache that they changed: this example must not be served the last one's pages.
        cache.clear()
        filters = {
            "district_id": None if district is None else districts[district].pk,
            "priority_id": None if priority is None else priorities[priority].pk,
        }
        rows, totals = read_every_page(round, **filters)
        transaction.set_rollback(True)

    ranked = expected(specs, budgets, start)
    shown = [
        (pots[pot].name, bid)
        for pot in (0, 1)
        for bid in ranked[pot]
        if (district is None or organisations[bid.key[1]].district_id == filters["district_id"])
        and (priority is None or bid.key[1] % 2 == priority)
    ]

    def facts(name, bid):
        return (name, bid.rank, bid.running_total, bid.within_budget, bid.first_below_line)

    assert [(name, bid.key.reference) for name, bid in rows] == [
        (name, bid.key[0]) for name, bid in shown
    ]
    assert [facts(name, bid) for name, bid in rows] == [facts(name, bid) for name, bid in shown]
    assert [(bid.counts, bid.amount) for _, bid in rows] == [(b.counts, b.amount) for _, b in shown]
    # Each pot's total above the line is over the whole pot, whatever the filters hide.
    assert totals == {
        pots[pot].name: (
            sum((bid.amount for bid in ranked[pot] if bid.within_budget), D(0)),
            sum(1 for name, _ in shown if name == pots[pot].name),
        )
        for pot in (0, 1)
    }


def test_a_pot_filter_shows_that_pot_alone(world):
    round, pots, organisations, _, _ = world
    Application.objects.bulk_create(
        Application(
            round=round,
            organisation=organisations[n],
            pot=pots[n % 2],
            reference=reference(n),
            submitted_at=timezone.now(),
            score_mean=D(50 + n),
            amount_requested=D("1000"),
            status=S.ASSESSED,
        )
        for n in range(5)
    )
    ranking = ranking_page(round=round, page_number=None, pot_id=pots[1].pk)
    assert [r.pot for r in ranking.rankings] == [pots[1]]
    assert [bid.key.reference for _, bid in ranking.page.object_list] == [
        reference(3),
        reference(1),
    ]
    assert [bid.rank for _, bid in ranking.page.object_list] == [1, 2]


def test_a_page_past_the_end_shows_the_last_and_a_bad_number_the_first(world):
    round, pots, organisations, _, priorities = world
    Application.objects.bulk_create(
        Application(
            round=round,
            organisation=organisations[n],
            pot=pots[n % 2],
            reference=reference(n),
            submitted_at=timezone.now(),
            primary_priority=priorities[0],
            score_mean=D(50 + n),
            amount_requested=D("1000"),
            status=S.ASSESSED,
        )
        for n in range(10)
    )
    Pot.objects.filter(pk=pots[1].pk).update(min_award=0, max_award=2000, budget=2000)
    round.refresh_from_db()

    def shown(page_number, **filters):
        ranking = ranking_page(round=round, page_number=page_number, page_size=4, **filters)
        references = [bid.key.reference for _, bid in ranking.page.object_list]
        return ranking.page.number, references, [r.within_total for r in ranking.rankings]

    # Pot 1 (the first in order) ranks 8, 6, 4, 2, 0; pot 2 ranks 9, 7, ...: 10 rows, 3 pages.
    first = [reference(n) for n in (8, 6, 4, 2)]
    last = [reference(n) for n in (3, 1)]
    totals = [D("5000"), D("2000")]
    assert shown(1) == (1, first, totals)
    assert shown(3) == (3, last, totals)
    for past_the_end in (4, 99, "0", -1):
        assert shown(past_the_end) == (3, last, totals)
    for not_a_number in (None, "", "abc", "2.5"):
        assert shown(not_a_number) == (1, first, totals)
    # No row shown: the page is empty, the pots' totals are still those of the whole pot.
    assert shown(2, priority_id=priorities[1].pk) == (1, [], totals)
