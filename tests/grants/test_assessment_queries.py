"""Query counts of the assessment-stage list pages do not grow with rows (10 and 2,000)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from grants import services
from grants.models import Assessment
from grants.selectors.panel import RANKING_PAGE_SIZE
from grants.views.assessment import QUEUE_PAGE_SIZE
from tests.grants.builders import bulk_assessed_applications, bulk_assign, with_criteria
from tests.grants.conftest import make_round


@pytest.fixture
def round_with(plan, personas):
    def build(count: int):
        round = with_criteria(make_round(plan, number=count))
        applications = bulk_assessed_applications(round, count)
        return round, applications

    return build


@pytest.mark.parametrize("count", [10, 150])
def test_the_ranking_page_makes_the_same_queries_for_10_and_150_bids(
    round_with, client_for, personas, django_assert_max_num_queries, count
):
    round, _ = round_with(count)
    client = client_for(personas.officer)
    url = reverse("grants:staff-round-ranking", args=[round.uuid])
    # user, roles, round (+fund, plan), pots, the page's rows in full with each pot's total
    # above the line (drawn by the database), the count of assessed bids to freeze; the filter
    # choices (pots, districts, priorities) on the first visit only, then from the cache.
    # The session comes from the cache.
    with django_assert_max_num_queries(9):
        response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    shown = min(count, RANKING_PAGE_SIZE)
    assert body.count(f'id="{round.reference_prefix}-') == shown
    # One form for the whole page: one CSRF token, one select, a checkbox per assessed row.
    assert body.count("csrfmiddlewaretoken") == 1
    assert body.count("<select") == 4  # three filters and the one mark action
    assert body.count('name="application"') == shown
    with django_assert_max_num_queries(6):
        response = client.get(url, {"district": personas.org_a.district_id, "page": 2})
    assert response.status_code == 200
    # The page stays small: a page of rows, each well under 2 KB, whatever the round holds.
    assert len(body) < 40_000 + 1_600 * shown


@pytest.mark.parametrize("count", [10, 120])
def test_the_assessor_queue_makes_the_same_queries_for_10_and_120_assignments(
    round_with, client_for, personas, django_assert_max_num_queries, count
):
    _, applications = round_with(count)
    bulk_assign(applications, personas.assessor)
    done = applications[: count // 2]
    Assessment.objects.filter(application__in=done).update(status=Assessment.Status.SUBMITTED)
    client = client_for(personas.assessor)
    url = reverse("grants:assess-queue")
    # user, roles, the to-do and done counts, one page of assessments (+bid, round, fund,
    # organisation). The session comes from the cache; the page count needs no COUNT query.
    with django_assert_max_num_queries(4):
        response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    to_do = count - count // 2
    assert body.count("Awaiting conflict declaration") == min(to_do, QUEUE_PAGE_SIZE)
    assert "Submitted" not in body.split("<caption")[1]
    assert f"To do ({to_do})" in body
    with django_assert_max_num_queries(4):
        response = client.get(url, {"show": "done", "page": 2})
    assert response.status_code == 200
    page = response.context["page"]
    assert page.paginator.count == count // 2
    assert all(a.status == Assessment.Status.SUBMITTED for a in page)


@pytest.mark.parametrize("count", [10, 300])
def test_the_panel_list_and_round_summary_do_not_grow_with_bids(
    round_with, client_for, personas, django_assert_max_num_queries, count
):
    round, applications = round_with(count)
    for application in applications:
        application.mark = "recommended"
        application.save(update_fields=["mark"])
    panel = services.panel_freeze(round=round, actor=personas.officer)
    # session, user, roles, the panel (+round, fund), its bids (+organisation, district,
    # pot, award).
    client = client_for(personas.decision_maker)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("grants:panel-detail", args=[panel.uuid]))
    assert response.status_code == 200
    client = client_for(personas.officer)
    # user, roles, round (+fund, plan), the bids summed by priority and area, the plan's
    # priorities, the districts' names (when a bid names one), panels.
    with django_assert_max_num_queries(7):
        response = client.get(reverse("grants:staff-round-summary", args=[round.uuid]))
    assert response.status_code == 200
    with django_assert_max_num_queries(6):
        response = client.get(reverse("grants:panel-list"))
    assert response.status_code == 200


def test_bulk_assignment_queries_do_not_grow_per_bid_beyond_the_writes(
    round_with, personas, django_assert_max_num_queries
):
    round, applications = round_with(20)
    for application in applications:
        application.status = "eligible"
        application.save(update_fields=["status"])
    services.assessors_assign_balanced(
        round=round, assessors=[personas.assessor], per_application=1, actor=personas.officer
    )
    assert Assessment.objects.filter(application__round=round).count() == 20
