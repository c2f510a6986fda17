"""Who may see bids, scores and decisions: each rule against the personas it keeps out."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils.html import escape

from accounts.roles import Role
from grants import services
from grants.models import Application, Assessment
from tests.conftest import PERSONA_NAMES
from tests.grants.conftest import (
    eligible_application,
    score_all,
    submitted_application,
)


@pytest.fixture
def assigned(scoring_round, personas, second_assessor):
    """Org A's eligible bid given to both assessors; nobody has declared yet."""
    application = eligible_application(
        scoring_round, personas.org_a, personas.applicant_a, officer=personas.officer
    )
    first = services.assessment_assign(
        application=application, assessor=personas.assessor, actor=personas.officer
    )
    second = services.assessment_assign(
        application=application, assessor=second_assessor, actor=personas.officer
    )
    return application, first, second


def test_an_assessor_cannot_open_someone_elses_assessment(assigned, client_for, personas):
    _, _, second = assigned
    response = client_for(personas.assessor).get(reverse("grants:assess", args=[second.uuid]))
    assert response.status_code == 404


def test_an_assessor_cannot_open_the_bid_through_the_applicant_or_staff_pages(
    assigned, client_for, personas
):
    application, _, _ = assigned
    client = client_for(personas.assessor)
    assert (
        client.get(reverse("grants:application-detail", args=[application.uuid])).status_code == 404
    )
    assert (
        client.get(reverse("grants:application-check", args=[application.uuid])).status_code == 404
    )
    assert (
        client.get(reverse("grants:staff-application", args=[application.uuid])).status_code == 403
    )


def test_before_declaring_the_assessor_sees_only_who_applied(assigned, client_for, personas):
    application, first, _ = assigned
    client = client_for(personas.assessor)
    page = client.get(reverse("grants:assess", args=[first.uuid])).content.decode()
    assert "Conflicts of interest" in page
    assert application.organisation.name in page
    assert application.summary not in page
    assert "Weekly sessions." not in page
    document = application.documents.first()
    download = reverse("grants:document-download", args=[application.uuid, document.uuid])
    assert client.get(download).status_code == 404
    # Declaring no conflict opens the answers and the documents.
    response = client.post(reverse("grants:assess", args=[first.uuid]), {"conflict": "no"})
    assert response.status_code == 302
    page = client.get(reverse("grants:assess", args=[first.uuid])).content.decode()
    assert "Boxing and mentoring." in page
    assert client.get(download).status_code == 200


