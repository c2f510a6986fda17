"""Award administration read the same everywhere: one accept-by date, payments not before
the project starts, budgets against a reduced award, a confirmed freeze, counts in words,
and conditions to meet before the first payment."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pypdf
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from documents.formatting import date_text
from grants import letters, services
from grants.models import Award
from grants.services.panel import InstalmentInput
from tests.grants.conftest import eligible_application, score_all, submitted_application
from tests.grants.test_acceptance_and_payments import accepted_award


def _pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


# One accept-by date


def test_the_award_page_and_the_letter_give_the_same_accept_by_date(award, client_for, personas):
    accept_by = award.accept_by
    assert accept_by == award.decided_at.date() + dt.timedelta(days=28)
    page = client_for(personas.officer).get(reverse("grants:award-detail", args=[award.uuid]))
    text = page.content.decode()
    assert f"the group must accept by {date_text(accept_by)}" in text
    assert "plus 28 days" not in text
    assert date_text(accept_by) in _pdf_text(letters.award_letter(award))


def test_the_offer_email_gives_the_accept_by_date(award, mailoutbox):
    from core.outbox import outbox_relay

    outbox_relay()
    [offer] = [m for m in mailoutbox if m.subject.startswith("Offer of grant")]
    assert f"Accept the grant by {date_text(award.accept_by)}" in offer.body
    assert f"<strong>{date_text(award.accept_by)}</strong>" in offer.alternatives[0][0]


# Payments not before the project starts


def test_a_new_award_is_paid_when_the_project_starts(award):
    from grants.services.panel import first_payment_date

    assert first_payment_date(award.planned_start, dt.date(2026, 12, 1)) == award.planned_start
    # A project that has already started is paid on the day of the decision.
    assert first_payment_date(dt.date(2026, 11, 1), dt.date(2026, 12, 1)) == dt.date(2026, 12, 1)


def _approved_award(scoring_round, personas, second_assessor, **decision):
    """A bid scored by two assessors, recommended, frozen and approved with `decision`."""
    application = eligible_application(
        scoring_round, personas.org_a, personas.applicant_a, officer=personas.officer
    )
    for assessor in (personas.assessor, second_assessor):
        score_all(
            services.assessment_assign(
                application=application, assessor=assessor, actor=personas.officer
            ),
            [3, 3, 3, 3],
        )
    application.refresh_from_db()
    services.application_mark(application=application, actor=personas.officer, mark="recommended")
    panel = services.panel_freeze(round=application.round, actor=personas.officer)
    return services.panel_item_approve(
        item=panel.items.get(), actor=personas.decision_maker, **decision
    )


def test_the_default_schedule_pays_on_the_planned_start(scoring_round, personas, second_assessor):
    award = _approved_award(scoring_round, personas, second_assessor)
    [instalment] = award.instalments.all()
    assert instalment.due_date == award.application.start_date
    assert instalment.due_date > award.decided_at.date()


def test_an_officer_cannot_schedule_a_payment_before_the_project_starts(award, personas):
    early = award.planned_start - dt.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.award_schedule_set(
            award=award,
            actor=personas.officer,
            instalments=[InstalmentInput(early, award.amount)],
        )
    assert (
        f"The first payment cannot be before the project starts on "
        f"{date_text(award.planned_start)}" in " ".join(error.value.messages)
    )
    award.refresh_from_db()
    assert [i.due_date for i in award.instalments.all()] == [
        dt.date(2027, 4, 1),
        dt.date(2027, 10, 1),
    ]


def test_the_schedule_page_shows_the_early_payment_error_and_keeps_the_answers(
    award, client_for, personas
):
    early = award.planned_start - dt.timedelta(days=3)
    client = client_for(personas.officer)
    data = {
        "payment-TOTAL_FORMS": "4",
        "payment-INITIAL_FORMS": "0",
        "payment-0-due_date_day": str(early.day),
        "payment-0-due_date_month": str(early.month),
        "payment-0-due_date_year": str(early.year),
        "payment-0-amount": "8000",
    }
    response = client.post(reverse("grants:award-schedule", args=[award.uuid]), data)
    page = response.content.decode()
    assert "The first payment cannot be before the project starts" in page
    assert 'value="8000"' in page


# Freezing the panel list asks first, and warns while bids are still on their way


def test_freezing_asks_first_and_warns_while_the_round_is_open_with_bids_unscreened(
    assessed_application, client_for, personas
):
    from grants.models import PanelRecommendation

    round = assessed_application.round
    services.application_mark(
        application=assessed_application, actor=personas.officer, mark="recommended"
    )
    submitted_application(round, personas.org_b, personas.applicant_b)
    client = client_for(personas.officer)
    url = reverse("grants:staff-round-freeze", args=[round.uuid])
    page = client.get(url).content.decode()
    assert "Are you sure you want to freeze the panel list?" in page
    assert "The round is still open" in page
    assert "1 bid has not been screened yet" in page
    assert "1 assessed bid will go to the panel" in page
    # Posting without confirming goes back to the question and freezes nothing.
    response = client.post(url, {})
    assert response.status_code == 302 and response["Location"] == url
    assert not PanelRecommendation.objects.exists()
    response = client.post(url, {"confirmed": "yes"})
    assert response.status_code == 302
    assert PanelRecommendation.objects.get().items.count() == 1


def test_the_ranking_page_links_to_the_freeze_question(assessed_application, client_for, personas):
    services.application_mark(
        application=assessed_application, actor=personas.officer, mark="recommended"
    )
    client = client_for(personas.officer)
    page = client.get(
        reverse("grants:staff-round-ranking", args=[assessed_application.round.uuid])
    ).content.decode()
    assert (
        f'action="{reverse("grants:staff-round-freeze", args=[assessed_application.round.uuid])}" method="get"'
        in page
    )


@pytest.mark.parametrize("who", ["assessor", "decision_maker", "applicant_a"])
def test_only_officers_see_the_freeze_question(assessed_application, client_for, personas, who):
    client = client_for(personas.get(who))
    url = reverse("grants:staff-round-freeze", args=[assessed_application.round.uuid])
    assert client.get(url).status_code == 403


# Counts in words


def test_one_recommended_bid_is_counted_in_the_singular(award, client_for, personas):
    from grants.models import PanelItem

    panel = award.panel_item.panel
    PanelItem.objects.filter(pk=award.panel_item_id).update(decision=PanelItem.Decision.PENDING)
    client = client_for(personas.decision_maker)
    page = client.get(reverse("grants:panel-detail", args=[panel.uuid])).content.decode()
    assert "Approve the 1 recommended bid (" in page
    assert "1 recommended bids" not in page
    officer_page = client_for(personas.officer).get(
        reverse("grants:staff-round-summary", args=[panel.round.uuid])
    )
    assert "1 bids" not in officer_page.content.decode()


# The decision maker's award page links only to what they may open


def test_the_decision_maker_sees_report_dates_without_links_they_cannot_open(
    award, client_for, personas
):

    award = accepted_award(award, personas)
    report = award.reports.first()
    report_url = reverse("grants:report", args=[report.uuid])
    page = client_for(personas.decision_maker).get(
        reverse("grants:award-detail", args=[award.uuid])
    )
    text = page.content.decode()
    assert report.get_kind_display() in text
    assert report_url not in text
    assert client_for(personas.decision_maker).get(report_url).status_code == 404
    officer_page = client_for(personas.officer).get(
        reverse("grants:award-detail", args=[award.uuid])
    )
    assert report_url in officer_page.content.decode()


# Conditions to meet before the first payment


def _award_with_payment_condition(scoring_round, personas, second_assessor):
    award = _approved_award(
        scoring_round,
        personas,
        second_assessor,
        conditions="Credit the fund on your website.",
        conditions_before_payment="Send us copies of the DBS checks for the coaches.",
    )
    return accepted_award(award, personas)


def test_a_condition_before_the_first_payment_is_marked_and_in_the_letter(
    scoring_round, personas, second_assessor
):
    award = _award_with_payment_condition(scoring_round, personas, second_assessor)
    rows = list(award.award_conditions.order_by("position"))
    assert [(c.text, c.before_first_payment) for c in rows] == [
        ("Credit the fund on your website.", False),
        ("Send us copies of the DBS checks for the coaches.", True),
    ]
    text = _pdf_text(letters.award_letter(award))
    assert "Before the first payment: send us copies of the DBS checks" in text


def test_the_first_payment_waits_for_the_officer_to_confirm_each_condition(
    scoring_round, personas, second_assessor, client_for
):
    from grants.models import AwardCondition

    award = _award_with_payment_condition(scoring_round, personas, second_assessor)
    instalment = award.instalments.get()
    url = reverse("grants:payment-record", args=[award.uuid, instalment.position])
    client = client_for(personas.officer)
    page = client.get(url).content.decode()
    assert "Send us copies of the DBS checks for the coaches." in page
    assert "Credit the fund on your website." not in page
    today = dt.date.today()
    data = {
        "paid_on_day": today.day,
        "paid_on_month": today.month,
        "paid_on_year": today.year,
        "amount": "6000",
        "reference": "FIN-1",
    }
    response = client.post(url, data)
    page = response.content.decode()
    assert "Confirm that the group has met each condition before the first payment" in page
    assert 'value="FIN-1"' in page
    instalment.refresh_from_db()
    assert not instalment.is_paid
    condition = AwardCondition.objects.get(before_first_payment=True)
    response = client.post(url, {**data, "conditions_met": [condition.pk]})
    assert response.status_code == 302
    instalment.refresh_from_db()
    condition.refresh_from_db()
    assert instalment.is_paid
    assert condition.met_by == personas.officer and condition.met_at is not None


def test_the_payments_dashboard_flags_conditions_to_meet_first(
    scoring_round, personas, second_assessor, client_for
):
    from grants.models import PaymentInstalment

    award = _award_with_payment_condition(scoring_round, personas, second_assessor)
    PaymentInstalment.objects.filter(award=award).update(due_date=dt.date.today())
    page = client_for(personas.officer).get(reverse("grants:payments-dashboard")).content.decode()
    assert "1 condition to confirm first" in page


# A reduced award's budget: each line scaled to the award


def test_budget_shares_scale_every_line_and_add_up_to_the_award():
    from grants.budget import budget_shares

    assert budget_shares([Decimal("4500"), Decimal("2000")], Decimal("6000")) == [
        Decimal("4153.85"),
        Decimal("1846.15"),
    ]
    assert budget_shares([Decimal("100"), Decimal("100"), Decimal("100")], Decimal("100")) == [
        Decimal("33.33"),
        Decimal("33.33"),
        Decimal("33.34"),
    ]
    # A full award keeps the lines as requested.
    assert budget_shares([Decimal("6000"), Decimal("2000")], Decimal("8000")) == [
        Decimal("6000"),
        Decimal("2000"),
    ]


def test_a_reduced_awards_report_approves_each_line_in_proportion(award, personas, client_for):
    from grants.models import BudgetLine

    # The group asked for £8,000 over two lines (£6,500 coaches, £1,500 venue) and was
    # awarded £6,000 after the schedule was set.
    award.application.budget_lines.filter(description="Coaches").update(amount=Decimal("6500"))
    BudgetLine.objects.create(
        application=award.application,
        description="Venue hire",
        category=BudgetLine.Category.VENUE,
        amount=Decimal("1500"),
        position=2,
    )
    Award.objects.filter(pk=award.pk).update(amount=Decimal("6000"))
    award.instalments.all().delete()
    award.instalments.create(position=1, due_date=award.planned_start, amount=Decimal("6000"))
    award = accepted_award(Award.objects.get(pk=award.pk), personas)
    report = award.reports.get(kind="six_month")
    approved = {line.budget_line.description: line.approved for line in report.spend.all()}
    assert approved == {"Coaches": Decimal("4875.00"), "Venue hire": Decimal("1125.00")}
    page = client_for(personas.applicant_a).get(reverse("grants:report", args=[report.uuid]))
    text = page.content.decode()
    assert "£4,875.00" in text and "£6,000.00" in text
    assert "£6,500.00" in text  # what was asked for, shown beside the share
    assert "less than the £8,000.00 budget you asked for" in text
    award_page = (
        client_for(personas.officer)
        .get(reverse("grants:award-detail", args=[award.uuid]))
        .content.decode()
    )
    assert "£4,875.00" in award_page and "£6,500.00" in award_page
    assert "reduced in proportion" in award_page


def test_the_decision_maker_sets_conditions_before_the_first_payment_on_the_decision_page(
    assessed_application, client_for, personas
):
    from grants.models import AwardCondition

    services.application_mark(
        application=assessed_application, actor=personas.officer, mark="recommended"
    )
    panel = services.panel_freeze(round=assessed_application.round, actor=personas.officer)
    url = reverse("grants:panel-item-decide", args=[panel.uuid, panel.items.get().pk])
    client = client_for(personas.decision_maker)
    assert "Conditions to meet before the first payment" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "decision": "approve",
            "conditions": "Credit the fund.",
            "conditions_before_payment": "Send us your safeguarding policy.",
        },
    )
    assert response.status_code == 302
    assert [(c.text, c.before_first_payment) for c in AwardCondition.objects.all()] == [
        ("Credit the fund.", False),
        ("Send us your safeguarding policy.", True),
    ]


def test_a_payment_without_an_amount_is_refused_on_the_page_and_the_schedule_kept(
    award, client_for, personas
):
    start = award.planned_start
    data = {
        "payment-TOTAL_FORMS": "4",
        "payment-INITIAL_FORMS": "0",
        "payment-0-due_date_day": str(start.day),
        "payment-0-due_date_month": str(start.month),
        "payment-0-due_date_year": str(start.year),
        "payment-0-amount": "",
    }
    before = [(i.due_date, i.amount) for i in award.instalments.all()]
    response = client_for(personas.officer).post(
        reverse("grants:award-schedule", args=[award.uuid]), data
    )
    assert "Give every payment both a date and an amount." in response.content.decode()
    assert [(i.due_date, i.amount) for i in award.instalments.all()] == before


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("8e3", "Enter the payment&#x27;s amount in pounds, like 4500 or 4500.50"),
        ("lots", "Enter the payment&#x27;s amount in pounds, like 4500 or 4500.50"),
        ("-5", "The payment&#x27;s amount cannot be negative"),
    ],
)
def test_a_payment_amount_that_is_not_pounds_is_refused_in_plain_words(
    award, client_for, personas, typed, message
):
    before = list(award.instalments.values_list("amount", flat=True))
    data = {
        "payment-TOTAL_FORMS": "4",
        "payment-INITIAL_FORMS": "0",
        "payment-0-due_date_day": "1",
        "payment-0-due_date_month": "5",
        "payment-0-due_date_year": "2027",
        "payment-0-amount": typed,
    }
    response = client_for(personas.officer).post(
        reverse("grants:award-schedule", args=[award.uuid]), data
    )
    page = response.content.decode()
    assert message in page
    assert "Enter a number." not in page
    assert f'value="{typed}"' in page
    assert list(award.instalments.values_list("amount", flat=True)) == before
