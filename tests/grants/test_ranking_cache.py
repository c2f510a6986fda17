"""A page of the ranking is ranked once and kept in the cache until a bid in the round, or a
pot's budget, changes: never shown out of date (issue 18)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grants import services
from grants.models import Application
from grants.selectors.panel import ranking_page
from tests.grants.builders import bulk_assessed_applications, with_criteria
from tests.grants.conftest import make_round


@pytest.fixture
def ranked(plan):
    round = with_criteria(make_round(plan, number=8))
    bulk_assessed_applications(round, 8)
    return round


def _ranking_queries(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "OVER" in q["sql"].upper()]


def _rows(round):
    page = ranking_page(round=round, page_number=1)
    return [(bid.key.reference, bid.key.mark, bid.within_budget) for _, bid in page.page]


def test_a_second_visit_ranks_nothing(ranked, client_for, personas):
    client = client_for(personas.officer)
    url = reverse("grants:staff-round-ranking", args=[ranked.uuid])
    with CaptureQueriesContext(connection) as first:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as second:
        assert client.get(url).status_code == 200
    assert len(_ranking_queries(first)) == 1 and _ranking_queries(second) == []
    assert len(second.captured_queries) < len(first.captured_queries)


def test_a_mark_shows_at_once(ranked, personas, django_capture_on_commit_callbacks):
    before = _rows(ranked)
    bid = Application.objects.get(round=ranked, reference=before[0][0])
    with django_capture_on_commit_callbacks(execute=True):
        services.application_mark(application=bid, actor=personas.officer, mark="reserve")
    assert _rows(ranked)[0][:2] == (bid.reference, "reserve")


def test_a_bulk_mark_shows_at_once(ranked, personas, django_capture_on_commit_callbacks):
    _rows(ranked)
    uuids = list(Application.objects.filter(round=ranked).values_list("uuid", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        result = services.applications_mark_bulk(
            round=ranked, application_uuids=uuids, actor=personas.officer, mark="recommended"
        )
    assert result.done == len(uuids)
    assert {mark for _, mark, _ in _rows(ranked)} == {"recommended"}


def test_a_new_budget_moves_the_line_at_once(ranked):
    assert any(within for *_, within in _rows(ranked))
    # No save(): the budget is part of the key.
    ranked.pots.update(min_award=Decimal(0), max_award=Decimal(1), budget=Decimal(1))
    assert not any(within for *_, within in _rows(ranked))


def test_a_bid_leaving_the_ranking_goes_at_once(
    ranked, personas, django_capture_on_commit_callbacks
):
    before = _rows(ranked)
    bid = Application.objects.get(round=ranked, reference=before[0][0])
    with django_capture_on_commit_callbacks(execute=True):
        bid.status = Application.Status.WITHDRAWN
        bid.save(update_fields=["status"])
    assert bid.reference not in [reference for reference, *_ in _rows(ranked)]


def _line(client, round) -> str:
    body = client.get(reverse("grants:staff-round-ranking", args=[round.uuid])).content.decode()
    start = body.index("<strong>Budget line:</strong>")
    return body[start : body.index("</td>", start)]


def test_the_budget_line_says_why_the_bids_below_it_are_not_counted(plan, client_for, personas):
    client = client_for(personas.officer)
    over = with_criteria(make_round(plan, number=8))
    bulk_assessed_applications(over, 4)
    over.pots.update(min_award=Decimal(0), max_award=Decimal(1), budget=Decimal(1))
    assert "do not fit in the £1 budget" in _line(client, over)

    unscored = with_criteria(make_round(plan, number=9))
    bulk_assessed_applications(unscored, 4)
    Application.objects.filter(round=unscored).update(score_mean=None, moderated_score=None)
    line = _line(client, unscored)
    assert "not scored yet" in line and "do not fit" not in line
