"""Officers find a bid on a round's list by reference, organisation or project title."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from grants.models import Application
from tests.grants.test_list_queries import _bulk_applications


def listed(response) -> list[str]:
    return [a.project_title for a in response.context["page"]]


@pytest.fixture
def url(open_round):
    return reverse("grants:staff-round-applications", args=[open_round.uuid])


@pytest.fixture
def officer(client_for, personas, open_round):
    _bulk_applications(open_round, personas.applicant_b, 12)
    Application.objects.filter(project_title="Project 4").update(
        project_title="Knife Crime Mentoring"
    )
    return client_for(personas.officer)


def test_the_search_box_is_on_the_page(officer, url):
    body = officer.get(url, {"q": "mentoring"}).content.decode()
    assert 'name="q"' in body and 'value="mentoring"' in body
    assert "Reference, organisation or project title" in body


@pytest.mark.parametrize(
    ("q", "titles"),
    [
        ("knife crime", ["Knife Crime Mentoring"]),  # title, any case
        ("BULK GROUP 11", ["Project 11"]),  # organisation name, any case
        ("-0005", ["Knife Crime Mentoring"]),  # reference
        ("  project 1  ", ["Project 1", "Project 10", "Project 11"]),  # spaces trimmed
        ("nothing like it", []),
    ],
)
def test_officers_search_by_reference_organisation_or_title(officer, url, open_round, q, titles):
    if q == "-0005":
        q = f"{open_round.reference_prefix.lower()}-0005"
    assert sorted(listed(officer.get(url, {"q": q}))) == titles


def test_the_search_combines_with_the_filters(officer, url):
    # Every third bulk bid is a draft: "Project 0", "Project 3", "Project 6", "Project 9".
    response = officer.get(url, {"q": "project", "status": "draft"})
    assert sorted(listed(response)) == ["Project 0", "Project 3", "Project 6", "Project 9"]
    response = officer.get(url, {"q": "project", "status": "submitted"})
    assert "Project 0" not in listed(response) and "Project 1" in listed(response)


def test_the_search_is_kept_in_the_page_links_and_the_csv_export(
    client_for, personas, open_round, url
):
    _bulk_applications(open_round, personas.applicant_b, 120)
    client = client_for(personas.officer)
    response = client.get(url, {"q": "bulk group"})
    body = response.content.decode()
    assert response.context["page"].total == 120
    assert "?q=bulk+group&amp;cursor=" in body
    assert "?q=bulk+group&amp;format=csv" in body
    export = b"".join(
        client.get(url, {"q": "Bulk Group 11", "format": "csv"}).streaming_content
    ).decode()
    rows = list(csv.reader(io.StringIO(export)))
    assert sorted(row[2] for row in rows[1:]) == ["Bulk Group 11"] + [
        f"Bulk Group {n}" for n in range(110, 120)
    ]


@pytest.mark.parametrize("rows", [5, 500])
def test_searching_makes_the_same_queries_at_any_size(
    client_for, personas, open_round, rows, url, django_assert_max_num_queries
):
    _bulk_applications(open_round, personas.applicant_b, rows)
    client = client_for(personas.officer)
    # session, user, groups, round with fund and plan, pots, priorities, districts (filter
    # choices), count, one page of applications with organisation, district, pot, priority.
    with django_assert_max_num_queries(10):
        response = client.get(url, {"q": "group", "status": "submitted"})
    assert response.status_code == 200
    assert response.context["page"].total == len([n for n in range(rows) if n % 3])


def test_a_search_too_long_is_explained(officer, url):
    response = officer.get(url, {"q": "x" * 201})
    body = response.content.decode()
    assert "Search must be 200 characters or fewer" in body
    assert 'href="#id_q"' in body
