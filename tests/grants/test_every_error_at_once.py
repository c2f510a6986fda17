"""Officers', assessors' and groups' forms list every problem at once, in the GOV.UK error
summary and next to each field, and keep what was typed (issue 12, fault 5)."""

from __future__ import annotations

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from grants import services
from grants.models import MonitoringReport
from tests.grants.conftest import submitted_application
from tests.grants.test_acceptance_and_payments import (
    EXE,
    accept_form,
    accepted_award,
    enrich,
    nothing_accepted,
    upload,
)
from tests.grants.test_monitoring_reports import line
from tests.grants.test_neutral_headings import scoring_in_progress


def summary(body: str) -> list[str]:
    """The messages in the page's GOV.UK error summary."""
    match = re.search(r'govuk-error-summary__list">(.*?)</ul>', body, re.S)
    assert match, "the page has no error summary"
    return [
        html.unescape(re.sub(r"<[^>]+>", "", item)).strip()
        for item in re.findall(r"<li>(.*?)</li>", match[1], re.S)
    ]


def field_group(body: str, field_id: str) -> str:
    """The form group holding the input with this id."""
    start = body.index(f'id="{field_id}"')
    group = body.rindex('<div class="govuk-form-group', 0, start)
    return body[group : body.index("</div>", start) + 6]


# Accepting the grant


def test_a_bad_evidence_file_is_reported_with_every_other_problem(award, client_for, personas):
    client = client_for(personas.applicant_a)
    response = client.post(
        reverse("grants:grant-accept", args=[award.application.uuid]),
        accept_form(
            evidence=upload("statement.pdf", EXE),
            signatory_name="",
            signatory_position="Secretary",
            supplier_email="not an email",
            sort_code="12",
            account_number="0073",
        ),
    )
    body = response.content.decode()
    errors = summary(body)
    assert any("Enter the full name of the person accepting" in e for e in errors)
    assert any("Enter an email address for remittance advice" in e for e in errors)
    assert any("Enter the sort code as 6 digits" in e for e in errors)
    assert any("Enter the account number: 6 to 8 digits" in e for e in errors)
    assert any(
        "“statement.pdf” is not a PDF, Word document (.docx), JPEG or PNG" in e for e in errors
    )
    assert 'href="#id_evidence"' in body
    for typed in ('value="Secretary"', 'value="not an email"', 'value="12"', 'value="0073"'):
        assert typed in body
    nothing_accepted(award)


def test_a_good_file_must_be_chosen_again_when_the_page_shows_an_error(award, client_for, personas):
    client = client_for(personas.applicant_a)
    response = client.post(
        reverse("grants:grant-accept", args=[award.application.uuid]),
        accept_form(signatory_name=""),
    )
    errors = summary(response.content.decode())
    assert any("Enter the full name of the person accepting" in e for e in errors)
    assert any("Choose “statement.pdf” again" in e for e in errors)
    nothing_accepted(award)


def test_sort_code_account_number_and_email_errors_are_styled_like_every_field(
    award, client_for, personas
):
    client = client_for(personas.applicant_a)
    response = client.post(
        reverse("grants:grant-accept", args=[award.application.uuid]),
        accept_form(supplier_email="not an email", sort_code="12", account_number="0073"),
    )
    body = response.content.decode()
    for name, message in (
        ("supplier_email", "Enter an email address for remittance advice"),
        ("sort_code", "Enter the sort code as 6 digits"),
        ("account_number", "Enter the account number: 6 to 8 digits"),
    ):
        group = field_group(body, f"id_{name}")
        assert "govuk-form-group--error" in group
        assert message in group and f'id="id_{name}-error"' in group
        tag = re.search(rf'<input[^>]*id="id_{name}"[^>]*>', body)[0]
        assert "govuk-input--error" in tag
        assert f"id_{name}-error" in tag  # aria-describedby names the message


# Moderating, assigning and marking


