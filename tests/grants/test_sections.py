import pytest
from django.urls import reverse

from grants import services


def test_over_long_text_is_refused_but_kept_across_visits(client_for, personas, open_round):
    draft = services.application_start(
        round=open_round, organisation=personas.org_a, actor=personas.applicant_a
    )
    client = client_for(personas.applicant_a)
    url = reverse("grants:application-section", args=[draft.uuid, "project"])
    too_long = "Our summary. " * 100  # 1,300 characters, over the 1,000 limit
    response = client.post(
        url, {"project_title": "Safe Streets", "summary": too_long, "continue": "1"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Project summary must be 1,000 characters or fewer" in page
    draft.refresh_from_db()
    assert draft.project_title == "Safe Streets"  # the valid answer is saved
    assert draft.summary == ""
    assert draft.unsaved_input["project.summary"] == too_long  # the rest is kept, not lost
    later = client.get(url).content.decode()
    assert "Our summary. Our summary." in later
    assert "Some answers in this section are not saved yet" in later


def test_autosave_answers_with_the_time_and_saves_what_is_valid(client_for, personas, open_round):
    draft = services.application_start(
        round=open_round, organisation=personas.org_a, actor=personas.applicant_a
    )
    response = client_for(personas.colleague_a).post(
        reverse("grants:application-autosave", args=[draft.uuid, "project"]),
        {"project_title": "Typed so far", "amount_requested": "lots"},
    )
    body = response.json()
    assert body["saved_at"]
    assert body["errors"]["amount_requested"] == [
        "Amount requested must be in pounds, like 6000 or 5999.50"
    ]
    draft.refresh_from_db()
    assert draft.project_title == "Typed so far"


@pytest.mark.parametrize("typed", ["1e3", "NaN", "Infinity"])
def test_an_amount_requested_as_an_exponent_or_not_a_number_is_refused(
    client_for, personas, open_round, typed
):
    draft = services.application_start(
        round=open_round, organisation=personas.org_a, actor=personas.applicant_a
    )
    response = client_for(personas.applicant_a).post(
        reverse("grants:application-autosave", args=[draft.uuid, "project"]),
        {"project_title": "Typed so far", "amount_requested": typed},
    )
    assert response.json()["errors"]["amount_requested"] == [
        "Amount requested must be in pounds, like 6000 or 5999.50"
    ]
    draft.refresh_from_db()
    assert draft.amount_requested is None


def test_an_amount_outside_the_pot_is_refused_with_the_range(client_for, personas, open_round):
    draft = services.application_start(
        round=open_round, organisation=personas.org_a, actor=personas.applicant_a
    )
    pot = open_round.pots.get(name="Pot 2")
    response = client_for(personas.applicant_a).post(
        reverse("grants:application-section", args=[draft.uuid, "project"]),
        {"pot": pot.pk, "amount_requested": "9,000"},
    )
    assert "Pot 2 gives grants from £500 to £8,000" in response.content.decode()


def test_an_excluded_budget_category_is_refused_with_the_reason(client_for, personas, open_round):
    draft = services.application_start(
        round=open_round, organisation=personas.org_a, actor=personas.applicant_a
    )
    response = client_for(personas.applicant_a).post(
        reverse("grants:application-budget", args=[draft.uuid]),
        {"description": "Pizza", "category": "food", "amount": "50"},
    )
    assert "The fund does not pay for food and refreshments." in response.content.decode()
    assert not draft.budget_lines.exists()


def test_the_eligibility_checker_explains_each_no(client, open_round):
    from grants.eligibility import QUESTIONS

    answers = {q.name: q.eligible_answer for q in QUESTIONS}
    answers["bank_account"] = "no"
    response = client.post(reverse("grants:eligibility", args=[open_round.uuid]), answers)
    page = response.content.decode()
    assert "You cannot apply yet" in page
    assert "two unrelated signatories" in page
