import datetime as dt

from django.core import mail

from grants import services
from grants.tasks import reminders_daily
from tests.grants.conftest import complete_application


def _draft_closing_in(open_round, personas, days):
    open_round.closes_at = open_round.opens_at.replace() + dt.timedelta(days=400)
    open_round.save()
    now = open_round.closes_at - dt.timedelta(days=days)
    return services.application_start(
        round=open_round, organisation=personas.org_a, actor=personas.applicant_a
    ), now


def test_running_the_daily_task_twice_sends_one_email_per_draft_per_milestone(
    personas, open_round, django_capture_on_commit_callbacks
):
    draft, now = _draft_closing_in(open_round, personas, days=6)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.reminders_send_due(now=now)
    with django_capture_on_commit_callbacks(execute=True):
        second = services.reminders_send_due(now=now + dt.timedelta(hours=1))
    assert (first.sent, second.sent) == (1, 0)
    assert len(mail.outbox) == 1
    assert set(mail.outbox[0].to) == {personas.applicant_a.email, personas.colleague_a.email}
    assert "has not been submitted yet" in mail.outbox[0].body

    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_send_due(now=open_round.closes_at - dt.timedelta(hours=20))
        services.reminders_send_due(now=open_round.closes_at - dt.timedelta(hours=19))
    assert len(mail.outbox) == 2
    assert set(draft.reminders.values_list("milestone", flat=True)) == {"7_days", "1_day"}


def test_a_draft_started_the_day_before_gets_only_the_last_day_reminder(
    personas, open_round, django_capture_on_commit_callbacks
):
    draft, now = _draft_closing_in(open_round, personas, days=0.5)
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_send_due(now=now)
    assert list(draft.reminders.values_list("milestone", flat=True)) == ["1_day"]
    assert len(mail.outbox) == 1


def test_submitted_and_far_off_drafts_get_no_reminder(
    personas, open_round, django_capture_on_commit_callbacks
):
    application = complete_application(open_round, personas.org_a, personas.applicant_a)
    services.application_submit(application=application, actor=personas.applicant_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_send_due(now=open_round.closes_at - dt.timedelta(days=3))
        services.reminders_send_due(now=open_round.closes_at - dt.timedelta(days=30))
    assert [m.subject for m in mail.outbox if "Reminder" in m.subject] == []


def test_the_beat_schedule_runs_the_reminders_daily(db):
    from config.celery import app

    entry = app.conf.beat_schedule["grants-daily-reminders"]
    assert entry["task"] == reminders_daily.name
    assert reminders_daily.delay().get() == {
        "drafts_sent": 0,
        "drafts_skipped": 0,
        "monitoring": 0,
        "assessors": 0,
    }
