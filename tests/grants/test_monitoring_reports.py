"""Monitoring reports: drafts keep what was typed, submission lists what is missing, spend
variance needs explaining, evidence is checked, and officers accept or ask for changes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from core.errors import NotAllowed
from core.models import OutboxMessage, StatusChange
from grants.errors import UploadRefused
from grants.models import (
    BENEFICIARY_GROUPS,
    Application,
    MonitoringEvidence,
    MonitoringReport,
    SpendLine,
)
from grants.services import monitoring as report_services
from tests.grants.conftest import PDF
from tests.grants.test_acceptance_and_payments import (
    EXE,
    JPEG,
    accepted_award,
    another_officer,
    enrich,
    pay,
)

R = MonitoringReport.Status
S = Application.Status


@pytest.fixture
def live_award(award, personas):
    """Accepted, bank details verified, and the first £5,000 paid: the grant is active."""
    award = accepted_award(enrich(award), personas)
    pay(award, personas.officer)
    return award


@pytest.fixture
def six_month(live_award) -> MonitoringReport:
    return live_award.reports.get(kind=MonitoringReport.Kind.SIX_MONTH)


@pytest.fixture
def final(live_award) -> MonitoringReport:
    return live_award.reports.get(kind=MonitoringReport.Kind.FINAL)


def line(report: MonitoringReport, description: str) -> SpendLine:
    return report.spend.select_related("budget_line").get(budget_line__description=description)


def complete(report: MonitoringReport, *, coaches="3000", venue="1000", **extra) -> dict:
    """Every answer a report needs (coaches approved £6,000, venue £2,000)."""
    values = {
        f"spent-{line(report, 'Coaches').pk}": coaches,
        f"spent-{line(report, 'Venue hire').pk}": venue,
        **{f"beneficiaries-{key}": "5" for key, _ in BENEFICIARY_GROUPS},
        **{
            f"progress-{p.pk}": "Twelve young people mentored."
            for p in report.outcome_progress.all()
        },
        "case_study": "A young person joined the sessions and stayed out of trouble.",
    }
    values.update(extra)
    return values


def save(report, actor, values, submit=False):
    return report_services.report_save(report=report, actor=actor, values=values, submit=submit)


def submitted(report, personas, **changes) -> MonitoringReport:
    result = save(report, personas.applicant_a, complete(report, **changes), submit=True)
    assert result.submitted, result.errors
    return MonitoringReport.objects.get(pk=report.pk)


def evidence_file(name="photo.jpg", content=JPEG):
    return SimpleUploadedFile(name, content, "image/jpeg")


# ---------------------------------------------------------------------------------------
# Drafts: nothing typed is lost


@pytest.mark.parametrize("typed", ["NaN", "-Infinity", "1e3", "12.345"])
def test_an_amount_spent_that_is_not_pounds_and_pence_is_refused_and_kept(
    six_month, personas, typed
):
    coaches = line(six_month, "Coaches")
    result = save(six_month, personas.applicant_a, {f"spent-{coaches.pk}": typed})
    assert result.errors == {
        f"spent-{coaches.pk}": "Enter the amount spent on Coaches, in pounds, like 1250 or 1250.50."
    }
    report = MonitoringReport.objects.get(pk=six_month.pk)
    assert report.unsaved_input == {f"spent-{coaches.pk}": typed}
    assert line(report, "Coaches").spent is None


def test_a_draft_keeps_what_could_not_be_saved_and_saves_the_rest(six_month, personas):
    coaches, venue = line(six_month, "Coaches"), line(six_month, "Venue hire")
    long_story = "x" * 3001
    result = save(
        six_month,
        personas.applicant_a,
        {
            f"spent-{coaches.pk}": "abc",
            f"spent-{venue.pk}": "£1,250.50",
            "beneficiaries-under_18": "lots",
            "beneficiaries-18_24": "12",
            "case_study": long_story,
            "successes": "  Good attendance.  ",
        },
    )
    assert not result.submitted
    assert result.errors == {
        f"spent-{coaches.pk}": "Enter the amount spent on Coaches, in pounds, like 1250 or 1250.50.",
        "beneficiaries-under_18": "Enter the number of children and young people under 18 as a "
        "whole number, like 35 or 0.",
        "case_study": "Case study must be 3,000 characters or fewer; it is 3,001.",
    }
    report = MonitoringReport.objects.get(pk=six_month.pk)
    assert report.status == R.DRAFT
    assert report.unsaved_input == {
        f"spent-{coaches.pk}": "abc",
        "beneficiaries-under_18": "lots",
        "case_study": long_story,
    }
    # The valid answers are saved; the refused ones keep their old (empty) values.
    assert line(report, "Venue hire").spent == Decimal("1250.50")
    assert line(report, "Coaches").spent is None
    assert report.beneficiaries == {"18_24": 12}
    assert report.successes == "Good attendance."
    assert report.case_study == ""
    # Once put right, the kept input is cleared.
    result = save(
        report,
        personas.applicant_a,
        {f"spent-{coaches.pk}": "4000", "beneficiaries-under_18": "0", "case_study": "Short."},
    )
    assert result.errors == {}
    report.refresh_from_db()
    assert report.unsaved_input == {}
    assert line(report, "Coaches").spent == Decimal("4000")
    assert report.beneficiaries == {"18_24": 12, "under_18": 0}
    assert report.case_study == "Short."


@pytest.mark.parametrize(
    ("typed", "saved"),
    [
        ("1250", Decimal("1250")),
        ("£1,250.50", Decimal("1250.50")),
        (" 0 ", Decimal("0")),
        ("", None),
        ("-5", "error"),
        ("12.345", "error"),
        ("1e3", "error"),  # exponents are refused: people type pounds, not 1e3
        ("twelve", "error"),
    ],
)
def test_amounts_spent_must_be_pounds(six_month, personas, typed, saved):
    coaches = line(six_month, "Coaches")
    SpendLine.objects.filter(pk=coaches.pk).update(spent=Decimal("99"))
    result = save(six_month, personas.applicant_a, {f"spent-{coaches.pk}": typed})
    coaches.refresh_from_db()
    if saved == "error":
        assert (
            "Enter the amount spent on Coaches, in pounds" in result.errors[f"spent-{coaches.pk}"]
        )
        assert coaches.spent == Decimal("99")
    else:
        assert result.errors == {}
        assert coaches.spent == saved


@pytest.mark.parametrize(
    ("field", "limit"),
    [("successes", 2000), ("challenges", 2000), ("case_study", 3000)],
)
def test_long_answers_are_kept_but_not_saved(six_month, personas, field, limit):
    result = save(six_month, personas.applicant_a, {field: "y" * limit})
    assert result.errors == {}
    result = save(six_month, personas.applicant_a, {field: "z" * (limit + 1)})
    assert f"must be {limit:,} characters or fewer; it is {limit + 1:,}" in result.errors[field]
    report = MonitoringReport.objects.get(pk=six_month.pk)
    assert getattr(report, field) == "y" * limit
    assert report.unsaved_input == {field: "z" * (limit + 1)}


def test_over_long_progress_and_explanations_are_kept(six_month, personas):
    progress = six_month.outcome_progress.first()
    coaches = line(six_month, "Coaches")
    result = save(
        six_month,
        personas.applicant_a,
        {f"progress-{progress.pk}": "p" * 1501, f"explanation-{coaches.pk}": "e" * 1001},
    )
    assert set(result.errors) == {f"progress-{progress.pk}", f"explanation-{coaches.pk}"}
    assert "1,500 characters or fewer" in result.errors[f"progress-{progress.pk}"]
    assert "1,000 characters or fewer" in result.errors[f"explanation-{coaches.pk}"]
    report = MonitoringReport.objects.get(pk=six_month.pk)
    assert report.unsaved_input[f"progress-{progress.pk}"] == "p" * 1501
    progress.refresh_from_db()
    assert progress.progress == ""


def test_the_report_page_shows_back_what_could_not_be_saved(six_month, personas, client_for):
    client = client_for(personas.applicant_a)
    url = reverse("grants:report", args=[six_month.uuid])
    coaches, venue = line(six_month, "Coaches"), line(six_month, "Venue hire")
    long_story = "A long story. " * 230  # 3,219 characters once trimmed
    response = client.post(
        url,
        {
            f"spent-{coaches.pk}": "abc",
            f"spent-{venue.pk}": "800",
            "beneficiaries-25_64": "lots",
            "case_study": long_story,
            "save": "1",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert (
        f'id="id_spent-{coaches.pk}" name="spent-{coaches.pk}" type="text" inputmode="decimal" value="abc"'
        in body
    )
    assert 'value="lots"' in body
    assert long_story.strip() in body
    assert 'value="800"' in body
    assert "Enter the amount spent on Coaches, in pounds, like 1250 or 1250.50." in body
    assert "Enter the number of adults aged 25 to 64 as a whole number" in body
    assert "Case study must be 3,000 characters or fewer; it is 3,219." in body
    # Coming back later, the typed text is still there, with a note to check it.
    page = client.get(url).content.decode()
    assert "We have kept what you typed" in page
    assert 'value="abc"' in page and 'value="lots"' in page and long_story.strip() in page
    report = MonitoringReport.objects.get(pk=six_month.pk)
    assert line(report, "Venue hire").spent == Decimal("800")
    # A good save redirects and clears the note.
    response = client.post(
        url,
        {
            f"spent-{coaches.pk}": "1000",
            "beneficiaries-25_64": "4",
            "case_study": "Shorter.",
            "save": "1",
        },
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "We have kept what you typed" not in page and 'value="abc"' not in page


# ---------------------------------------------------------------------------------------
# Submitting


def test_submitting_an_empty_report_lists_everything_missing(six_month, personas):
    result = save(six_month, personas.applicant_a, {}, submit=True)
    assert not result.submitted
    expected = {f"spent-{line.pk}" for line in six_month.spend.all()}
    expected |= {f"beneficiaries-{key}" for key, _ in BENEFICIARY_GROUPS}
    expected |= {f"progress-{p.pk}" for p in six_month.outcome_progress.all()}
    expected |= {"case_study"}
    assert set(result.errors) == expected
    assert len(expected) == 2 + 4 + 2 + 1
    assert result.errors[f"spent-{line(six_month, 'Coaches').pk}"] == (
        "Enter what has been spent on “Coaches”."
    )
    assert result.errors["beneficiaries-65_plus"] == (
        "Enter how many people were reached: older people aged 65 and over (0 if none)."
    )
    outcome = six_month.outcome_progress.first().outcome
    assert f"Describe progress towards outcome {outcome.code}." in result.errors.values()
    report = MonitoringReport.objects.get(pk=six_month.pk)
    assert report.status == R.DRAFT and report.submitted_at is None


def test_zero_people_reached_counts_as_an_answer(six_month, personas):
    values = complete(six_month, **{f"beneficiaries-{key}": "0" for key, _ in BENEFICIARY_GROUPS})
    result = save(six_month, personas.applicant_a, values, submit=True)
    assert result.submitted and result.errors == {}


def test_a_complete_report_is_submitted(six_month, personas):
    report = submitted(six_month, personas)
    assert report.status == R.SUBMITTED
    assert report.submitted_by == personas.applicant_a and report.submitted_at is not None
    assert report.beneficiaries == {key: 5 for key, _ in BENEFICIARY_GROUPS}
    assert StatusChange.objects.filter(
        object_id=report.pk, from_status=R.DRAFT, to_status=R.SUBMITTED
    ).exists()


def test_nothing_is_submitted_while_an_answer_cannot_be_saved(six_month, personas):
    values = complete(six_month, case_study="c" * 3001)
    result = save(six_month, personas.applicant_a, values, submit=True)
    assert not result.submitted
    assert list(result.errors) == ["case_study"]
    report = MonitoringReport.objects.get(pk=six_month.pk)
    assert report.status == R.DRAFT


@pytest.mark.parametrize(
    ("kind", "coaches", "venue", "needs"),
    [
        # Coaches approved £6,000, venue £2,000. More than 15% over always needs explaining.
        ("six_month", "7000", "1000", {"Coaches": "more than 15% over the approved £6,000"}),
        ("final", "7000", "2000", {"Coaches": "more than 15% over the approved £6,000"}),
        # More than 15% under needs explaining only at the end of the grant.
        ("six_month", "1000", "100", {}),
        ("final", "6000", "1000", {"Venue hire": "more than 15% under the approved £2,000"}),
        ("final", "5099", "2000", {"Coaches": "more than 15% under the approved £6,000"}),
        # Exactly 15% either way is within the limit.
        ("six_month", "6900", "2300", {}),
        ("final", "6900", "1700", {}),
        ("final", "5100", "2300", {}),
        # Both lines out at once.
        (
            "final",
            "8000",
            "0",
            {
                "Coaches": "more than 15% over the approved £6,000",
                "Venue hire": "more than 15% under the approved £2,000",
            },
        ),
    ],
)
def test_spending_far_from_the_budget_needs_an_explanation(
    live_award, personas, kind, coaches, venue, needs
):
    report = live_award.reports.get(kind=kind)
    result = save(
        report, personas.applicant_a, complete(report, coaches=coaches, venue=venue), submit=True
    )
    expected = {f"explanation-{line(report, name).pk}" for name in needs}
    assert set(result.errors) == expected
    for name, words in needs.items():
        message = result.errors[f"explanation-{line(report, name).pk}"]
        assert f"Explain why spending on “{name}”" in message and words in message
    assert result.submitted == (not needs)
    if needs:
        explanations = {f"explanation-{line(report, name).pk}": "Prices went up." for name in needs}
        result = save(report, personas.applicant_a, explanations, submit=True)
        assert result.submitted, result.errors
        for name in needs:
            assert line(report, name).explanation == "Prices went up."


def test_the_report_page_flags_lines_that_need_explaining(final, personas, client_for):
    coaches, venue = line(final, "Coaches"), line(final, "Venue hire")
    save(final, personas.applicant_a, {f"spent-{coaches.pk}": "6000", f"spent-{venue.pk}": "500"})
    client = client_for(personas.applicant_a)
    url = reverse("grants:report", args=[final.uuid])
    body = client.get(url).content.decode()
    assert f'name="explanation-{venue.pk}"' in body
    assert f'name="explanation-{coaches.pk}"' not in body
    response = client.post(url, {**complete(final, coaches="6000", venue="500"), "submit": "1"})
    assert response.status_code == 400
    assert "more than 15% under the approved £2,000" in response.content.decode()
    assert MonitoringReport.objects.get(pk=final.pk).status == R.DRAFT
    response = client.post(
        url,
        {
            **complete(final, coaches="6000", venue="500"),
            f"explanation-{venue.pk}": "The hall was free in the summer.",
            "submit": "1",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("grants:grant", args=[final.award.application.uuid])
    assert MonitoringReport.objects.get(pk=final.pk).status == R.SUBMITTED


@pytest.mark.parametrize("who", ["applicant_b", "officer", "administrator"])
def test_only_the_group_writes_its_report(six_month, personas, who):
    with pytest.raises(NotAllowed, match="Only a member of the group"):
        save(six_month, personas.get(who), complete(six_month), submit=True)
    with pytest.raises(NotAllowed, match="Only a member of the group"):
        report_services.report_evidence_add(
            report=six_month, actor=personas.get(who), uploaded=evidence_file()
        )
    report = MonitoringReport.objects.get(pk=six_month.pk)
    assert report.status == R.NOT_STARTED and report.case_study == ""
    assert not report.evidence.exists()


def test_a_submitted_report_cannot_be_changed(six_month, personas, client_for):
    evidence = report_services.report_evidence_add(
        report=six_month, actor=personas.applicant_a, uploaded=evidence_file()
    )
    report = submitted(six_month, personas, case_study="The original story.")
    with pytest.raises(NotAllowed, match="is submitted and cannot be changed"):
        save(report, personas.colleague_a, {"case_study": "Rewritten."})
    with pytest.raises(NotAllowed, match="is submitted and cannot be changed"):
        report_services.report_evidence_add(
            report=report, actor=personas.applicant_a, uploaded=evidence_file()
        )
    with pytest.raises(NotAllowed, match="is submitted and cannot be changed"):
        report_services.report_evidence_remove(
            report=report, actor=personas.applicant_a, evidence_uuid=evidence.uuid
        )
    client = client_for(personas.applicant_a)
    url = reverse("grants:report", args=[report.uuid])
    response = client.post(url, {"case_study": "Rewritten.", "save": "1"}, follow=True)
    assert "is submitted and cannot be changed" in response.content.decode()
    response = client.post(
        reverse("grants:report-evidence-add", args=[report.uuid]),
        {"file": evidence_file("second.jpg")},
        follow=True,
    )
    assert "cannot be changed" in response.content.decode()
    client.post(reverse("grants:report-evidence-remove", args=[report.uuid, evidence.uuid]))
    report.refresh_from_db()
    assert report.case_study == "The original story."
    assert [e.original_name for e in report.evidence.all()] == ["photo.jpg"]
    page = client.get(url).content.decode()
    assert "Submit the report" not in page and "Save as draft" not in page


# ---------------------------------------------------------------------------------------
# Evidence


def test_evidence_that_is_not_a_real_file_is_refused_in_plain_words(six_month, personas):
    with pytest.raises(UploadRefused) as raised:
        report_services.report_evidence_add(
            report=six_month,
            actor=personas.applicant_a,
            uploaded=SimpleUploadedFile("photo.pdf", EXE, "application/pdf"),
        )
    assert raised.value.message.startswith(
        "“photo.pdf” is not a PDF, Word document (.docx), JPEG or PNG."
    )
    with pytest.raises(UploadRefused, match="each file must be 10 MB or smaller"):
        report_services.report_evidence_add(
            report=six_month,
            actor=personas.applicant_a,
            uploaded=evidence_file("big.jpg", JPEG + b"0" * (10 * 1024 * 1024)),
        )
    assert not MonitoringEvidence.objects.exists()


def test_a_report_takes_up_to_10_files(six_month, personas):
    added = [
        report_services.report_evidence_add(
            report=six_month, actor=personas.applicant_a, uploaded=evidence_file(f"p{n}.jpg")
        )
        for n in range(10)
    ]
    with pytest.raises(UploadRefused, match="up to 10 files with a report: remove one first"):
        report_services.report_evidence_add(
            report=six_month, actor=personas.applicant_a, uploaded=evidence_file("p10.jpg")
        )
    assert six_month.evidence.count() == 10
    report_services.report_evidence_remove(
        report=six_month, actor=personas.colleague_a, evidence_uuid=added[0].uuid
    )
    report_services.report_evidence_add(
        report=six_month,
        actor=personas.applicant_a,
        uploaded=SimpleUploadedFile("p10.pdf", PDF, "application/pdf"),
    )
    assert sorted(six_month.evidence.values_list("original_name", flat=True)) == sorted(
        [f"p{n}.jpg" for n in range(1, 10)] + ["p10.pdf"]
    )


def test_evidence_through_the_page(six_month, personas, client_for):
    client = client_for(personas.applicant_a)
    add_url = reverse("grants:report-evidence-add", args=[six_month.uuid])
    response = client.post(
        add_url, {"file": SimpleUploadedFile("setup.pdf", EXE, "application/pdf")}, follow=True
    )
    body = response.content.decode()
    assert "“setup.pdf” is not a PDF, Word document (.docx), JPEG or PNG" in body
    assert not MonitoringEvidence.objects.exists()
    response = client.post(add_url, {}, follow=True)
    assert "Choose a file to upload." in response.content.decode()
    response = client.post(add_url, {"file": evidence_file("team.jpg")}, follow=True)
    assert "“team.jpg” uploaded." in response.content.decode()
    evidence = MonitoringEvidence.objects.get()
    assert (evidence.content_type, evidence.size, evidence.uploaded_by) == (
        "image/jpeg",
        len(JPEG),
        personas.applicant_a,
    )
    download = client.get(reverse("grants:report-evidence", args=[six_month.uuid, evidence.uuid]))
    assert download.status_code == 200
    assert download["Content-Type"] == "image/jpeg"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == JPEG
    response = client.post(
        reverse("grants:report-evidence-remove", args=[six_month.uuid, evidence.uuid])
    )
    assert response.status_code == 302
    assert not MonitoringEvidence.objects.exists()


def test_a_photo_goes_up_with_the_report_form_and_typed_answers_are_kept(
    six_month, personas, client_for
):
    client = client_for(personas.applicant_a)
    url = reverse("grants:report", args=[six_month.uuid])
    coaches = line(six_month, "Coaches")
    # A refused file: the answers are saved or kept, the file is named with the problem.
    response = client.post(
        url,
        {
            f"spent-{coaches.pk}": "abc",
            "case_study": "Typed while uploading.",
            "file": SimpleUploadedFile("photo.pdf", EXE, "application/pdf"),
            "save": "1",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "“photo.pdf” is not a PDF, Word document (.docx), JPEG or PNG" in body
    assert 'value="abc"' in body and "Typed while uploading." in body
    report = MonitoringReport.objects.get(pk=six_month.pk)
    assert report.case_study == "Typed while uploading."
    assert report.unsaved_input == {f"spent-{coaches.pk}": "abc"}
    assert not report.evidence.exists()
    # A complete report with a refused file is not submitted.
    response = client.post(
        url,
        {
            **complete(report),
            "file": SimpleUploadedFile("photo.pdf", EXE, "application/pdf"),
            "submit": "1",
        },
    )
    assert response.status_code == 400
    assert MonitoringReport.objects.get(pk=six_month.pk).status == R.DRAFT
    # A good file with the answers: both saved.
    response = client.post(
        url, {**complete(report), "file": evidence_file("team.jpg"), "save": "1"}, follow=True
    )
    assert "“team.jpg” uploaded." in response.content.decode()
    evidence = MonitoringEvidence.objects.get(report=six_month)
    assert evidence.original_name == "team.jpg"
    # Removing a file from the form keeps what was typed alongside.
    response = client.post(
        reverse("grants:report-evidence-remove", args=[six_month.uuid, evidence.uuid]),
        {**complete(report), "case_study": "Changed, then removed a photo."},
    )
    assert response.status_code == 302
    report = MonitoringReport.objects.get(pk=six_month.pk)
    assert not report.evidence.exists()
    assert report.case_study == "Changed, then removed a photo."


# ---------------------------------------------------------------------------------------
# The officer's review


def test_only_a_submitted_report_is_reviewed(six_month, personas):
    with pytest.raises(NotAllowed, match="Only a submitted report can be reviewed"):
        report_services.report_accept(report=six_month, actor=personas.officer)
    with pytest.raises(NotAllowed, match="Only a submitted report can be reviewed"):
        report_services.report_request_changes(
            report=six_month, actor=personas.officer, note="More"
        )
    report = submitted(six_month, personas)
    for who in ("applicant_a", "decision_maker", "assessor"):
        with pytest.raises(NotAllowed, match="Only grants officers"):
            report_services.report_accept(report=report, actor=personas.get(who))
    member_officer = another_officer("mo@example.org")
    Membership.objects.create(user=member_officer, organisation=personas.org_a)
    with pytest.raises(NotAllowed, match="You belong to this group"):
        report_services.report_accept(report=report, actor=member_officer)
    assert MonitoringReport.objects.get(pk=report.pk).status == R.SUBMITTED
    report_services.report_accept(report=report, actor=personas.officer, note="Thanks")
    with pytest.raises(NotAllowed, match="this one is accepted"):
        report_services.report_accept(report=report, actor=personas.officer)


def test_accepting_the_6_month_report_leaves_the_grant_active(six_month, personas):
    report = submitted(six_month, personas)
    report_services.report_accept(report=report, actor=personas.officer, note=" Good work. ")
    report.refresh_from_db()
    assert report.status == R.ACCEPTED
    assert (report.reviewed_by, report.review_note) == (personas.officer, "Good work.")
    assert report.reviewed_at is not None
    assert Application.objects.get(pk=report.award.application_id).status == S.ACTIVE
    # Underspend and clawback belong to the end of the grant.
    assert report.underspend is None and report.clawback_amount is None


def test_nothing_is_clawed_back_on_the_6_month_report(six_month, personas):
    report = submitted(six_month, personas)
    with pytest.raises(ValidationError) as raised:
        report_services.report_accept(report=report, actor=personas.officer, clawback="100")
    assert "end-of-grant report" in raised.value.message_dict["clawback"][0]
    report.refresh_from_db()
    assert report.status == R.SUBMITTED and report.clawback_amount is None


def test_asking_for_changes_needs_a_note_and_emails_the_group(
    six_month, personas, django_capture_on_commit_callbacks, mailoutbox
):
    report = submitted(six_month, personas)
    with pytest.raises(ValidationError) as raised:
        report_services.report_request_changes(report=report, actor=personas.officer, note=" ")
    assert "Say what the group needs to change" in raised.value.message_dict["note"][0]
    assert MonitoringReport.objects.get(pk=report.pk).status == R.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        report_services.report_request_changes(
            report=report, actor=personas.officer, note="Add the attendance figures."
        )
    report.refresh_from_db()
    assert report.status == R.CHANGES_REQUESTED
    assert report.review_note == "Add the attendance figures."
    [email] = mailoutbox
    assert sorted(email.to) == sorted([personas.applicant_a.email, personas.colleague_a.email])
    assert email.subject == f"Changes needed to your 6-month report for {report.award.reference}"
    assert "Add the attendance figures." in email.body
    assert settings.SITE_URL + reverse("grants:report", args=[report.uuid]) in email.body


def test_changes_requested_then_resubmitted_then_accepted(
    six_month, personas, client_for, django_capture_on_commit_callbacks, mailoutbox
):
    report = submitted(six_month, personas)
    review_url = reverse("grants:report-review", args=[report.uuid])
    officer = client_for(personas.officer)
    response = officer.post(review_url, {"decision": "changes", "note": ""})
    assert response.status_code == 400
    assert "Say what the group needs to change or add." in response.content.decode()
    assert MonitoringReport.objects.get(pk=report.pk).status == R.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(
            review_url, {"decision": "changes", "note": "Tell us about the venue."}
        )
    assert response.status_code == 302
    assert len(mailoutbox) == 1

    client = client_for(personas.colleague_a)
    url = reverse("grants:report", args=[report.uuid])
    page = client.get(url).content.decode()
    assert "Tell us about the venue." in page and "Submit the report" in page
    response = client.post(
        url, {**complete(report, successes="The venue was great."), "submit": "1"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == R.SUBMITTED and report.submitted_by == personas.colleague_a
    assert report.successes == "The venue was great."

    # A second round of changes, a day later, is emailed again.
    with (
        time_machine.travel(timezone.now() + dt.timedelta(days=1)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        report_services.report_request_changes(
            report=report, actor=personas.officer, note="And the photos, please."
        )
    assert len(mailoutbox) == 2 and "And the photos, please." in mailoutbox[1].body
    periods = OutboxMessage.objects.filter(kind="grants.report_changes_requested").values_list(
        "period", flat=True
    )
    assert sorted(periods) == ["changes-1", "changes-2"]  # counted, never the clock
    submitted(report, personas)
    officer = client_for(personas.officer)
    response = officer.post(review_url, {"decision": "accept", "note": "All good."})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == R.ACCEPTED
    changes = list(
        StatusChange.objects.filter(object_id=report.pk, content_type__model="monitoringreport")
        .order_by("pk")
        .values_list("to_status", flat=True)
    )
    assert changes == [
        R.DRAFT,  # the first save moves it out of not started, audited like any move
        R.SUBMITTED,
        R.CHANGES_REQUESTED,
        R.SUBMITTED,
        R.CHANGES_REQUESTED,
        R.SUBMITTED,
        R.ACCEPTED,
    ]


# ---------------------------------------------------------------------------------------
# The end of the grant: underspend, clawback, completion


@pytest.fixture
def fully_paid_final(live_award, final, personas):
    pay(live_award, personas.officer, 2, reference="PAY-2")  # £8,000 paid in all
    return final


@pytest.mark.parametrize(
    ("clawback", "message"),
    [
        ("600", "The clawback cannot be more than the underspend of £500."),
        ("500.01", "The clawback cannot be more than the underspend of £500."),
        ("-1", "Enter the amount to claw back in pounds, like 350 or 0."),
        ("lots", "Enter the amount to claw back in pounds"),
        ("1.234", "Enter the amount to claw back in pounds"),
        ("NaN", "Enter the amount to claw back in pounds"),
        ("Infinity", "Enter the amount to claw back in pounds"),
        ("1e2", "Enter the amount to claw back in pounds"),
    ],
)
def test_the_clawback_is_never_more_than_the_underspend(
    fully_paid_final, personas, clawback, message
):
    report = submitted(
        fully_paid_final,
        personas,
        coaches="6000",
        venue="1500",
        **{f"explanation-{line(fully_paid_final, 'Venue hire').pk}": "Cheaper hall."},
    )
    assert report_services.report_underspend(report) == Decimal("500")
    with pytest.raises(ValidationError) as raised:
        report_services.report_accept(report=report, actor=personas.officer, clawback=clawback)
    [refusal] = raised.value.message_dict["clawback"]
    assert message in refusal
    report.refresh_from_db()
    assert report.status == R.SUBMITTED
    assert report.underspend is None and report.clawback_amount is None
    assert Application.objects.get(pk=report.award.application_id).status == S.ACTIVE


@pytest.mark.parametrize(
    ("clawback", "recorded"),
    [("300", Decimal("300")), ("£500", Decimal("500")), ("", Decimal("0")), (None, Decimal("0"))],
)
def test_accepting_the_final_report_records_the_underspend_and_completes_the_grant(
    fully_paid_final, personas, clawback, recorded
):
    report = submitted(
        fully_paid_final,
        personas,
        coaches="6000",
        venue="1500",
        **{f"explanation-{line(fully_paid_final, 'Venue hire').pk}": "Cheaper hall."},
    )
    report_services.report_accept(report=report, actor=personas.officer, clawback=clawback)
    report.refresh_from_db()
    assert report.status == R.ACCEPTED
    assert report.underspend == Decimal("500")
    assert report.clawback_amount == recorded
    application = Application.objects.get(pk=report.award.application_id)
    assert application.status == S.COMPLETED
    change = StatusChange.objects.filter(object_id=application.pk).order_by("pk").last()
    assert (change.from_status, change.to_status, change.actor) == (
        S.ACTIVE,
        S.COMPLETED,
        personas.officer,
    )


def test_a_final_report_spending_everything_has_no_underspend(fully_paid_final, personas):
    report = submitted(fully_paid_final, personas, coaches="6500", venue="1900")
    assert report_services.report_underspend(report) == Decimal(0)  # overspend is not negative
    with pytest.raises(ValidationError, match="more than the underspend of £0"):
        report_services.report_accept(report=report, actor=personas.officer, clawback="1")
    report_services.report_accept(report=report, actor=personas.officer)
    report.refresh_from_db()
    assert report.underspend == Decimal(0) and report.clawback_amount is None
    assert Application.objects.get(pk=report.award.application_id).status == S.COMPLETED


def test_the_underspend_counts_only_what_was_paid(final, personas):
    # Only the first £5,000 is paid; £4,600 spent leaves £400 unspent.
    report = submitted(
        final,
        personas,
        coaches="4000",
        venue="600",
        **{
            f"explanation-{line(final, 'Coaches').pk}": "Started late.",
            f"explanation-{line(final, 'Venue hire').pk}": "Free hall.",
        },
    )
    assert report_services.report_underspend(report) == Decimal("400")


def test_the_final_review_through_the_page(fully_paid_final, personas, client_for):
    report = submitted(
        fully_paid_final,
        personas,
        coaches="6000",
        venue="1500",
        **{f"explanation-{line(fully_paid_final, 'Venue hire').pk}": "Cheaper hall."},
    )
    officer = client_for(personas.officer)
    url = reverse("grants:report", args=[report.uuid])
    page = officer.get(url).content.decode()
    assert 'id="underspend">£500.00</strong> unspent' in page
    review_url = reverse("grants:report-review", args=[report.uuid])
    response = officer.post(review_url, {"decision": "accept", "clawback": "900"})
    assert response.status_code == 400
    assert "The clawback cannot be more than the underspend of £500." in response.content.decode()
    assert MonitoringReport.objects.get(pk=report.pk).status == R.SUBMITTED
    response = officer.post(review_url, {"decision": "accept", "clawback": "250"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.underspend, report.clawback_amount) == (
        R.ACCEPTED,
        Decimal("500"),
        Decimal("250"),
    )
    assert Application.objects.get(pk=report.award.application_id).status == S.COMPLETED
    page = client_for(personas.applicant_a).get(url).content.decode()
    assert "Underspend: £500.00. Amount to be repaid: £250.00." in page


def test_the_first_save_moves_the_report_to_draft_with_one_audit_row(six_month, personas):
    def moves():
        return list(
            StatusChange.objects.filter(
                content_type=ContentType.objects.get_for_model(MonitoringReport),
                object_id=six_month.pk,
            ).values_list("from_status", "to_status", "actor")
        )

    save(six_month, personas.applicant_a, {"case_study": "Started."})
    six_month.refresh_from_db()
    assert six_month.status == R.DRAFT
    assert moves() == [("not_started", "draft", personas.applicant_a.pk)]
    save(six_month, personas.applicant_a, {"case_study": "Carried on."})
    assert moves() == [("not_started", "draft", personas.applicant_a.pk)]


def test_every_report_move_is_checked_against_the_table(six_month, personas):
    from tests.grants.test_transitions import _check_every_move

    _check_every_move(six_month, MonitoringReport, personas.officer)


def test_the_explanation_rule_lives_on_the_spend_line(six_month, final, personas):
    # Coaches were approved at £6,000: £7,000 is 17% over, £5,000 is 17% under.
    save(six_month, personas.applicant_a, {f"spent-{line(six_month, 'Coaches').pk}": "7000"})
    save(final, personas.applicant_a, {f"spent-{line(final, 'Coaches').pk}": "5000"})
    over, under_at_the_end = line(six_month, "Coaches"), line(final, "Coaches")
    assert over.is_over and over.explanation_required
    assert not under_at_the_end.is_over and under_at_the_end.explanation_required
    save(six_month, personas.applicant_a, {f"spent-{line(six_month, 'Coaches').pk}": "5000"})
    assert not line(six_month, "Coaches").explanation_required  # mid-grant underspend is fine


def test_saving_with_a_file_attaches_it_in_the_same_call(six_month, personas):
    result = report_services.report_save(
        report=six_month,
        actor=personas.applicant_a,
        values={"successes": "New sessions."},
        uploaded=evidence_file(),
    )
    assert not result.errors
    six_month.refresh_from_db()
    assert six_month.successes == "New sessions."
    assert list(six_month.evidence.values_list("original_name", flat=True)) == ["photo.jpg"]
    report_services.report_evidence_remove(
        report=six_month,
        actor=personas.applicant_a,
        evidence_uuid=six_month.evidence.get().uuid,
        values={"successes": "Typed, then a file removed."},
    )
    six_month.refresh_from_db()
    assert six_month.successes == "Typed, then a file removed."
    assert not six_month.evidence.exists()
