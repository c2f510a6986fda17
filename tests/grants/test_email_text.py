"""Every email a group, an assessor or an invited person gets reads as plain words: lists
joined with commas and "and", no Python reprs, no "None", no raw dates."""

from __future__ import annotations

import datetime as dt
import re

from accounts.models import Invitation
from accounts.tasks import send_invitation
from core.outbox import outbox_relay
from grants import notifications
from grants.models import Assessment, Letter, MonitoringReport
from grants.services import letter_send
from tests.factories import DistrictFactory
from tests.grants.conftest import complete_application, submitted_application
from tests.grants.test_acceptance_and_payments import accepted_award, enrich

# What leaks when a template prints a Python object instead of words.
REPRS = re.compile(r"<QuerySet|<\w+: |\bNone\b|\[|\]|\d{4}-\d{2}-\d{2}")


def assert_plain_words(text: str) -> None:
    leak = REPRS.search(text)
    assert leak is None, f"{leak.group()!r} in:\n{text}"


def test_the_receipt_lists_places_and_themes_as_words(open_round, personas, mailoutbox):
    from grants import services

    application = complete_application(open_round, personas.org_a, personas.applicant_a)
    application.across_west_yorkshire = False
    application.save(update_fields=["across_west_yorkshire"])
    application.districts.set(
        [DistrictFactory(name=name) for name in ("Calderdale", "Kirklees", "Leeds")]
    )
    application.themes.set(open_round.plan.themes.order_by("position")[:2])
    services.application_submit(application=application, actor=personas.applicant_a)
    outbox_relay()
    [receipt] = [m for m in mailoutbox if "received" in m.subject]
    assert "Where: Calderdale, Kirklees and Leeds" in receipt.body
    first, second = open_round.plan.themes.order_by("position")[:2]
    assert f"Themes: {first.title} and {second.title}" in receipt.body
    assert_plain_words(receipt.body)


def test_the_receipt_says_when_no_themes_were_chosen(open_round, personas, mailoutbox):
    from grants import services

    application = complete_application(open_round, personas.org_a, personas.applicant_a)
    services.application_submit(application=application, actor=personas.applicant_a)
    outbox_relay()
    [receipt] = [m for m in mailoutbox if "received" in m.subject]
    assert "Where: Across West Yorkshire" in receipt.body
    assert "Themes: none chosen" in receipt.body
    assert "Who it helps: Young people (80 people)" in receipt.body
    assert_plain_words(receipt.body)


def test_the_draft_reminder_is_plain_words(open_round, personas, mailoutbox):
    from grants import services

    application = services.application_start(
        round=open_round, organisation=personas.org_a, actor=personas.applicant_a
    )
    notifications.send_draft_reminder(application)
    [email] = mailoutbox
    assert_plain_words(email.subject + email.body)


def test_the_ineligible_email_is_plain_words(scoring_round, personas, mailoutbox):
    application = submitted_application(scoring_round, personas.org_a, personas.applicant_a)
    application.feedback = "Your group is not a constituted group."
    notifications.send_application_ineligible(application)
    [email] = mailoutbox
    assert_plain_words(email.subject + email.body)


def test_the_award_and_decline_letter_emails_are_plain_words(award, personas, mailoutbox):
    outbox_relay()
    [offer] = [m for m in mailoutbox if m.subject.startswith("Offer of grant")]
    assert_plain_words(offer.subject + offer.body)
    assert "<QuerySet" not in offer.alternatives[0][0] and "None" not in offer.alternatives[0][0]
    application = submitted_application(
        award.application.round, personas.org_b, personas.applicant_b
    )
    application.feedback = "The budget did not add up."
    application.save(update_fields=["feedback"])
    letter_send(application=application, kind=Letter.Kind.DECLINE)
    decline = mailoutbox[-1]
    assert_plain_words(decline.subject + decline.body)
    assert (
        "<QuerySet" not in decline.alternatives[0][0] and "None" not in decline.alternatives[0][0]
    )


def test_the_report_emails_are_plain_words(award, personas, mailoutbox):
    from grants.services import monitoring

    award = accepted_award(enrich(award), personas)
    report = award.reports.get(kind=MonitoringReport.Kind.SIX_MONTH)
    mailoutbox.clear()
    notifications.send_report_reminder(report, "due_14")
    notifications.send_report_reminder(report, "overdue-1")
    for email in mailoutbox:
        assert_plain_words(email.subject + email.body)
    MonitoringReport.objects.filter(pk=report.pk).update(status=MonitoringReport.Status.SUBMITTED)
    report.refresh_from_db()
    monitoring.report_request_changes(
        report=report, actor=personas.officer, note="Add the venue receipts."
    )
    notifications.send_report_changes_requested(report)
    assert_plain_words(mailoutbox[-1].subject + mailoutbox[-1].body)
    assert "Add the venue receipts." in mailoutbox[-1].body


def test_the_assessor_reminder_counts_in_words(award, personas, mailoutbox):
    round = award.application.round
    round.assessment_deadline = dt.date(2027, 3, 10)
    round.save(update_fields=["assessment_deadline"])
    Assessment.objects.filter(assessor=personas.assessor).update(
        status=Assessment.Status.IN_PROGRESS
    )
    mailoutbox.clear()
    notifications.send_assessor_reminder(round, f"assessor-{personas.assessor.pk}")
    [email] = mailoutbox
    assert email.subject == "1 assessment due by 10 March 2027"
    assert "You have 1 assessment still to submit" in email.body
    assert_plain_words(email.subject + email.body)


def test_the_invitation_is_plain_words(personas, mailoutbox):
    invitation = Invitation.objects.create(
        organisation=personas.org_a, email="new@example.org", invited_by=personas.applicant_a
    )
    send_invitation(invitation)
    [email] = mailoutbox
    assert_plain_words(email.subject + email.body)


def test_the_assessor_reminder_without_a_deadline_says_so(award, personas, mailoutbox):
    Assessment.objects.filter(assessor=personas.assessor).update(
        status=Assessment.Status.IN_PROGRESS
    )
    mailoutbox.clear()
    notifications.send_assessor_reminder(
        award.application.round, f"assessor-{personas.assessor.pk}"
    )
    [email] = mailoutbox
    assert email.subject == "1 assessment still to submit"
    assert_plain_words(email.subject + email.body)
