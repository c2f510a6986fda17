"""The daily beat task's reminders, with the clock frozen across each boundary: reports due in
14 days, due today and overdue (then weekly), and assessors three days before the round's
assessment deadline. Each reminder goes once, however often or concurrently the task runs."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse

from accounts.roles import Role
from core.models import OutboxMessage
from core.outbox import outbox_relay
from grants.models import Application, Assessment, MonitoringReport
from grants.services import monitoring as report_services
from grants.services.reminders import monitoring_milestone, reminders_queue_due
from grants.tasks import reminders_daily
from tests.factories import UserFactory
from tests.grants.builders import bulk_assessed_applications, with_criteria
from tests.grants.conftest import make_round
from tests.grants.test_acceptance_and_payments import accepted_award, enrich
from tests.grants.test_monitoring_reports import complete

LONDON = ZoneInfo("Europe/London")
DUE = dt.date(2027, 6, 15)  # the 6-month report's due date in these tests
A = Assessment.Status


def at(day: dt.date, hour: int = 6):
    """Freeze the clock early on `day`, London time, when beat runs the task."""
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour), LONDON), tick=False)


@pytest.fixture
def run_daily(django_capture_on_commit_callbacks):
    """run_daily(day) -> the emails the daily task sent on that day (relayed on commit)."""

    def run(day: dt.date, *, times: int = 1, hour: int = 6) -> list:
        before = len(mail.outbox)
        with at(day, hour), django_capture_on_commit_callbacks(execute=True):
            for _ in range(times):
                reminders_daily.delay().get()
        return mail.outbox[before:]

    return run


@pytest.fixture
def report(award, personas) -> MonitoringReport:
    """The group's 6-month report, due on 15 June 2027; the final report is a year later."""
    award = accepted_award(enrich(award), personas)
    award.reports.filter(kind=MonitoringReport.Kind.SIX_MONTH).update(due_date=DUE)
    award.reports.filter(kind=MonitoringReport.Kind.FINAL).update(due_date=dt.date(2028, 6, 15))
    return award.reports.get(kind=MonitoringReport.Kind.SIX_MONTH)


def report_url(report: MonitoringReport) -> str:
    return settings.SITE_URL + reverse("grants:report", args=[report.uuid])


def periods(report: MonitoringReport) -> list[str]:
    return list(
        OutboxMessage.objects.filter(kind="grants.report_reminder", object_id=report.pk)
        .order_by("pk")
        .values_list("period", flat=True)
    )


# ---------------------------------------------------------------------------------------
# Monitoring reports


@pytest.mark.parametrize(
    ("days_before_due", "milestone"),
    [
        (30, None),
        (15, None),
        (14, "due_14"),
        (7, "due_14"),
        (1, "due_14"),
        (0, "due_today"),
        (-1, "overdue_0"),
        (-7, "overdue_0"),
        (-8, "overdue_1"),
        (-14, "overdue_1"),
        (-15, "overdue_2"),
        (-365, "overdue_52"),
    ],
)
def test_the_milestone_for_each_day(days_before_due, milestone):
    assert monitoring_milestone(DUE, DUE - dt.timedelta(days=days_before_due)) == milestone


def test_a_report_is_reminded_14_days_before_on_the_day_and_weekly_when_overdue(
    report, personas, run_daily
):
    day = dt.timedelta(days=1)
    expected_emails = {
        DUE - 15 * day: 0,
        DUE - 14 * day: 1,  # due in 14 days
        DUE - 13 * day: 0,
        DUE - 1 * day: 0,
        DUE: 1,  # due today
        DUE + 1 * day: 1,  # overdue
        DUE + 6 * day: 0,
        DUE + 7 * day: 0,
        DUE + 8 * day: 1,  # a week after the first overdue reminder
        DUE + 14 * day: 0,
        DUE + 15 * day: 1,
        DUE + 21 * day: 0,
        DUE + 22 * day: 1,
    }
    sent = {}
    for when, count in expected_emails.items():
        emails = run_daily(when)
        # Run again later the same day, twice: nothing more.
        emails += run_daily(when, times=2, hour=18)
        assert len(emails) == count, when
        sent[when] = emails
    assert periods(report) == [
        "due_14",
        "due_today",
        "overdue_0",
        "overdue_1",
        "overdue_2",
        "overdue_3",
    ]

    reference = report.award.reference
    [ahead] = sent[DUE - 14 * day]
    assert ahead.subject == f"6-month report for {reference} due on 15 June 2027"
    assert "is due on 15 June 2027" in ahead.body
    [today] = sent[DUE]
    assert today.subject == f"6-month report for {reference} due today"
    assert "is due today, 15 June 2027" in today.body
    for overdue_day in (DUE + day, DUE + 8 * day, DUE + 15 * day, DUE + 22 * day):
        [late] = sent[overdue_day]
        assert late.subject == f"6-month report for {reference} overdue"
        assert "was due on 15 June 2027 and we have not received it yet" in late.body
    for emails in sent.values():
        for email in emails:
            assert sorted(email.to) == sorted(
                [personas.applicant_a.email, personas.colleague_a.email]
            )
            assert "What is due" in email.body
            assert "- Report: 6-month report" in email.body
            assert f"- Grant: {reference}, Gloves Up, Knives Down" in email.body
            assert "- Due: 15 June 2027" in email.body
            assert f"Write or finish the report: {report_url(report)}" in email.body


