import re

from django.urls import reverse


def test_the_plan_page_shows_priorities_outcomes_indicators_and_themes(client, plan):
    response = client.get(reverse("outcomes:plan"))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('class="app-card" aria-labelledby="priority-') == 4
    assert len(re.findall(r"<span class=\"app-code\">P\d-O\d+</span>", page)) == 24
    assert len(re.findall(r'<th scope="row" class="govuk-table__header">', page)) == 27
    assert "The Safety of Women and Girls" in page
    assert "West Yorkshire: Safe. Just. Inclusive." in page


def test_the_plan_page_reads_the_plan_in_a_fixed_number_of_queries(
    client, plan, django_assert_max_num_queries
):
    # plan, priorities, outcomes, indicators, themes, and the list of plan versions.
    with django_assert_max_num_queries(6):
        client.get(reverse("outcomes:plan"))


def test_an_older_plan_version_has_its_own_page(client, plan):
    response = client.get(reverse("outcomes:plan-version", args=[plan.code]))
    assert response.status_code == 200
    assert client.get(reverse("outcomes:plan-version", args=["NO-SUCH-PLAN"])).status_code == 404


def test_the_plan_page_says_when_no_plan_is_loaded(client, db):
    response = client.get(reverse("outcomes:plan"))
    assert "No plan has been loaded yet" in response.content.decode()
