"""The commissioning pages make the same number of queries with 5 contracts or 300, each
with 12 quarters of returns: the dashboard, the contract list, the roll-up, a provider's
"your contracts", the contract page and the review page (which must not grow with the
previous quarters it compares against either).

Each test builds the small size, counts one request, grows to the large size and counts
again: both counts stay under the same fixed maximum and are equal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from commissioning.models import (
    Contract,
    ContractAmendment,
    ContractFunding,
    MeasureComment,
    MonitoringReturn,
    ReturnReview,
    Target,
)
from commissioning.quarters import Quarter
from tests.commissioning.builders import bulk_contracts, measure_set, measures

SMALL, LARGE = 5, 300
QUARTERS = 12
R = MonitoringReturn.Status


def _get(client, url: str, assert_max, limit: int):
    """One GET under the fixed maximum; the response and its exact query count."""
    with assert_max(limit), CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response, len(queries.captured_queries)


def _grow(personas, plan, *, to: int, **options) -> list[Contract]:
    """Bulk contracts (12 quarters each) up to `to` in all."""
    return bulk_contracts(
        count=to - Contract.objects.count(),
        quarters=QUARTERS,
        commissioner=personas.commissioner,
        plan=plan,
        **options,
    )


def _last_quarter() -> Quarter:
    """The newest quarter of the bulk contracts' returns: the one that ended last."""
    return Quarter.containing(timezone.localdate()).previous()


def test_the_dashboard_does_not_grow_with_contracts_or_returns(
    personas, plan, client_for, django_assert_max_num_queries
):
    client = client_for(personas.commissioner)
    last = _last_quarter()
    url = reverse("commissioning:dashboard") + f"?year={last.year}"
    counts = []
    for size in (SMALL, LARGE):
        _grow(personas, plan, to=size)
        # session, user, roles, returns by quarter and status, contract value by funding
        # stream, by service category and by plan priority, returns awaiting review and
        # overdue returns (each +contract, provider, service), the years with funding.
        response, count = _get(client, url, django_assert_max_num_queries, 10)
        counts.append(count)
        d = response.context["d"]
        assert d.financial_year == last.year
        # Every contract has one return for each quarter of the year up to the last.
        assert [q.total for q in d.quarters] == [
            size if n <= last.number else 0 for n in (1, 2, 3, 4)
        ]
        assert len(d.awaiting_review) <= 50 and len(d.overdue) <= 50
        assert d.total_value > 0
    assert counts[0] == counts[1], counts


def test_the_dashboard_reads_each_funding_year_once_not_every_funding_line(
    personas, plan, client_for
):
    """The year picker's query must return one row per year, read from the value tallies
    (a row per year, stream, service and priority), never from every funding line."""
    _grow(personas, plan, to=SMALL)
    client = client_for(personas.commissioner)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("commissioning:dashboard"))
    assert response.status_code == 200
    (years_query,) = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith(
            'SELECT DISTINCT "commissioning_contractvaluetally"."financial_year"'
        )
    ]
    with connection.cursor() as cursor:
        cursor.execute(years_query)
        rows = cursor.fetchall()
    years = set(ContractFunding.objects.values_list("financial_year", flat=True))
    assert len(rows) == len(years), f"{len(rows)} rows for {len(years)} years"


def test_the_contract_list_does_not_grow_with_contracts(
    personas, plan, client_for, django_assert_max_num_queries
):
    client = client_for(personas.commissioner)
    url = reverse("commissioning:contract-list")
    counts = []
    for size in (SMALL, LARGE):
        _grow(personas, plan, to=size)
        # session, user, roles, the count for the pages, one page of contracts (+provider,
        # service, lead commissioner; value, returns to review and overdue as subqueries).
        response, count = _get(client, url, django_assert_max_num_queries, 5)
        counts.append(count)
        page = response.context["page"]
        assert page.paginator.count == size
        assert len(page.object_list) == min(size, 50)
        assert all(c.total_value > 0 for c in page.object_list)
    assert counts[0] == counts[1], counts