def test_a_missed_day_is_caught_up_once(report, run_daily):
    # Beat did not run on the due date or the day after; three days late it catches up.
    assert len(run_daily(DUE - dt.timedelta(days=20))) == 0
    [email] = run_daily(DUE + dt.timedelta(days=3))
    assert email.subject.endswith("overdue")
    assert run_daily(DUE + dt.timedelta(days=4)) == []
    assert periods(report) == ["overdue_0"]


def test_a_report_first_seen_inside_the_14_days_is_reminded_at_once(report, run_daily):
    [email] = run_daily(DUE - dt.timedelta(days=3))
    assert "due on 15 June 2027" in email.subject
    assert run_daily(DUE - dt.timedelta(days=2)) == []


def test_a_submitted_report_is_not_chased(report, personas, run_daily):
    assert len(run_daily(DUE - dt.timedelta(days=14))) == 1
    with at(DUE - dt.timedelta(days=5)):
        result = report_services.report_save(
            report=report, actor=personas.applicant_a, values=complete(report), submit=True
        )
    assert result.submitted, result.errors
    for offset in (0, 1, 8):
        assert run_daily(DUE + dt.timedelta(days=offset)) == []
    assert periods(report) == ["due_14"]


def test_a_report_submitted_after_its_reminder_was_queued_gets_no_email(
    report, personas, mailoutbox
):
    with at(DUE):
        queued = reminders_queue_due()  # queued, but the relay has not run yet
    assert queued.monitoring == 1
    result = report_services.report_save(
        report=report, actor=personas.applicant_a, values=complete(report), submit=True
    )
    assert result.submitted, result.errors
    outbox_relay()
    assert mailoutbox == []
    message = OutboxMessage.objects.get(kind="grants.report_reminder")
    assert message.sent_at is not None and message.message_id == ""


