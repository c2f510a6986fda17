"""The commissioning emails read as plain words: no Python reprs, "None" or raw dates, and
counts pluralised."""

from __future__ import annotations

import datetime as dt

import time_machine

from commissioning import notifications
from commissioning.models import MonitoringReturn
from tests.commissioning.builders import complete_figures
from tests.grants.test_email_text import assert_plain_words


def test_every_return_email_is_plain_words(q1_return, mailoutbox):
    r = q1_return
    notifications.send_return_reminder(r, "due_14")
    notifications.send_return_reminder(r, "due_today")
    with time_machine.travel(dt.datetime(2026, 8, 4, 9, 0), tick=False):
        notifications.send_return_escalation(r, "escalate")
    notifications.send_return_submitted(r)
    MonitoringReturn.objects.filter(pk=r.pk).update(rating="")
    notifications.send_return_accepted(r)
    assert len(mailoutbox) == 5
    for email in mailoutbox:
        assert_plain_words(email.subject + email.body)
    assert "has been accepted." in mailoutbox[-1].body


def test_an_escalation_a_day_overdue_says_1_day(q1_return, mailoutbox):
    due = q1_return.due_date
    with time_machine.travel(
        dt.datetime.combine(due + dt.timedelta(days=1), dt.time(9)), tick=False
    ):
        notifications.send_return_escalation(q1_return, "escalate")
    [email] = mailoutbox
    assert ", 1 day ago." in email.body


def test_the_changes_requested_email_is_plain_words(q1_return, personas, mailoutbox):
    from commissioning.models import Rating
    from commissioning.services.returns import return_request_changes, return_save

    with time_machine.travel(dt.datetime(2026, 7, 10, 10, 0), tick=False):
        result = return_save(
            monitoring_return=q1_return,
            actor=personas.provider,
            typed=complete_figures(),
            submit=True,
        )
    assert result.submitted, result.errors
    submitted = MonitoringReturn.objects.get(pk=q1_return.pk)

    review = return_request_changes(
        monitoring_return=submitted,
        actor=personas.commissioner,
        comment="Nearly there.",
        measure_comments={"REF": "Police referrals look low."},
        rating=Rating.AMBER,
    )
    mailoutbox.clear()
    notifications.send_return_changes_requested(submitted, f"review-{review.pk}")
    [email] = mailoutbox
    assert "Police referrals look low." in email.body
    assert_plain_words(email.subject + email.body)
