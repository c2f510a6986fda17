"""Grants II acceptance: a submitted bid is screened, scored, moderated, ranked and approved."""

import re
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from playwright.sync_api import expect

from accounts.roles import Role
from core.models import StatusChange
from grants import services
from grants.models import Application, Assessment, Award, Criterion
from tests.factories import UserFactory
from tests.grants.builders import with_criteria
from tests.grants.conftest import complete_application, make_round

pytestmark = pytest.mark.e2e

RECOMMENDED = Decimal("5000.00")  # less than the 6000 requested
# Far apart on purpose: all 4s make 100, all 2s make 50, so the spread (50) is over the
# round's moderation threshold of 20 points.
HIGH, LOW = 4, 2


def _sign_out(page):
    page.get_by_role("link", name="Sign out").click()
    page.get_by_role("button", name="Sign out").click()


def _score(page, criteria, value: int, words: str):
    for criterion in criteria:
        scores = page.get_by_role("group", name=re.compile(f"^{re.escape(criterion.name)}"))
        label = f"{value}: {criterion.descriptors[value]}"
        scores.get_by_label(label, exact=True).check()
        page.get_by_label(f"Comment on “{criterion.name}”").fill(f"{words} on {criterion.name}.")
    page.get_by_label("Overall comment").fill(f"{words} overall.")
    page.get_by_role("group", name="Your recommendation").get_by_label("Fund", exact=True).check()