def test_a_report_sent_back_for_changes_is_chased_with_the_officers_note(
    report, personas, run_daily, django_capture_on_commit_callbacks
):
    report_services.report_save(
        report=report, actor=personas.applicant_a, values=complete(report), submit=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        report_services.report_request_changes(
            report=report, actor=personas.officer, note="Add the venue receipts."
        )
    [email] = run_daily(DUE + dt.timedelta(days=1))
    assert email.subject.endswith("overdue")
    assert "Status: Changes requested (we asked for changes: Add the venue receipts.)" in (
        email.body
    )


@pytest.mark.parametrize(
    "status", [Application.Status.COMPLETED, Application.Status.OFFER_DECLINED]
)
def test_reports_on_grants_no_longer_running_are_not_chased(report, run_daily, status):
    Application.objects.filter(pk=report.award.application_id).update(status=status)
    assert run_daily(DUE) == []
    assert run_daily(DUE + dt.timedelta(days=1)) == []
    assert periods(report) == []


def test_both_reports_of_a_grant_are_chased_separately(report, run_daily):
    final = report.award.reports.get(kind=MonitoringReport.Kind.FINAL)
    MonitoringReport.objects.filter(pk=final.pk).update(due_date=DUE + dt.timedelta(days=3))
    emails = run_daily(DUE)
    assert sorted(e.subject.split(" for ")[0] for e in emails) == [
        "6-month report",
        "End-of-grant report",
    ]
    assert {report_url(report), report_url(final)} == {
        line.removeprefix("Write or finish the report: ")
        for email in emails
        for line in email.body.splitlines()
        if line.startswith("Write or finish the report: ")
    }


def test_overlapping_runs_send_each_reminder_once(report, run_daily, mailoutbox):
    # Two runs queue in the same moment; both relays then run: one email.
    assert len(run_daily(DUE, times=2)) == 1
    # A relay run again (say by beat's minute relay) sends nothing more.
    outbox_relay()
    outbox_relay(redispatch_after=dt.timedelta(0))
    assert len(mailoutbox) == 1
    assert OutboxMessage.objects.filter(kind="grants.report_reminder").count() == 1


def test_the_daily_task_reports_what_it_queued(report):
    with at(DUE):
        result = reminders_daily.delay().get()
    assert result["monitoring"] == 1 and result["assessors"] == 0


# ---------------------------------------------------------------------------------------
# Assessors


DEADLINE = dt.date(2027, 3, 10)


@pytest.fixture
def scoring(plan, personas, second_assessor):
    """A round with 4 bids, scores due 10 March 2027:

    - Ash has two bids still to score (one not started, one in progress) and one submitted;
    - Ben has submitted all his;
    - Dana has one in progress and declared a conflict on another;
    - in another round, due 20 March, Ash has one more not started.
    """
    round = with_criteria(make_round(plan, number=41))
    round.assessment_deadline = DEADLINE
    round.save(update_fields=["assessment_deadline"])
    bids = bulk_assessed_applications(round, 4)
    dana = UserFactory(email="dana@example.org", full_name="Dana Third", roles=[Role.ASSESSOR])
    rows = [
        (bids[0], personas.assessor, A.ASSIGNED),
        (bids[1], personas.assessor, A.IN_PROGRESS),
        (bids[2], personas.assessor, A.SUBMITTED),
        (bids[0], second_assessor, A.SUBMITTED),
        (bids[1], second_assessor, A.SUBMITTED),
        (bids[3], dana, A.IN_PROGRESS),
        (bids[2], dana, A.RECUSED),
    ]
    Assessment.objects.bulk_create(
        Assessment(application=bid, assessor=who, status=status) for bid, who, status in rows
    )
    later = with_criteria(make_round(plan, number=42))
    later.assessment_deadline = DEADLINE + dt.timedelta(days=10)
    later.save(update_fields=["assessment_deadline"])
    [later_bid] = bulk_assessed_applications(later, 1, seed=2)
    Assessment.objects.create(application=later_bid, assessor=personas.assessor)
    return SimpleNamespace(round=round, bids=bids, dana=dana, later=later, later_bid=later_bid)


def test_assessors_are_reminded_once_three_days_before_the_deadline(
    scoring, personas, second_assessor, run_daily
):
    bids, dana, later, later_bid = scoring.bids, scoring.dana, scoring.later, scoring.later_bid
    day = dt.timedelta(days=1)
    assert run_daily(DEADLINE - 4 * day) == []
    emails = run_daily(DEADLINE - 3 * day)
    assert sorted(e.to[0] for e in emails) == [personas.assessor.email, dana.email]
    for when in (DEADLINE - 3 * day, DEADLINE - 2 * day, DEADLINE - day, DEADLINE, DEADLINE + day):
        assert run_daily(when, times=2) == [], when
    by_person = {e.to[0]: e for e in emails}

    ash = by_person[personas.assessor.email]
    assert ash.to == [personas.assessor.email]
    assert ash.subject == "2 assessments due by 10 March 2027"
    for bid in bids[:2]:
        assert f"- {bid.reference}: {bid.project_title}" in ash.body
    assert bids[2].reference not in ash.body  # already submitted
    assert bids[3].reference not in ash.body  # not Ash's
    assert later_bid.reference not in ash.body  # another round, due later
    assert "10 March 2027" in ash.body
    assert f"Open your assessments: {settings.SITE_URL}{reverse('grants:assess-queue')}" in (
        ash.body
    )

    dana_email = by_person[dana.email]
    assert dana_email.subject == "1 assessment due by 10 March 2027"
    assert f"- {bids[3].reference}: {bids[3].project_title} (in progress)" in dana_email.body
    assert bids[2].reference not in dana_email.body  # the conflict she declared

    # The later round's reminder goes three days before its own deadline, separately.
    [ash_later] = run_daily(later.assessment_deadline - 3 * day)
    assert ash_later.to == [personas.assessor.email]
    assert ash_later.subject == "1 assessment due by 20 March 2027"
    assert later_bid.reference in ash_later.body and bids[0].reference not in ash_later.body
    assert not [e for e in mail.outbox if second_assessor.email in e.to]


def test_an_assessor_who_submits_before_the_reminder_goes_gets_none(scoring, personas, mailoutbox):
    round, dana = scoring.round, scoring.dana
    with at(DEADLINE - dt.timedelta(days=3)):
        reminders_queue_due()  # queued, but the relay has not run yet
    assert OutboxMessage.objects.filter(kind="grants.assessor_reminder").count() == 2
    Assessment.objects.filter(assessor=personas.assessor, application__round=round).update(
        status=A.SUBMITTED
    )
    outbox_relay()
    assert [e.to for e in mailoutbox] == [[dana.email]]


def test_the_daily_task_counts_each_assessor_once(scoring):
    with at(DEADLINE - dt.timedelta(days=3)):
        result = reminders_daily.delay().get()
    assert result["assessors"] == 2  # Ash (2 bids waiting) and Dana (1)


def test_a_round_without_a_deadline_sends_no_assessor_reminders(scoring, run_daily):
    type(scoring.round).objects.filter(pk=scoring.round.pk).update(assessment_deadline=None)
    assert run_daily(DEADLINE - dt.timedelta(days=3)) == []
    assert run_daily(DEADLINE) == []


def test_overlapping_runs_remind_each_assessor_once(scoring, personas, run_daily, mailoutbox):
    emails = run_daily(DEADLINE - dt.timedelta(days=2), times=3)
    assert len(emails) == 2
    outbox_relay(redispatch_after=dt.timedelta(0))
    assert len(mailoutbox) == 2
    assert OutboxMessage.objects.filter(kind="grants.assessor_reminder").count() == 2