def test_the_service_list_does_not_grow_with_services(
    personas, client_for, django_assert_max_num_queries
):
    from accounts.models import District
    from commissioning.models import Service

    districts = [District.objects.create(name=f"District {i}") for i in range(3)]
    client = client_for(personas.commissioner)
    counts = []
    for size in (5, 60):
        for i in range(Service.objects.count(), size):
            Service.objects.create(name=f"Service {i}", category="other").areas.set(districts)
        # session, user, roles, the services, their areas (one prefetch).
        response, count = _get(
            client, reverse("commissioning:service-list"), django_assert_max_num_queries, 5
        )
        counts.append(count)
        assert response.content.decode().count("District 2") == size
    assert counts[0] == counts[1], counts


def test_the_rollup_does_not_grow_with_contracts_or_returns(
    personas, plan, client_for, django_assert_max_num_queries
):
    client = client_for(personas.commissioner)
    last_year = _last_quarter().year - 1  # a whole year of accepted returns per contract
    url = reverse("commissioning:rollup") + (
        f"?measure_set={measure_set().pk}&financial_year={last_year}&period=FY"
    )
    counts = []
    for size in (SMALL, LARGE):
        _grow(personas, plan, to=size, values=True)
        # session, user, roles, the newest measure set (the form's initial), the chosen
        # measure set (validation), totals by measure and category, the returns and
        # contracts counted, the measure set's measures, the contracts that ran in the
        # period (with provider and service), their returns' statuses, and the measure set
        # choices rendered twice (the select and its label).
        response, count = _get(client, url, django_assert_max_num_queries, 12)
        counts.append(count)
        result = response.context["result"]
        assert (result.returns, result.contracts) == (4 * size, size)
        supported = next(row for row in result.rows if row.measure.code == "SUPPORTED")
        assert supported.returns == 4 * size
    assert counts[0] == counts[1], counts


def test_your_contracts_does_not_grow_with_contracts_or_returns(
    personas, plan, client_for, django_assert_max_num_queries
):
    client = client_for(personas.provider)
    url = reverse("commissioning:my-contracts")
    counts = []
    for size in (SMALL, LARGE):
        _grow(personas, plan, to=size, provider=personas.provider_org)
        # session, user, memberships (with whether any is a provider), roles, the
        # provider's contracts (+service, provider), their newest return versions.
        response, count = _get(client, url, django_assert_max_num_queries, 6)
        counts.append(count)
        contracts = response.context["contracts"]
        assert len(contracts) == size
        assert all(len(c.returns.all()) == QUARTERS for c in contracts)
        assert response.content.decode().count('href="/returns/') == size * QUARTERS
    assert counts[0] == counts[1], counts


def test_the_contract_page_does_not_grow_with_contracts(
    personas, plan, client_for, django_assert_max_num_queries
):
    client = client_for(personas.commissioner)
    counts = []
    for size in (SMALL, LARGE):
        contract = _grow(personas, plan, to=size)[0]
        ContractAmendment.objects.bulk_create(
            ContractAmendment(
                contract=contract,
                kind=ContractAmendment.Kind.VARIATION,
                effective_on=contract.start_date + dt.timedelta(days=30 * n),
                description=f"Variation {n}",
                reason="Demand rose",
                approved_by="Commissioning board",
                recorded_by=personas.commissioner,
            )
            for n in range(3)
        )
        url = reverse("commissioning:contract", args=[contract.uuid])
        # session, user, roles, the contract (as allowed), the contract again for the page
        # (+provider, service, lead commissioner, measure set, plan, priority), funding,
        # outcomes, themes, service areas, amendments (+who recorded them), returns, the
        # measure set's measures, this year's targets.
        response, count = _get(client, url, django_assert_max_num_queries, 13)
        counts.append(count)
        body = response.content.decode()
        assert body.count('href="/returns/') == QUARTERS
        assert body.count("Variation ") >= 3
    assert counts[0] == counts[1], counts