def test_moderating_reports_a_score_out_of_range_and_a_missing_reason_together(
    assessed_application, client_for, personas
):
    client = client_for(personas.officer)
    url = reverse("grants:staff-application-moderate", args=[assessed_application.uuid])
    response = client.post(url, {"score": "150", "reason": ""})
    body = response.content.decode()
    assert summary(body) == [
        "Enter the moderated score as a number from 0 to 100, like 72.5.",
        "Say why you moderated the score. The panel sees this.",
    ]
    assert 'href="#id_score"' in body and 'href="#id_reason"' in body
    assert 'value="150"' in body
    assessed_application.refresh_from_db()
    assert assessed_application.moderated_score is None


def test_assigning_without_choosing_an_assessor_shows_the_error_summary(
    assessed_application, client_for, personas
):
    client = client_for(personas.officer)
    response = client.post(
        reverse("grants:staff-application-assign", args=[assessed_application.uuid]), {}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert summary(body) == ["Choose an assessor."]
    assert 'href="#id_assessor"' in body
    assert "govuk-select--error" in re.search(r'<select[^>]*id="id_assessor"[^>]*>', body)[0]
    assert "govuk-notification-banner" not in body


def test_assigning_someone_already_on_the_bid_says_so_on_the_field(
    assessed_application, client_for, personas
):
    client = client_for(personas.officer)
    response = client.post(
        reverse("grants:staff-application-assign", args=[assessed_application.uuid]),
        {"assessor": personas.assessor.pk},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert [e for e in summary(body) if "is already assessing this bid" in e]
    assert 'href="#id_assessor"' in body
    assert f'value="{personas.assessor.pk}" selected' in body
    assert assessed_application.assessments.count() == 2


def test_marking_more_than_was_requested_shows_the_error_beside_the_amount(
    assessed_application, client_for, personas
):
    client = client_for(personas.officer)
    response = client.post(
        reverse(
            "grants:staff-round-mark",
            args=[assessed_application.round.uuid, assessed_application.uuid],
        ),
        {"mark": "reserve", "recommended_amount": "999999"},
    )
    body = response.content.decode()
    errors = summary(body)
    assert len(errors) == 1 and "The recommended amount cannot be more than" in errors[0]
    assert 'href="#id_recommended_amount"' in body
    assert 'value="999999"' in body
    assert "govuk-error-message" in body
    assert f"<title>Error: Mark {assessed_application.reference} " in body  # "Error: " once
    assessed_application.refresh_from_db()
    assert assessed_application.mark == "" and assessed_application.recommended_amount is None


# The monitoring report


@pytest.fixture
def six_month(award, personas) -> MonitoringReport:
    """The 6-month report of an accepted grant with two budget lines: Coaches, Venue hire."""
    award = accepted_award(enrich(award), personas)
    return award.reports.get(kind=MonitoringReport.Kind.SIX_MONTH)


def test_each_bad_amount_spent_names_its_budget_line(six_month, client_for, personas):
    coaches, venue = line(six_month, "Coaches"), line(six_month, "Venue hire")
    client = client_for(personas.applicant_a)
    response = client.post(
        reverse("grants:report", args=[six_month.uuid]),
        {f"spent-{coaches.pk}": "lots", f"spent-{venue.pk}": "-5", "save": "1"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert summary(body) == [
        "Enter the amount spent on Coaches, in pounds, like 1250 or 1250.50.",
        "Enter the amount spent on Venue hire, in pounds, like 1250 or 1250.50.",
    ]
    assert f'href="#id_spent-{coaches.pk}"' in body and f'href="#id_spent-{venue.pk}"' in body
    assert 'value="lots"' in body and 'value="-5"' in body


def test_submitting_lists_what_could_not_be_saved_and_what_is_missing_together(
    six_month, client_for, personas
):
    coaches = line(six_month, "Coaches")
    client = client_for(personas.applicant_a)
    response = client.post(
        reverse("grants:report", args=[six_month.uuid]),
        {
            f"spent-{coaches.pk}": "lots",
            "successes": "Typed before submitting.",
            "file": SimpleUploadedFile("photo.pdf", EXE, "application/pdf"),
            "submit": "1",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    errors = summary(body)
    assert errors[0] == "Enter the amount spent on Coaches, in pounds, like 1250 or 1250.50."
    assert "Enter what has been spent on “Venue hire”." in errors
    assert "Write a short case study about someone the project helped." in errors
    assert errors[-1].startswith("“photo.pdf” is not a PDF")
    assert 'value="lots"' in body and "Typed before submitting." in body
    six_month.refresh_from_db()
    assert six_month.status == MonitoringReport.Status.DRAFT
    assert six_month.successes == "Typed before submitting."


# Payments


def test_a_payment_with_an_impossible_date_lists_every_other_problem_too(
    award, client_for, personas
):
    award = accepted_award(award, personas)
    client = client_for(personas.officer)
    url = reverse("grants:payment-record", args=[award.uuid, 1])
    response = client.post(
        url,
        {
            "paid_on_day": "31",
            "paid_on_month": "2",
            "paid_on_year": "2027",
            "amount": "lots",
            "reference": "",
        },
    )
    body = response.content.decode()
    errors = summary(body)
    assert errors[0] == "Enter a real date, like 27 3 2026"
    assert any("the amount paid" in e for e in errors[1:])
    assert "Enter the payment reference from the finance system." in errors
    assert len(errors) == 3
    assert 'value="31"' in body and 'value="lots"' in body
    assert not award.instalments.get(position=1).is_paid


def test_an_over_long_name_is_listed_with_the_service_checks(award, client_for, personas):
    client = client_for(personas.applicant_a)
    response = client.post(
        reverse("grants:grant-accept", args=[award.application.uuid]),
        accept_form(signatory_name="A" * 151, sort_code=""),
    )
    errors = summary(response.content.decode())
    assert any("150 characters" in e for e in errors)
    assert any("Enter the sort code as 6 digits" in e for e in errors)
    nothing_accepted(award)


# Screening


def test_screening_lists_an_unanswered_check_and_a_missing_reason_together(
    scoring_round, client_for, personas
):
    application = submitted_application(scoring_round, personas.org_a, personas.applicant_a)
    checks = services.screening_checks_ensure(round=scoring_round)
    first, rest = checks[0], checks[1:]
    data = {f"check_{check.pk}": "pass" for check in rest}
    data[f"note_{rest[0].pk}"] = "Typed note"
    data.update({"outcome": "ineligible", "reason": ""})
    response = client_for(personas.officer).post(
        reverse("grants:staff-application-screen", args=[application.uuid]), data
    )
    body = response.content.decode()
    assert summary(body) == [
        f"Answer “{first.question}”: pass or fail.",
        "Say why the bid is ineligible. The applicant is sent these words.",
    ]
    assert f'href="#id_check_{first.pk}' in body and 'href="#id_reason"' in body
    assert 'value="Typed note"' in body
    application.refresh_from_db()
    assert application.status == "submitted"


def test_a_refused_evidence_file_is_shown_in_the_error_summary(six_month, client_for, personas):
    client = client_for(personas.applicant_a)
    add_url = reverse("grants:report-evidence-add", args=[six_month.uuid])
    response = client.post(
        add_url, {"file": SimpleUploadedFile("setup.pdf", EXE, "application/pdf")}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert summary(body)[0].startswith("“setup.pdf” is not a PDF")
    assert 'href="#id_file"' in body and "govuk-file-upload--error" in body
    response = client.post(add_url, {})
    assert summary(response.content.decode()) == ["Choose a file to upload."]


# Funds, rounds and pots


def test_a_blank_round_says_in_plain_words_what_each_field_needs(client_for, personas, plan):
    response = client_for(personas.officer).post(
        reverse("grants:staff-round-create"), {"number": "eight", "all_districts": "on"}
    )
    body = response.content.decode()
    errors = summary(body)
    assert "This field is required." not in body and "Enter a whole number." not in body
    for message in (
        "Choose the fund",
        "Enter the round number as a whole number, like 8",
        "Enter the round's title",
        "Choose the round's status",
        "Choose the Police and Crime Plan",
        "Enter the reference prefix, like MSCF-R8",
        "Enter the date the round opens",
        "Enter the time the round opens, like 09:00",
        "Enter the date the round closes",
        "Enter the time the round closes, like 12:00",
    ):
        assert message in errors
    assert 'value="eight"' in body


def test_a_fund_and_a_pot_say_in_plain_words_what_each_field_needs(
    client_for, personas, open_round
):
    client = client_for(personas.officer)
    body = client.post(reverse("grants:staff-fund-create"), {"code": "x" * 21}).content.decode()
    assert summary(body) == [
        "Enter the fund's name",
        "Code must be 20 characters or fewer",
    ]
    body = client.post(
        reverse("grants:staff-pot-create", args=[open_round.uuid]),
        {"name": "", "min_award": "lots", "max_award": "0", "budget": "", "position": ""},
    ).content.decode()
    assert summary(body) == [
        "Enter the pot's name",
        "Enter the smallest grant in pounds, like 5000",
        "The largest grant must be £1 or more",
        "Enter the total budget in pounds, like 5000",
        "Enter the order on the page as a whole number, like 1",
    ]
    assert "This field is required." not in body


def test_criteria_checks_and_declining_never_say_this_field_is_required(
    award, client_for, personas, scoring_round
):
    officer = client_for(personas.officer)
    body = officer.post(
        reverse("grants:staff-criterion-create", args=[scoring_round.uuid]),
        {"name": "", "weight": "heavy", "scale_max": "", "position": ""},
    ).content.decode()
    errors = summary(body)
    assert "Enter the criterion's name" in errors
    assert "Enter the weight as a whole number, like 1" in errors
    assert "This field is required." not in body
    body = officer.post(
        reverse("grants:staff-round-checks", args=[scoring_round.uuid]), {"question": ""}
    ).content.decode()
    assert summary(body) == ["Enter the new check"]
    body = (
        client_for(personas.applicant_a)
        .post(reverse("grants:grant-decline", args=[award.application.uuid]), {"reason": ""})
        .content.decode()
    )
    assert summary(body) == ["Tell us why the group is declining the grant."]


def test_an_over_long_comment_is_named_in_plain_words(scoring_round, client_for, personas):
    assessment = scoring_in_progress(scoring_round, personas)
    criterion = scoring_round.criteria.order_by("position").first()
    long_comment = "x" * 2001
    body = (
        client_for(personas.assessor)
        .post(
            reverse("grants:assess", args=[assessment.uuid]),
            {f"comment_{criterion.pk}": long_comment, "overall_comment": "Fine", "save": "1"},
        )
        .content.decode()
    )
    assert summary(body) == [f"Comment on “{criterion.name}” must be 2,000 characters or fewer"]
    assert "Ensure this value" not in body
    assert long_comment in body and "Fine" in body


def test_names_already_taken_are_explained_in_plain_words(client_for, personas, open_round):
    from tests.grants.test_staff_round_pages import _round_data

    client = client_for(personas.officer)
    fund = open_round.fund
    body = client.post(
        reverse("grants:staff-fund-create"), {"name": fund.name, "code": fund.code}
    ).content.decode()
    assert summary(body) == [
        "There is already a fund with this name",
        "Another fund already uses this code",
    ]
    body = client.post(
        reverse("grants:staff-round-create"),
        _round_data(
            open_round.plan,
            fund,
            number=str(open_round.number),
            reference_prefix=open_round.reference_prefix,
        ),
    ).content.decode()
    errors = summary(body)
    assert f"{fund.name} already has a round {open_round.number}" in errors
    assert "Another round already uses this reference prefix" in errors
    body = client.post(
        reverse("grants:staff-pot-create", args=[open_round.uuid]),
        {
            "name": "Pot 1",
            "min_award": "100",
            "max_award": "200",
            "budget": "1000",
            "position": "3",
        },
    ).content.decode()
    assert summary(body) == ["This round already has a pot called “Pot 1”"]
    assert open_round.pots.count() == 2


def test_sharing_out_bids_says_plainly_how_many_assessors_a_bid_can_have(
    scoring_round, client_for, personas
):
    url = reverse("grants:staff-round-assign", args=[scoring_round.uuid])
    client = client_for(personas.officer)
    for typed, message in (
        ("0", "Assessors for each bid must be 1 or more."),
        ("11", "Assessors for each bid must be 10 or fewer."),
        ("two", "Assessors for each bid must be a whole number, like 2."),
    ):
        response = client.post(url, {"assessors": [personas.assessor.pk], "per_application": typed})
        assert summary(response.content.decode()) == [message], typed
        assert response.status_code == 400
        assert f'value="{typed}"' in response.content.decode()  # what was typed stays