def test_a_bid_is_screened_scored_moderated_ranked_and_approved(
    page, live_server, signed_in_page, personas, plan
):
    # Set-up in Python: a round with the MSCF criteria and one submitted bid from org A.
    round = with_criteria(make_round(plan, number=6))
    criteria = list(Criterion.objects.filter(round=round).order_by("position"))
    assert len(criteria) == 4
    application = complete_application(round, personas.org_a, personas.applicant_a)
    priority = application.primary_priority
    services.application_save_section(
        application=application,
        actor=personas.applicant_a,
        section="alignment",
        values={
            "outcomes": list(priority.outcomes.all()[:2]),
            "themes": list(plan.themes.all()[:2]),
        },
    )
    application = services.application_submit(application=application, actor=personas.applicant_a)
    reference = application.reference
    assert application.outcomes.exists() and application.themes.exists()
    officer, decision_maker = personas.officer, personas.decision_maker
    first = personas.assessor
    second = UserFactory(
        email="sam@example.org", full_name="Samira Second-Assessor", roles=[Role.ASSESSOR]
    )
    base = live_server.url

    # 1. The officer screens the bid and gives it to both assessors.
    sign_in = signed_in_page
    sign_in(officer)
    page.goto(f"{base}/staff/rounds/{round.uuid}/applications/")
    page.get_by_role("link", name=reference).click()
    expect(page).to_have_url(f"{base}/staff/applications/{application.uuid}/")
    page.get_by_role("link", name="Screen this bid").click()
    passes = page.get_by_label("Pass", exact=True)
    assert passes.count() >= 1
    for answer in passes.all():
        answer.check()
    page.get_by_label("Eligible: goes to assessment").check()
    page.screenshot(path="/tmp/e2e-screening.png", full_page=True)
    page.get_by_role("button", name="Record screening").click()
    expect(page).to_have_url(f"{base}/staff/applications/{application.uuid}/")
    expect(page.locator("#status")).to_have_text("Eligible")
    for assessor in (first, second):
        page.get_by_label("Assessor", exact=True).select_option(label=assessor.full_name)
        page.get_by_role("button", name="Assign assessor").click()
        expect(page.get_by_text("Assessor assigned.")).to_be_visible()
        expect(page.get_by_role("cell", name=assessor.full_name, exact=True)).to_be_visible()
    expect(page.locator("#status")).to_have_text("In assessment")

    # 2. Each assessor declares no conflict and scores the bid, far apart from the other.
    for assessor, value, words in ((first, HIGH, "Strong"), (second, LOW, "Patchy")):
        _sign_out(page)
        sign_in(assessor)
        page.goto(f"{base}/assess/")
        page.get_by_role("link", name=re.compile(re.escape(reference))).click()
        expect(page.get_by_role("heading", name="Conflicts of interest")).to_be_visible()
        page.get_by_label("No, I have no conflict of interest").check()
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("heading", name="Your scores")).to_be_visible()
        _score(page, criteria, value, words)
        if value == LOW:
            page.screenshot(path="/tmp/e2e-scoring.png", full_page=True)
        page.get_by_role("button", name="Submit scores").click()
        expect(page.get_by_text(f"Your scores for {reference} are submitted.")).to_be_visible()
        # The queue shows what is still to do; submitted bids are on the "done" tab.
        page.goto(f"{base}/assess/?show=done")
        expect(page.get_by_role("row", name=re.compile(re.escape(reference)))).to_contain_text(
            "Submitted"
        )

    # 3. The officer moderates the flagged score, marks the bid and freezes the panel list.
    _sign_out(page)
    sign_in(officer)
    page.goto(f"{base}/staff/applications/{application.uuid}/")
    expect(page.locator("#status")).to_have_text("Assessed")
    expect(page.get_by_text("Assessors' scores differ by 50.00 points")).to_be_visible()
    page.get_by_role("link", name="Moderate the score").click()
    page.get_by_label("Moderated score (0 to 100)").fill("70")
    page.get_by_label("Reason for moderating").fill(
        "The second assessor missed the partnership evidence in the appendix."
    )
    page.get_by_role("button", name="Save moderated score").click()
    expect(page.get_by_text("Moderated score saved.")).to_be_visible()
    expect(page.get_by_text("moderated to 70.00")).to_be_visible()
    page.screenshot(path="/tmp/e2e-moderated.png", full_page=True)
    page.get_by_role("link", name=f"Applications to round {round.number}").click()
    page.get_by_role("link", name="Ranking and budget").click()
    expect(page).to_have_url(f"{base}/staff/rounds/{round.uuid}/ranking/")
    page.get_by_role("link", name=f"Change mark for {reference}").click()
    page.get_by_label("Recommendation").select_option(label="Recommended")
    page.get_by_label("Recommended amount (if less than requested)").fill("5000")
    page.get_by_role("button", name="Save the mark").click()
    expect(page.get_by_text(f"{reference} marked.")).to_be_visible()
    expect(page.get_by_text("recommend £5,000")).to_be_visible()
    page.screenshot(path="/tmp/e2e-ranking.png", full_page=True)
    page.get_by_role("button", name="Freeze the panel list").click()
    expect(
        page.get_by_role("heading", name="Are you sure you want to freeze the panel list?")
    ).to_be_visible()
    page.get_by_role("button", name="Freeze the panel list").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(base)}/panels/[0-9a-f-]{{36}}/$"))
    expect(page.get_by_text("The panel list is frozen: 1 bid.", exact=True)).to_be_visible()

    # 4. The decision maker approves the bid at the recommended amount.
    _sign_out(page)
    sign_in(decision_maker)
    page.goto(f"{base}/panels/")
    page.get_by_role("link", name=re.compile(f"round {round.number}$")).click()
    page.get_by_role("link", name=f"Decide {reference}").click()
    page.get_by_label("Approve", exact=True).check()
    expect(page.get_by_label("Amount to award")).to_have_value("5000.00")
    page.get_by_role("button", name="Record decision").click()
    row = page.get_by_role("row", name=re.compile(re.escape(reference)))
    expect(row).to_contain_text("Approved")
    expect(row).to_contain_text("£5,000")
    page.screenshot(path="/tmp/e2e-panel.png", full_page=True)

    # 5. The database holds the award and the audit trail of every move.
    application.refresh_from_db()
    # Approved, then offered as soon as the award letter went out.
    assert application.status == Application.Status.OFFERED
    assert application.moderated_score == Decimal("70.00")
    award = Award.objects.get(application=application)
    assert award.amount == RECOMMENDED
    assert award.plan_id == round.plan_id
    assert award.primary_priority_id == application.primary_priority_id
    assert set(award.outcomes.all()) == set(application.outcomes.all())
    assert set(award.themes.all()) == set(application.themes.all())
    assert award.decided_by == decision_maker

    def moves(obj, model):
        return list(
            StatusChange.objects.filter(
                content_type=ContentType.objects.get_for_model(model), object_id=obj.pk
            ).values_list("from_status", "to_status", "actor")
        )

    assert moves(application, Application) == [
        ("draft", "submitted", personas.applicant_a.pk),
        ("submitted", "eligible", officer.pk),
        ("eligible", "in_assessment", officer.pk),
        ("in_assessment", "assessed", second.pk),
        ("assessed", "recommended", officer.pk),
        ("recommended", "approved", decision_maker.pk),
        ("approved", "offered", None),  # the award letter went out
    ]
    assessments = Assessment.objects.filter(application=application).order_by("pk")
    assert [a.assessor for a in assessments] == [first, second]
    for assessment in assessments:
        assert moves(assessment, Assessment) == [
            ("", "assigned", officer.pk),
            ("assigned", "in_progress", assessment.assessor_id),
            ("in_progress", "submitted", assessment.assessor_id),
        ]
    assert [a.weighted_score for a in assessments] == [Decimal("100.00"), Decimal("50.00")]

    # The group sees the award, and never who assessed it.
    _sign_out(page)
    sign_in(personas.applicant_a)
    page.goto(f"{base}/applications/{application.uuid}/")
    expect(page.get_by_role("heading", name="Your bid has been approved")).to_be_visible()
    expect(page.get_by_text("£5,000 awarded")).to_be_visible()
    page.screenshot(path="/tmp/e2e-applicant.png", full_page=True)
    text = page.content()
    for assessor in (first, second):
        assert assessor.full_name not in text
        assert assessor.email not in text