def _ready_for_review(monitoring_return: MonitoringReturn, reviewer) -> MonitoringReturn:
    """Submitted after one round of changes (a review with comments on two measures), with
    targets for its year."""
    MonitoringReturn.objects.filter(pk=monitoring_return.pk).update(
        status=R.SUBMITTED, rating="", submitted_at=timezone.now()
    )
    review = ReturnReview.objects.create(
        monitoring_return=monitoring_return,
        outcome=ReturnReview.Outcome.CHANGES_REQUESTED,
        comment="Check the age bands.",
        reviewer=reviewer,
    )
    numeric = [m for m in measures() if m.is_numeric]
    MeasureComment.objects.bulk_create(
        MeasureComment(review=review, measure=m, comment="Please check") for m in numeric[:2]
    )
    Target.objects.bulk_create(
        Target(
            contract_id=monitoring_return.contract_id,
            measure=m,
            financial_year=monitoring_return.financial_year,
            quarter=quarter,
            value=Decimal("10"),
        )
        for m in numeric
        for quarter in (1, 2, 3, 4, Target.YEAR)
    )
    return monitoring_return


def test_the_review_page_does_not_grow_with_previous_quarters_or_contracts(
    personas, plan, client_for, django_assert_max_num_queries
):
    """First a return with one previous quarter among 5 contracts, then one with four
    previous quarters (and eight more before them) among 300."""
    client = client_for(personas.commissioner)
    counts = []
    for size, quarters, previous_found in ((SMALL, 2, 1), (LARGE, QUARTERS, 4)):
        contract = bulk_contracts(
            count=size - Contract.objects.count(),
            quarters=quarters,
            commissioner=personas.commissioner,
            plan=plan,
            values=True,
        )[0]
        newest = contract.returns.order_by("-financial_year", "-quarter").first()
        _ready_for_review(newest, personas.commissioner)
        url = reverse("commissioning:return-review", args=[newest.uuid])
        # session, user, roles, the return (+contract, provider, service, lead
        # commissioner, measure set, what it corrects, reviewer), the measures (+the
        # measure each total must match), the latest review (+reviewer), its comments
        # (+measures), the previous four quarters' returns, the figures of this return
        # and those, the year's targets, every review (+reviewer), their comments
        # (+measures).
        response, count = _get(client, url, django_assert_max_num_queries, 14)
        counts.append(count)
        previous = response.context["previous"]
        assert len(previous) == 4
        assert sum(1 for _q, found in previous if found is not None) == previous_found
        row = next(r for r in response.context["rows"] if r.measure.code == "SUPPORTED")
        assert isinstance(row.value, Decimal) and row.target == Decimal("10")
        assert sum(1 for value in row.history if value is not None) == previous_found
        assert response.context["can_decide"]
        assert 'id="review-form"' in response.content.decode()
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize(("who", "queries"), [("provider", 9), ("commissioner", 8)])
def test_the_return_page_does_not_grow_with_contracts(
    personas, plan, client_for, who, queries, django_assert_max_num_queries
):
    client = client_for(personas.get(who))
    counts = []
    for size in (SMALL, LARGE):
        contract = _grow(personas, plan, to=size, provider=personas.provider_org, values=True)[0]
        newest = contract.returns.order_by("-financial_year", "-quarter").first()
        # Accepted, so the provider's page also asks whether a correction has been started.
        MonitoringReturn.objects.filter(pk=newest.pk).update(status=R.ACCEPTED, rating="green")
        url = reverse("commissioning:return", args=[newest.uuid])
        # session, user, roles, memberships, the return (+contract, provider, service, lead
        # commissioner, measure set, what it corrects, reviewer), the measures (+the
        # measure each total must match), the figures (+measures), the latest review; for
        # the provider, whether a correction has been started.
        response, count = _get(client, url, django_assert_max_num_queries, queries)
        counts.append(count)
        assert response.context["r"] == newest
        assert response.context["can_correct"] is (who == "provider")
    assert counts[0] == counts[1], counts
