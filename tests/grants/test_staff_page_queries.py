"""The officers' round pages make the same queries with 3 rows or 30: the round summary, the
letters page, assigning assessors, a bid's page, the per-bid mark page and the list's bulk
assign action. The rows are bulk-built; each test counts one request at both sizes."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from accounts.models import District, User
from accounts.roles import Role
from core.models import OutboxMessage, StatusChange
from grants import services
from grants.models import Application, Assessment, Score
from tests.grants.builders import bulk_assessed_applications, bulk_assign, with_criteria
from tests.grants.conftest import make_round

SIZES = [3, 30]


@pytest.fixture
def round_with(plan, personas):
    def build(count: int, **kwargs):
        round = with_criteria(make_round(plan, number=count))
        return round, bulk_assessed_applications(round, count, **kwargs)

    return build


def _assessors(count: int) -> list[User]:
    users = User.objects.bulk_create(
        User(email=f"assessor-{n}@example.org", full_name=f"Assessor {n}") for n in range(count)
    )
    Group.objects.get(name=Role.ASSESSOR.label).user_set.add(*users)
    return users


@pytest.mark.parametrize("count", SIZES)
def test_the_round_summary_does_not_grow_with_bids(
    round_with, client_for, personas, django_assert_max_num_queries, count
):
    round, applications = round_with(count)
    districts = list(District.objects.all())
    through = Application.districts.through
    # One district for each bid, and a second for every third one (Multi-District).
    rows = []
    for n, application in enumerate(applications):
        rows.append(through(application=application, district=districts[n % len(districts)]))
        if n % 3 == 0:
            second = districts[(n + 1) % len(districts)]
            rows.append(through(application=application, district=second))
    through.objects.bulk_create(rows)
    client = client_for(personas.officer)
    # user, roles, round (+fund, plan), the bids summed by priority and area, the plan's
    # priorities, the districts' names, the panels. The session comes from the cache.
    with django_assert_max_num_queries(7):
        response = client.get(reverse("grants:staff-round-summary", args=[round.uuid]))
    assert response.status_code == 200
    results = response.context["results"]
    assert results.received == count
    assert sum(row.received for row in results.by_area) == count
    assert sum(row.received for row in results.by_priority) == count
    multi = next(row for row in results.by_area if row.label == "Multi-District")
    assert multi.received == len(applications[::3])


def _letters(applications, *, failed_every: int = 3) -> None:
    kind = ContentType.objects.get_for_model(Application)
    OutboxMessage.objects.bulk_create(
        OutboxMessage(
            kind="grants.application_declined",
            content_type=kind,
            object_id=a.pk,
            sent_at=timezone.now() if n % failed_every == 0 else None,
            attempts=1 if n % failed_every == 1 else 0,
            last_error="Mail server refused" if n % failed_every == 1 else "",
        )
        for n, a in enumerate(applications)
    )


@pytest.mark.parametrize("count", SIZES)
def test_the_letters_page_does_not_grow_with_letters(
    round_with, client_for, personas, django_assert_max_num_queries, count, monkeypatch
):
    from grants.selectors import letters

    monkeypatch.setattr(letters, "LETTERS_PAGE_SIZE", 10)
    round, applications = round_with(count, status=Application.Status.NOT_RECOMMENDED)
    _letters(applications)
    client = client_for(personas.officer)
    url = reverse("grants:staff-round-letters", args=[round.uuid])
    # user, roles, round (+fund, plan), the counts per state, a page of letters (with each
    # bid's id), those bids (+organisation); the content types until they are cached.
    with django_assert_max_num_queries(7):
        response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    failed = len(applications[1::3])
    assert f"<strong>{failed}</strong> failed" in body
    assert len(response.context["letters"]) == min(count, 10)
    with django_assert_max_num_queries(7):
        response = client.get(url, {"state": "failed"})
    assert all(row["state"] == "failed" for row in response.context["letters"])
    assert len(response.context["letters"]) == min(failed, 10)


def test_the_letters_page_walks_every_letter_a_page_at_a_time(
    round_with, client_for, personas, monkeypatch
):
    from grants.selectors import letters

    monkeypatch.setattr(letters, "LETTERS_PAGE_SIZE", 4)
    round, applications = round_with(10, status=Application.Status.NOT_RECOMMENDED)
    _letters(applications)
    client = client_for(personas.officer)
    url = reverse("grants:staff-round-letters", args=[round.uuid])
    seen, query = [], ""
    for _ in range(5):
        response = client.get(f"{url}?{query}")
        seen += [row["application"]["reference"] for row in response.context["letters"]]
        query = response.context["next"]
        if not query:
            break
    assert sorted(seen) == sorted(a.reference for a in applications)
    assert len(seen) == len(set(seen))
    # Back from the last page to the one before it.
    response = client.get(f"{url}?{response.context['previous']}")
    assert len(response.context["letters"]) == 4


@pytest.mark.parametrize("count", SIZES)
def test_assigning_assessors_does_not_grow_with_assessors_or_assessments(
    round_with, client_for, personas, django_assert_max_num_queries, count
):
    round, applications = round_with(count)
    for assessor in _assessors(count):
        bulk_assign(applications, assessor)
    client = client_for(personas.officer)
    # user, roles, round (+fund, plan), this round's assessments counted per assessor, the
    # assessors, the form's choice of assessors.
    with django_assert_max_num_queries(6):
        response = client.get(reverse("grants:staff-round-assign", args=[round.uuid]))
    assert response.status_code == 200
    workload = response.context["workload"]
    assert sum(row["active"] for row in workload) == count * count


@pytest.mark.parametrize("count", SIZES)
def test_a_bids_page_does_not_grow_with_assessments_and_scores(
    round_with, client_for, personas, django_assert_max_num_queries, count
):
    round, applications = round_with(1)
    application = applications[0]
    criteria = list(round.criteria.all())
    assessments = Assessment.objects.bulk_create(
        Assessment(
            application=application,
            assessor=assessor,
            status=Assessment.Status.SUBMITTED,
            submitted_at=timezone.now(),
        )
        for assessor in _assessors(count)
    )
    Score.objects.bulk_create(
        Score(assessment=a, criterion=c, value=3) for a in assessments for c in criteria
    )
    client = client_for(personas.officer)
    # user, roles, the bid (+round, fund, plan, organisation, pot, priority, screening,
    # award), its districts, outcomes, themes, budget lines, documents, assessments
    # (+assessor), their scores (+criterion), the round's criteria, the history, the
    # assign form's assessors.
    with django_assert_max_num_queries(14):
        response = client.get(reverse("grants:staff-application", args=[application.uuid]))
    assert response.status_code == 200
    assert len(response.context["submitted_assessments"]) == count


@pytest.mark.parametrize("count", SIZES)
def test_the_mark_page_does_not_grow_with_the_round(
    round_with, client_for, personas, django_assert_max_num_queries, count
):
    round, applications = round_with(count)
    application = applications[-1]
    client = client_for(personas.officer)
    url = reverse("grants:staff-round-mark", args=[round.uuid, application.uuid])
    # user, roles, round (+fund, plan), the bid, its organisation.
    with django_assert_max_num_queries(5):
        response = client.get(url)
    assert response.status_code == 200
    # Marking it: the same reads, the bid's row lock, the write and its history.
    with django_assert_max_num_queries(9):
        response = client.post(url, {"mark": "recommended", "recommended_amount": "", "note": ""})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.mark == "recommended"


@pytest.mark.parametrize("count", SIZES)
def test_the_bulk_assign_choice_does_not_grow_with_the_bids_chosen(
    round_with, client_for, personas, django_assert_max_num_queries, count
):
    round, applications = round_with(count, status=Application.Status.ELIGIBLE)
    client = client_for(personas.officer)
    url = reverse("grants:staff-round-applications-bulk", args=[round.uuid])
    chosen = [str(a.uuid) for a in applications]
    # user, roles, round (+fund, plan), the chosen bids' references, the assessors to
    # choose from.
    with django_assert_max_num_queries(5):
        response = client.post(url, {"application": chosen, "action": "assign"})
    assert response.status_code == 200
    assert len(response.context["references"]) == count


@pytest.mark.parametrize("count", SIZES)
def test_bulk_assigning_costs_the_same_queries_for_3_bids_as_for_30(
    round_with, client_for, personas, django_assert_max_num_queries, count
):
    """The chosen bids are locked, checked and written together (their assessments, history
    rows and status changes in bulk): the number of queries does not grow with the bids."""
    round, applications = round_with(count, status=Application.Status.ELIGIBLE)
    client = client_for(personas.officer)
    url = reverse("grants:staff-round-applications-bulk", args=[round.uuid])
    chosen = [str(a.uuid) for a in applications]
    with django_assert_max_num_queries(BULK_ASSIGN):
        response = client.post(
            url, {"application": chosen, "action": "assign", "assessor": personas.assessor.pk}
        )
    assert response.status_code == 302
    assert Assessment.objects.filter(application__round=round).count() == count


@pytest.mark.parametrize("count", SIZES)
def test_bulk_marking_costs_the_same_queries_for_3_bids_as_for_30(
    round_with, client_for, personas, django_assert_max_num_queries, count
):
    round, applications = round_with(count)
    client = client_for(personas.officer)
    url = reverse("grants:staff-round-applications-bulk", args=[round.uuid])
    chosen = [str(a.uuid) for a in applications]
    with django_assert_max_num_queries(BULK_MARK):
        response = client.post(url, {"application": chosen, "action": "reserve"})
    assert response.status_code == 302
    assert set(Application.objects.filter(round=round).values_list("mark", flat=True)) == {
        "reserve"
    }


# Measured: the same for 3 bids and for 30. Assigning: 16, and 2 more when the content types
# are not cached yet (it was 8 + 11 a bid: 41 queries for 3 bids, 338 for 30). Marking: 8 on
# SQLite, 7 on PostgreSQL.
BULK_ASSIGN, BULK_MARK = 18, 8


def test_bulk_assigning_leaves_the_audit_trail_one_by_one_would(round_with, personas):
    """Each bid and each new assessment gets its history row and its status change, with
    who and why, exactly as when assigned one at a time."""
    round, applications = round_with(3, status=Application.Status.ELIGIBLE)
    result = services.assessment_assign_bulk(
        round=round,
        application_uuids=[a.uuid for a in applications],
        assessor=personas.assessor,
        actor=personas.officer,
    )
    assert (result.done, result.refused) == (3, [])
    name = personas.assessor.full_name or personas.assessor.email
    for application in applications:
        change = StatusChange.objects.get(
            content_type=ContentType.objects.get_for_model(Application), object_id=application.pk
        )
        assert (change.from_status, change.to_status, change.actor) == (
            "eligible",
            "in_assessment",
            personas.officer,
        )
        assert change.reason == f"Assessor assigned: {name}"
        newest = Application.history.filter(id=application.pk).latest("history_date")
        assert (newest.status, newest.history_user) == ("in_assessment", personas.officer)
        assessment = Assessment.objects.get(application=application)
        assert StatusChange.objects.filter(
            content_type=ContentType.objects.get_for_model(Assessment),
            object_id=assessment.pk,
            from_status="",
            to_status=assessment.status,
            actor=personas.officer,
        ).exists()
        assert Assessment.history.filter(id=assessment.pk, history_type="+").exists()
