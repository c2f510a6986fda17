import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Organisation
from tests.factories import MembershipFactory, OrganisationFactory


@pytest.mark.parametrize(
    ("persona", "shown", "hidden"),
    [
        ("officer", ["Police and Crime Plan", "Organisations"], ["Administration"]),
        ("assessor", ["Police and Crime Plan"], ["Organisations", "Administration"]),
        ("decision_maker", ["Police and Crime Plan"], ["Organisations", "Administration"]),
        ("commissioner", ["Police and Crime Plan", "Organisations"], ["Administration"]),
        ("administrator", ["Police and Crime Plan", "Organisations", "Administration"], []),
    ],
)
def test_staff_home_shows_only_the_areas_a_role_reaches(
    client_for, personas, persona, shown, hidden
):
    response = client_for(personas.get(persona)).get(reverse("accounts:staff-home"))
    titles = [area.title for area in response.context["areas"]]
    assert all(title in titles for title in shown)
    assert not any(title in titles for title in hidden)
    for area in response.context["areas"]:
        assert client_for(personas.get(persona)).get(area.url).status_code == 200


def test_staff_are_sent_to_staff_home_after_signing_in(client_for, personas):
    response = client_for(personas.officer).get(reverse("accounts:after-login"))
    assert response.url == reverse("accounts:staff-home")
    response = client_for(personas.applicant_a).get(reverse("accounts:after-login"))
    assert response.url == reverse("grants:dashboard")


def _add_organisations(count):
    for _ in range(count):
        MembershipFactory(organisation=OrganisationFactory())


@pytest.mark.parametrize("rows", [5, 60])
def test_the_organisation_list_makes_the_same_queries_at_any_size(
    client_for, personas, django_assert_max_num_queries, rows
):
    _add_organisations(rows)
    client = client_for(personas.officer)
    # session, user, the user's groups, districts for the filter, count, one page of
    # organisations with district and member count: 6 whatever the number of rows.
    with django_assert_max_num_queries(6):
        response = client.get(reverse("accounts:staff-organisation-list"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(50, rows + 3)


def test_the_organisation_list_filters_by_name_and_district(client_for, personas):
    client = client_for(personas.commissioner)
    response = client.get(reverse("accounts:staff-organisation-list"), {"q": "boxing"})
    assert [o.name for o in response.context["page"]] == ["Org B Boxing Club"]
    response = client.get(
        reverse("accounts:staff-organisation-list"), {"district": personas.org_a.district_id}
    )
    names = {o.name for o in response.context["page"]}
    assert names == set(
        Organisation.objects.filter(district=personas.org_a.district).values_list("name", flat=True)
    )


def test_the_organisation_list_counts_each_organisations_people_by_name(client_for, personas):
    """The member count is worked out for the page's rows only, and the total is a plain
    count: no organisation is grouped or sorted that the page does not show."""
    alone = OrganisationFactory(name="Aaa Nobody Yet")
    pair = OrganisationFactory(name="Aaa Two People")
    MembershipFactory(organisation=pair)
    MembershipFactory(organisation=pair)
    twin = OrganisationFactory(name="Aaa Nobody Yet")
    client = client_for(personas.officer)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("accounts:staff-organisation-list"))
    rows = [(o.pk, o.member_count) for o in response.context["page"]][:3]
    assert rows == [(alone.pk, 0), (twin.pk, 0), (pair.pk, 2)]
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(*)" in q["sql"].upper()]
    assert counts, "the total was not counted"
    assert all("GROUP BY" not in sql.upper() for sql in counts)


def test_a_wrong_district_is_named_and_the_search_still_applies(client_for, personas):
    response = client_for(personas.officer).get(
        reverse("accounts:staff-organisation-list"), {"q": "boxing", "district": "abc"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose a district from the list, or all districts" in page
    assert "There is a problem" in page
    assert "Select a valid choice" not in page
    assert [o.name for o in response.context["page"]] == ["Org B Boxing Club"]
    assert 'value="boxing"' in page  # what was typed is kept