def test_a_conflicted_assessor_loses_the_bid(assigned, client_for, personas):
    application, first, _ = assigned
    client = client_for(personas.assessor)
    response = client.post(
        reverse("grants:assess", args=[first.uuid]),
        {"conflict": "yes", "reason": "My sister runs it"},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == Assessment.Status.RECUSED
    assert client.get(reverse("grants:assess", args=[first.uuid])).status_code == 404
    document = application.documents.first()
    assert (
        client.get(
            reverse("grants:document-download", args=[application.uuid, document.uuid])
        ).status_code
        == 404
    )
    queue = client.get(reverse("grants:assess-queue"), {"show": "done"}).content.decode()
    assert "Conflict declared" in queue
    assert (
        first.application.reference
        not in client.get(reverse("grants:assess-queue")).content.decode()
    )


def test_a_conflict_without_a_reason_is_refused_in_plain_words(assigned, client_for, personas):
    _, first, _ = assigned
    response = client_for(personas.assessor).post(
        reverse("grants:assess", args=[first.uuid]), {"conflict": "yes", "reason": ""}
    )
    assert response.status_code == 200
    assert "Say what the conflict is" in response.content.decode()


def test_scores_of_others_are_hidden_until_the_assessor_submits(
    assigned, client_for, personas, second_assessor
):
    _, first, second = assigned
    score_all(first, [4, 4, 4, 4])
    services.assessment_declare(assessment=second, actor=second_assessor, conflict=False)
    client = client_for(second_assessor)
    page = client.get(reverse("grants:assess", args=[second.uuid])).content.decode()
    assert "100.00" not in page
    assert escape(personas.assessor.full_name) not in page
    second.refresh_from_db()
    score_all_without_declaring(second, [2, 2, 2, 2])
    page = client.get(reverse("grants:assess", args=[second.uuid])).content.decode()
    assert "100.00" in page
    assert escape(personas.assessor.full_name) in page


def score_all_without_declaring(assessment, values):
    from grants.services.assessment import ScoreInput

    criteria = list(assessment.application.round.criteria.all())
    services.assessment_save(
        assessment=assessment,
        actor=assessment.assessor,
        scores={
            c.pk: ScoreInput(value=v, comment="Why") for c, v in zip(criteria, values, strict=True)
        },
        overall_comment="Overall",
        recommendation="do_not_fund",
    )
    services.assessment_submit(assessment=assessment, actor=assessment.assessor)


def test_an_applicant_never_sees_assessors_or_raw_scores(
    assessed_application, client_for, personas, second_assessor
):
    application = assessed_application
    services.application_moderate(
        application=application, actor=personas.officer, score="81.5", reason="Calibrated"
    )
    for who in ("applicant_a", "colleague_a"):
        client = client_for(getattr(personas, who))
        for name in ("application-detail", "application-check"):
            page = client.get(reverse(f"grants:{name}", args=[application.uuid])).content.decode()
            for secret in (
                personas.assessor.full_name,
                personas.assessor.email,
                second_assessor.full_name,
                second_assessor.email,
                "82.50",
                "76.25",
                "81.50",
                "Calibrated",
                "Because.",
            ):
                assert secret not in page, f"{who} sees {secret!r} on {name}"


def test_a_decision_maker_who_assessed_the_bid_is_told_why_they_cannot_decide(
    assessed_application, client_for, personas
):
    services.application_mark(
        application=assessed_application, actor=personas.officer, mark="recommended"
    )
    panel = services.panel_freeze(round=assessed_application.round, actor=personas.officer)
    personas.assessor.groups.add(Group.objects.get(name=Role.DECISION_MAKER.label))
    item = panel.items.get()
    response = client_for(personas.assessor).post(
        reverse("grants:panel-item-decide", args=[panel.uuid, item.pk]),
        {"decision": "approve", "amount": "6000"},
    )
    assert response.status_code == 200
    assert "so another decision maker must decide it" in response.content.decode()
    assert Application.objects.get(pk=assessed_application.pk).status == "recommended"


# The persona matrix for the new pages: GET as every persona.

OFFICERS = {"officer", "administrator"}


def _pages(application, assessment, panel, award):
    round = application.round
    return [
        (reverse("grants:staff-application", args=[application.uuid]), OFFICERS),
        (reverse("grants:staff-application-screen", args=[application.uuid]), OFFICERS),
        (reverse("grants:staff-application-moderate", args=[application.uuid]), OFFICERS),
        (reverse("grants:staff-round-checks", args=[round.uuid]), OFFICERS),
        (reverse("grants:staff-round-criteria", args=[round.uuid]), OFFICERS),
        (reverse("grants:staff-criterion-create", args=[round.uuid]), OFFICERS),
        (reverse("grants:staff-round-assign", args=[round.uuid]), OFFICERS),
        (reverse("grants:staff-round-ranking", args=[round.uuid]), OFFICERS),
        (reverse("grants:staff-round-summary", args=[round.uuid]), OFFICERS),
        (reverse("grants:award-schedule", args=[award.uuid]), OFFICERS),
        (reverse("grants:assess-queue"), {"assessor"}),
        (reverse("grants:assess", args=[assessment.uuid]), {"assessor"}),
        (reverse("grants:panel-list"), OFFICERS | {"decision_maker"}),
        (reverse("grants:panel-detail", args=[panel.uuid]), OFFICERS | {"decision_maker"}),
        (reverse("grants:award-detail", args=[award.uuid]), OFFICERS | {"decision_maker"}),
    ]


@pytest.fixture
def decided(assessed_application, personas, second_assessor):
    services.application_mark(
        application=assessed_application, actor=personas.officer, mark="recommended"
    )
    panel = services.panel_freeze(round=assessed_application.round, actor=personas.officer)
    award = services.panel_item_approve(item=panel.items.get(), actor=personas.decision_maker)
    assessment = assessed_application.assessments.get(assessor=personas.assessor)
    return assessed_application, assessment, panel, award


@pytest.mark.parametrize("who", PERSONA_NAMES)
def test_each_new_page_lets_in_only_its_roles(decided, client_for, personas, who):
    client = client_for(personas.get(who))
    for url, allowed in _pages(*decided):
        response = client.get(url)
        if who == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
        elif who in allowed:
            assert response.status_code == 200, url
        else:
            assert response.status_code in (403, 404), (url, response.status_code)


@pytest.mark.parametrize(
    "who", [n for n in PERSONA_NAMES if n not in ("decision_maker", "anonymous")]
)
def test_only_a_decision_maker_may_post_a_decision(assessed_application, client_for, personas, who):
    services.application_mark(
        application=assessed_application, actor=personas.officer, mark="recommended"
    )
    panel = services.panel_freeze(round=assessed_application.round, actor=personas.officer)
    item = panel.items.get()
    client = client_for(personas.get(who))
    response = client.post(
        reverse("grants:panel-item-decide", args=[panel.uuid, item.pk]), {"decision": "approve"}
    )
    assert response.status_code == 403
    response = client.post(reverse("grants:panel-approve-recommended", args=[panel.uuid]))
    assert response.status_code == 403
    assert Application.objects.get(pk=assessed_application.pk).status == "recommended"


@pytest.mark.parametrize("who", [n for n in PERSONA_NAMES if n not in OFFICERS | {"anonymous"}])
def test_outsiders_cannot_screen_assign_moderate_or_mark(
    assessed_application, scoring_round, client_for, personas, who
):
    fresh = submitted_application(scoring_round, personas.org_b, personas.applicant_b)
    client = client_for(personas.get(who))
    posts = [
        (reverse("grants:staff-application-screen", args=[fresh.uuid]), {"outcome": "eligible"}),
        (
            reverse("grants:staff-application-assign", args=[assessed_application.uuid]),
            {"assessor": personas.assessor.pk},
        ),
        (
            reverse("grants:staff-application-moderate", args=[assessed_application.uuid]),
            {"score": "99", "reason": "x"},
        ),
        (
            reverse("grants:staff-round-ranking", args=[scoring_round.uuid]),
            {"application": assessed_application.uuid, "mark": "recommended"},
        ),
        (
            reverse(
                "grants:staff-round-mark", args=[scoring_round.uuid, assessed_application.uuid]
            ),
            {"mark": "recommended"},
        ),
        (reverse("grants:staff-round-freeze", args=[scoring_round.uuid]), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    fresh.refresh_from_db()
    assessed_application.refresh_from_db()
    assert fresh.status == "submitted"
    assert assessed_application.mark == ""
    assert assessed_application.moderated_score is None


def test_a_decision_maker_reads_a_bid_and_its_documents_only_once_it_is_on_a_panel_list(
    assessed_application, client_for, personas
):
    document = assessed_application.documents.first()
    download = reverse("grants:document-download", args=[assessed_application.uuid, document.uuid])
    client = client_for(personas.decision_maker)
    assert client.get(download).status_code == 404
    services.application_mark(
        application=assessed_application, actor=personas.officer, mark="recommended"
    )
    panel = services.panel_freeze(round=assessed_application.round, actor=personas.officer)
    assert client.get(download).status_code == 200
    page = client.get(
        reverse("grants:panel-item-decide", args=[panel.uuid, panel.items.get().pk])
    ).content.decode()
    assert "Boxing and mentoring." in page
    assert "76.25" in page and "82.50" in page


def test_a_refused_mark_keeps_what_the_officer_typed(assessed_application, client_for, personas):
    client = client_for(personas.officer)
    url = reverse(
        "grants:staff-round-mark", args=[assessed_application.round.uuid, assessed_application.uuid]
    )
    response = client.post(url, {"mark": "reserve", "recommended_amount": "9,999"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "cannot be more than the £6,000 requested" in page
    assert 'value="9,999"' in page
    assert '<option value="reserve" selected>' in page
    # Only once: a fresh visit shows what is saved.
    assert 'value="9,999"' not in client.get(url).content.decode()


def test_the_ranking_marks_the_selected_bids_with_one_form(
    assessed_application, client_for, personas
):
    client = client_for(personas.officer)
    url = reverse("grants:staff-round-ranking", args=[assessed_application.round.uuid])
    page = client.get(url).content.decode()
    assert page.count("csrfmiddlewaretoken") == 1
    assert f'id="select-{assessed_application.reference}"' in page
    response = client.post(
        url, {"application": [str(assessed_application.uuid)], "mark": "reserve"}, follow=True
    )
    assert "1 bid marked." in response.content.decode()
    assessed_application.refresh_from_db()
    assert assessed_application.mark == "reserve"
    client.post(url, {"application": [str(assessed_application.uuid)], "mark": "clear"})
    assessed_application.refresh_from_db()
    assert assessed_application.mark == ""


def test_marking_nothing_with_no_choice_lists_both_problems(
    assessed_application, client_for, personas
):
    client = client_for(personas.officer)
    url = reverse("grants:staff-round-ranking", args=[assessed_application.round.uuid])
    response = client.post(url, {"mark": ""})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Select at least one bid to mark." in page
    assert "Choose a recommendation for the selected bids." in page


def test_a_bulk_mark_refused_for_one_bid_changes_none_and_names_it(
    assessed_application, scoring_round, client_for, personas
):
    fresh = submitted_application(scoring_round, personas.org_b, personas.applicant_b)
    client = client_for(personas.officer)
    url = reverse("grants:staff-round-ranking", args=[scoring_round.uuid])
    chosen = [str(assessed_application.uuid), str(fresh.uuid)]
    response = client.post(url, {"application": chosen, "mark": "recommended"})
    page = response.content.decode()
    assert response.status_code == 400
    assert f"{fresh.reference}: Only assessed bids can be marked" in page
    # What was chosen is kept: the assessed bid is still ticked and the action chosen.
    assert f'value="{assessed_application.uuid}" checked' in page
    assert '<option value="recommended" selected>' in page
    assessed_application.refresh_from_db()
    assert assessed_application.mark == ""


@pytest.mark.parametrize("who", [n for n in PERSONA_NAMES if n not in OFFICERS | {"anonymous"}])
def test_outsiders_cannot_change_assessors_checks_criteria_schedules_or_letters(
    decided, client_for, personas, who
):
    application, assessment, _, award = decided
    round = application.round
    check = round.screening_checks.first()
    criterion = round.criteria.first()
    client = client_for(personas.get(who))
    posts = [
        (reverse("grants:staff-assessment-remove", args=[application.uuid, assessment.uuid]), {}),
        (
            reverse("grants:staff-assessment-reopen", args=[application.uuid, assessment.uuid]),
            {"reason": "x"},
        ),
        (reverse("grants:staff-round-checks", args=[round.uuid]), {"remove": check.pk}),
        (reverse("grants:staff-round-checks", args=[round.uuid]), {"question": "New"}),
        (
            reverse("grants:staff-criterion-edit", args=[round.uuid, criterion.pk]),
            {"remove": "1"},
        ),
        (
            reverse("grants:staff-round-assign", args=[round.uuid]),
            {"assessors": [personas.assessor.pk], "per_application": 3},
        ),
        (
            reverse("grants:award-schedule", args=[award.uuid]),
            {"payment-TOTAL_FORMS": "0", "payment-INITIAL_FORMS": "0"},
        ),
        (reverse("grants:staff-round-letters", args=[round.uuid]), {"send": "1"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assessment.refresh_from_db()
    assert assessment.status == "submitted"
    assert round.screening_checks.filter(pk=check.pk).exists()
    assert round.criteria.filter(pk=criterion.pk).exists()
    assert award.instalments.count() == 1


def test_a_junk_remove_value_is_not_found_rather_than_an_error(decided, client_for, personas):
    application = decided[0]
    response = client_for(personas.officer).post(
        reverse("grants:staff-round-checks", args=[application.round.uuid]), {"remove": "abc"}
    )
    assert response.status_code == 404
    assert application.round.screening_checks.count() == 6


@pytest.mark.parametrize("assessors", [2, 8])
def test_the_officers_bid_page_and_assign_page_do_not_grow_with_assessors(
    scoring_round, personas, client_for, django_assert_max_num_queries, assessors
):
    from accounts.roles import Role
    from tests.factories import UserFactory

    application = eligible_application(
        scoring_round, personas.org_a, personas.applicant_a, officer=personas.officer
    )
    for _ in range(assessors):
        assessor = UserFactory(roles=[Role.ASSESSOR])
        score_all(
            services.assessment_assign(
                application=application, assessor=assessor, actor=personas.officer
            ),
            [3, 3, 3, 3],
        )
    client = client_for(personas.officer)
    # session, user, roles, the bid (+round, fund, plan, organisation, district, pot,
    # priority, moderator, screening, award), districts, outcomes, themes, budget lines,
    # documents, assessments (+assessor), their scores (+criterion), criteria, content
    # types, the timeline (+actor, content type), assessor choices.
    with django_assert_max_num_queries(22):
        response = client.get(reverse("grants:staff-application", args=[application.uuid]))
    assert response.status_code == 200
    # session, user, roles, round, assessors for the form, workload.
    with django_assert_max_num_queries(8):
        response = client.get(reverse("grants:staff-round-assign", args=[scoring_round.uuid]))
    assert response.status_code == 200


def test_a_refused_submit_keeps_the_scores_as_a_draft_and_lists_what_is_missing(
    assigned, client_for, personas
):
    _, first, _ = assigned
    client = client_for(personas.assessor)
    client.post(reverse("grants:assess", args=[first.uuid]), {"conflict": "no"})
    criteria = list(first.application.round.criteria.all())
    typed = {f"score_{criteria[0].pk}": "3", f"comment_{criteria[0].pk}": "Good reach."}
    response = client.post(reverse("grants:assess", args=[first.uuid]), {**typed, "submit": "1"})
    body = response.content.decode()
    assert f"Give “{criteria[1].name}” a score." in body
    assert "Write an overall comment." in body
    assert "Good reach." in body
    first.refresh_from_db()
    assert first.status == Assessment.Status.IN_PROGRESS
    assert first.scores.get(criterion=criteria[0]).value == 3  # the draft is kept


def test_saving_and_submitting_complete_scores_is_one_service_call(assigned, personas):
    from grants.services.assessment import ScoreInput

    _, first, _ = assigned
    services.assessment_declare(assessment=first, actor=personas.assessor, conflict=False)
    result = services.assessment_save(
        assessment=first,
        actor=personas.assessor,
        scores={
            c.pk: ScoreInput(value=3, not_applicable=False, comment="Because.")
            for c in first.application.round.criteria.all()
        },
        overall_comment="Overall fine.",
        recommendation="fund",
        submit=True,
    )
    first.refresh_from_db()
    assert result.submitted and not result.errors
    assert first.status == Assessment.Status.SUBMITTED and first.weighted_score is not None
