"""Counts kept in the cache and read afresh once what they count changes (issue 18): the
officers' list's bids per status, and the assign page's assessments per assessor. A count
is never out of date."""

from __future__ import annotations

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.workflow import transition
from grants.models import Application, Assessment
from grants.selectors.application_list import round_status_counts
from tests.grants.conftest import complete_application, submitted_application


def _counts(client, round) -> tuple[dict, list[str]]:
    url = reverse("grants:staff-round-applications", args=[round.uuid])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    grouped = [q["sql"] for q in queries.captured_queries if "GROUP BY" in q["sql"]]
    return response.context["page"].counts, grouped


def test_the_counts_come_from_the_cache_until_a_bid_changes_status(
    open_round, personas, client_for, django_capture_on_commit_callbacks
):
    bid = submitted_application(open_round, personas.org_a, personas.applicant_a)
    client = client_for(personas.officer)
    assert _counts(client, open_round)[0] == {"submitted": 1}
    counts, grouped = _counts(client, open_round)
    assert counts == {"submitted": 1} and grouped == []  # no count query: cached

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        transition(bid, to_status=Application.Status.ELIGIBLE, actor=personas.officer)
    counts, grouped = _counts(client, open_round)
    assert counts == {"eligible": 1} and len(grouped) == 1
    body = client.get(reverse("grants:staff-round-applications", args=[open_round.uuid]))
    assert "Eligible (1)" in body.content.decode() and "Submitted (1)" not in body.content.decode()


def test_a_new_draft_is_counted_at_once(
    open_round, personas, client_for, django_capture_on_commit_callbacks
):
    client = client_for(personas.officer)
    assert _counts(client, open_round)[0] == {}
    with django_capture_on_commit_callbacks(execute=True):
        complete_application(open_round, personas.org_b, personas.applicant_b)
    assert _counts(client, open_round)[0] == {"draft": 1}


def test_counts_read_while_a_change_is_uncommitted_are_not_kept_after_it(
    open_round, personas, django_capture_on_commit_callbacks
):
    bid = submitted_application(open_round, personas.org_a, personas.applicant_a)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        bid.status = Application.Status.WITHDRAWN
        bid.save(update_fields=["status"])
        # Another request, not seeing the change yet, reads and caches the old counts.
        Application.objects.filter(pk=bid.pk).update(status="submitted")
        assert round_status_counts(round=open_round) == {"submitted": 1}
        Application.objects.filter(pk=bid.pk).update(status="withdrawn")
    assert round_status_counts(round=open_round) == {"withdrawn": 1}


def test_a_search_or_filter_is_counted_in_the_database(open_round, personas, client_for):
    submitted_application(open_round, personas.org_a, personas.applicant_a)
    client = client_for(personas.officer)
    url = reverse("grants:staff-round-applications", args=[open_round.uuid])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"q": "zzz-no-such-bid"})
    assert response.context["page"].counts == {}
    assert [q for q in queries.captured_queries if "GROUP BY" in q["sql"]]


def _workload(client, round) -> tuple[dict, list[str]]:
    url = reverse("grants:staff-round-assign", args=[round.uuid])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    counted = [q["sql"] for q in queries.captured_queries if "grants_assessment" in q["sql"]]
    return {
        row["email"]: (row["active"], row["submitted"]) for row in response.context["workload"]
    }, counted


def test_the_workload_comes_from_the_cache_until_an_assessment_changes(
    open_round, personas, client_for, django_capture_on_commit_callbacks
):
    bid = submitted_application(open_round, personas.org_a, personas.applicant_a)
    assessor = personas.assessor
    client = client_for(personas.officer)
    assert _workload(client, open_round)[0][assessor.email] == (0, 0)
    workload, counted = _workload(client, open_round)
    assert workload[assessor.email] == (0, 0) and counted == []  # from the cache

    with django_capture_on_commit_callbacks(execute=True):
        assessment = Assessment.objects.create(application=bid, assessor=assessor)
    workload, counted = _workload(client, open_round)
    assert workload[assessor.email] == (1, 0) and counted

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        transition(assessment, to_status=Assessment.Status.IN_PROGRESS, actor=assessor)
        transition(assessment, to_status=Assessment.Status.SUBMITTED, actor=assessor)
    assert _workload(client, open_round)[0][assessor.email] == (1, 1)


def test_a_bulk_assignment_refreshes_the_counts_and_the_workload(
    open_round, personas, client_for, django_capture_on_commit_callbacks
):
    """Assigning many bids at once writes in bulk, past the models' save(): the service
    tells both cached counts itself."""
    from grants import services

    bid = submitted_application(open_round, personas.org_a, personas.applicant_a)
    Application.objects.filter(pk=bid.pk).update(status=Application.Status.ELIGIBLE)
    client = client_for(personas.officer)
    assert _counts(client, open_round)[0] == {"eligible": 1}
    assert _workload(client, open_round)[0][personas.assessor.email] == (0, 0)
    with django_capture_on_commit_callbacks(execute=True):
        result = services.assessment_assign_bulk(
            round=open_round,
            application_uuids=[bid.uuid],
            assessor=personas.assessor,
            actor=personas.officer,
        )
    assert result.done == 1
    assert _counts(client, open_round)[0] == {"in_assessment": 1}
    assert _workload(client, open_round)[0][personas.assessor.email] == (1, 0)
