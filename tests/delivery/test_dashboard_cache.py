"""The plan-delivery dashboard is worked out once and kept in the cache, for everyone, until
something it counts is written: a grant, a bid, a payment, a contract, a return's figures or
the plan. Typing a draft bid forgets nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commissioning.models import ContractFunding, FundingStream
from core.versioned import rows_written
from core.workflow import transition_many
from delivery.selectors import Scope, cached_dashboard, dashboard
from delivery.selectors.tables import FIGURES_VERSION
from grants.models import Application, PaymentInstalment
from tests.commissioning.builders import make_contract
from tests.delivery.test_pages import THIS_YEAR, _award
from tests.factories import ApplicationFactory


def _scope(plan):
    return Scope(plan=plan, year=THIS_YEAR)


def test_the_dashboard_page_is_worked_out_once_for_everyone(client_for, personas, plan):
    _award(plan)
    url = reverse("delivery:dashboard")
    first = client_for(personas.performance_lead)
    with CaptureQueriesContext(connection) as cold:
        assert first.get(url, {"year": THIS_YEAR}).status_code == 200
    second = client_for(personas.commissioner)
    with CaptureQueriesContext(connection) as warm:
        response = second.get(url, {"year": THIS_YEAR})
    assert response.status_code == 200
    assert "1 grant" in response.content.decode()
    # The user and the filters' choices only: no award, bid or contract is read again.
    tables = ("grants_award", "grants_application", "commissioning_returnvalue")
    assert not [q for q in warm.captured_queries if any(t in q["sql"] for t in tables)]
    assert len(warm.captured_queries) < len(cold.captured_queries) - 8


def test_kept_figures_are_those_worked_out_afresh(plan):
    _award(plan, amount="1500")
    _award(plan, priority="P1", outcomes=("P1-O1",), districts=("Leeds", "Bradford"))
    kept = cached_dashboard(_scope(plan))
    again = cached_dashboard(_scope(plan))
    fresh = dashboard(_scope(plan))
    for board in (kept, again):
        assert board.scope == fresh.scope
        assert board.totals == fresh.totals
        assert board.priorities == fresh.priorities
        assert board.outcomes == fresh.outcomes
        assert board.areas == fresh.areas
        assert board.gaps == fresh.gaps


def test_each_scope_is_kept_apart(plan):
    _award(plan, year=THIS_YEAR - 1)
    assert cached_dashboard(_scope(plan)).totals.awards == 0
    assert cached_dashboard(Scope(plan=plan, year=None)).totals.awards == 1


def _paid(award):
    instalment = PaymentInstalment.objects.create(
        award=award, position=1, due_date=dt.date.today(), amount=award.amount
    )
    instalment.paid_amount = award.amount
    instalment.paid_on = dt.date.today()
    instalment.save()


def test_a_saved_award_shows_at_once(plan):
    award = _award(plan, amount="1000")
    assert cached_dashboard(_scope(plan)).totals.awarded == Decimal("1000")
    award.amount = Decimal("1250")
    award.save()
    assert cached_dashboard(_scope(plan)).totals.awarded == Decimal("1250")


def test_a_payment_a_link_and_a_deletion_show_at_once(plan):
    award = _award(plan, amount="1000", outcomes=("P3-O1",))
    board = cached_dashboard(_scope(plan))
    assert board.totals.paid == 0
    _paid(award)
    assert cached_dashboard(_scope(plan)).totals.paid == Decimal("1000")
    # A many-to-many change: the outcome's row loses the award.
    award.outcomes.clear()
    rows = {row.key: row for row in cached_dashboard(_scope(plan)).outcomes}
    assert rows["P3-O1"].figures.awards == 0
    PaymentInstalment.objects.filter(award=award).delete()
    assert cached_dashboard(_scope(plan)).totals.paid == 0


def test_a_contract_and_its_funding_written_in_bulk_show_at_once(plan, personas):
    assert cached_dashboard(_scope(plan)).totals.contracts == 0
    contract = make_contract(
        provider=personas.provider_org, commissioner=personas.commissioner, plan=plan
    )
    board = cached_dashboard(_scope(plan))
    assert board.totals.contracts == 1
    # A bulk write says so, as the services' bulk writes do (core.versioned.rows_written).
    other = next(stream for stream in FundingStream.values if stream != FundingStream.MOJ)
    ContractFunding.objects.bulk_create(
        [
            ContractFunding(
                contract=contract, stream=other, financial_year=THIS_YEAR, amount=Decimal(5000)
            )
        ]
    )
    rows_written.send(sender=ContractFunding)
    after = cached_dashboard(_scope(plan)).totals
    assert after.contract_value == board.totals.contract_value + 5000
    assert after == dashboard(_scope(plan)).totals


def test_moving_many_bids_at_once_forgets_the_figures(plan, personas):
    round = _award(plan).application.round
    bids = [ApplicationFactory(round=round, status="submitted") for _ in range(2)]
    cached_dashboard(_scope(plan))
    assert cache.get(FIGURES_VERSION)
    transition_many(
        list(Application.objects.filter(pk__in=[b.pk for b in bids])),
        to_status="withdrawn",
        actor=personas.officer,
    )
    assert cache.get(FIGURES_VERSION) is None


def test_typing_a_draft_forgets_nothing(plan):
    _award(plan)
    draft = ApplicationFactory(status="draft")
    cached_dashboard(_scope(plan))
    version = cache.get(FIGURES_VERSION)
    assert version
    draft.title = "A new title, typed"
    draft.save()
    assert cache.get(FIGURES_VERSION) == version


def test_a_list_behind_a_figure_keeps_its_total_until_a_grant_changes(client_for, personas, plan):
    award = _award(plan, amount="1000")
    client = client_for(personas.performance_lead)
    url = reverse("delivery:awards")
    query = {"year": THIS_YEAR, "by": "priority", "key": "P3"}
    assert client.get(url, query).context["drill"].totals.awarded == Decimal("1000")
    with CaptureQueriesContext(connection) as warm:
        response = client.get(url, query)
    assert response.context["drill"].totals.awarded == Decimal("1000")
    # The total is not added up again: only the page's awards are read.
    assert not [q for q in warm.captured_queries if q["sql"].startswith("SELECT COUNT(")]
    award.amount = Decimal("1400")
    award.save()
    assert client.get(url, query).context["drill"].totals.awarded == Decimal("1400")


def test_the_contracts_behind_a_figure_are_kept_until_a_contract_changes(
    client_for, personas, plan
):
    client = client_for(personas.performance_lead)
    url = reverse("delivery:contracts")
    query = {"year": THIS_YEAR, "by": "priority", "key": "total"}
    assert client.get(url, query).context["drill"].totals.contracts == 0
    make_contract(provider=personas.provider_org, commissioner=personas.commissioner, plan=plan)
    assert client.get(url, query).context["drill"].totals.contracts == 1
