"""Check your answers: a Change link per answer that comes back here, the budget total,
and budget lines that can be changed, not only removed."""

from __future__ import annotations

import re
from decimal import Decimal

from django.urls import reverse

from grants import services
from tests.grants.conftest import complete_application


def test_each_answer_has_a_change_link_back_to_check_answers(client_for, personas, open_round):
    draft = complete_application(open_round, personas.org_a, personas.applicant_a)
    page = (
        client_for(personas.applicant_a)
        .get(reverse("grants:application-check", args=[draft.uuid]))
        .content.decode()
    )
    section = reverse("grants:application-section", args=[draft.uuid, "project"])
    assert f'href="{section}?return=check#id_summary"' in page
    assert f'href="{section}?return=check#id_project_title"' in page
    where = reverse("grants:application-section", args=[draft.uuid, "where"])
    assert f'href="{where}?return=check#id_beneficiary_count"' in page
    line = draft.budget_lines.get()
    edit = reverse("grants:budget-line-edit", args=[draft.uuid, line.pk])
    assert f'href="{edit}?return=check"' in page
    assert page.count(">Change<") >= 17
    assert re.search(r'data-testid="budget-total"><strong>£6,000(\.00)?</strong>', page)


def test_nobody_else_sees_change_links(client_for, personas, open_round):
    from tests.grants.conftest import submitted_application

    application = submitted_application(open_round, personas.org_a, personas.applicant_a)
    page = (
        client_for(personas.applicant_a)
        .get(reverse("grants:application-check", args=[application.uuid]))
        .content.decode()
    )
    assert ">Change<" not in page
    assert "£6,000" in page  # the total is still shown


def test_a_change_from_check_answers_returns_there(client_for, personas, open_round):
    draft = complete_application(open_round, personas.org_a, personas.applicant_a)
    client = client_for(personas.applicant_a)
    url = reverse("grants:application-section", args=[draft.uuid, "project"])
    form_page = client.get(f"{url}?return=check").content.decode()
    check = reverse("grants:application-check", args=[draft.uuid])
    assert f'href="{check}" class="govuk-back-link">Back to check your answers' in form_page
    response = client.post(
        f"{url}?return=check",
        {
            "project_title": "A better title",
            "summary": draft.summary,
            "activities": draft.activities,
            "start_date_day": draft.start_date.day,
            "start_date_month": draft.start_date.month,
            "start_date_year": draft.start_date.year,
            "end_date_day": draft.end_date.day,
            "end_date_month": draft.end_date.month,
            "end_date_year": draft.end_date.year,
            "pot": draft.pot_id,
            "amount_requested": "6000",
            "continue": "1",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == check
    draft.refresh_from_db()
    assert draft.project_title == "A better title"
    budget_page = client.get(
        reverse("grants:application-budget", args=[draft.uuid]) + "?return=check"
    ).content.decode()
    assert f'href="{check}" role="button"' in budget_page  # Continue goes back to check


def test_a_budget_line_can_be_changed_with_the_same_checks(client_for, personas, open_round):
    draft = complete_application(open_round, personas.org_a, personas.applicant_a)
    line = draft.budget_lines.get()
    client = client_for(personas.applicant_a)
    url = reverse("grants:budget-line-edit", args=[draft.uuid, line.pk])
    page = client.get(url).content.decode()
    assert 'value="Coaches"' in page
    refused = client.post(url, {"description": "", "category": "food", "amount": "0"})
    text = refused.content.decode()
    assert "Enter what the cost is for" in text
    assert "The fund does not pay for food and refreshments." in text
    assert "Amount must be £0.01 or more" in text
    line.refresh_from_db()
    assert line.description == "Coaches"
    response = client.post(
        url, {"description": "Boxing coaches", "category": "staff", "amount": "5,500"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("grants:application-budget", args=[draft.uuid])
    line.refresh_from_db()
    assert (line.description, line.amount) == ("Boxing coaches", Decimal("5500"))
    budget = client.get(response["Location"]).content.decode()
    assert f'href="{url}"' in budget


def test_only_the_groups_members_can_change_its_budget_lines(client_for, personas, open_round):
    draft = complete_application(open_round, personas.org_a, personas.applicant_a)
    line = draft.budget_lines.get()
    url = reverse("grants:budget-line-edit", args=[draft.uuid, line.pk])
    outsider = client_for(personas.applicant_b)
    assert outsider.get(url).status_code == 404
    assert (
        outsider.post(url, {"description": "Mine", "category": "staff", "amount": "1"}).status_code
        == 404
    )
    line.refresh_from_db()
    assert line.description == "Coaches"
    other = services.application_start(
        round=open_round, organisation=personas.org_b, actor=personas.applicant_b
    )
    wrong_pair = reverse("grants:budget-line-edit", args=[other.uuid, line.pk])
    assert client_for(personas.applicant_b).get(wrong_pair).status_code == 404


def test_each_problem_before_submitting_links_to_its_box_and_comes_back(
    client_for, personas, open_round
):
    draft = services.application_start(
        round=open_round, organisation=personas.org_a, actor=personas.applicant_a
    )
    page = (
        client_for(personas.applicant_a)
        .get(reverse("grants:application-check", args=[draft.uuid]))
        .content.decode()
    )
    project = reverse("grants:application-section", args=[draft.uuid, "project"])
    assert f'href="{project}?return=check#id_project_title">Enter a project title' in page
    assert f'href="{project}?return=check#id_pot_0">' in page
    assert f'href="{project}?return=check#id_start_date_day">' in page
    budget = reverse("grants:application-section", args=[draft.uuid, "budget"])
    assert f'href="{budget}?return=check">Add at least one budget line' in page
