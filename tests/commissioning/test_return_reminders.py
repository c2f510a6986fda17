"""Return reminders from the daily task, with the clock frozen on each day: 14 days before
the due date, on the day, then weekly while overdue, to every member of the provider; and
once a return is 14 days overdue, one escalation to the lead commissioner. Each goes once
however often the task runs, and nothing goes once the return is in."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse

from commissioning.models import MonitoringReturn
from commissioning.services.reminders import return_reminders_queue
from commissioning.services.returns import return_save
from commissioning.tasks import returns_daily
from core.models import OutboxMessage
from core.outbox import outbox_relay
from tests.commissioning.builders import complete_figures
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
DUE = dt.date(2026, 7, 20)  # the Q1 return's due date
DAY = dt.timedelta(days=1)
TITLE = "2026/27 Q1 return for VS-TEST-01"


def at(day: dt.date, hour: int = 6):
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour), LONDON), tick=False)


@pytest.fixture
def colleague(personas):
    return MembershipFactory(organisation=personas.provider_org, user__email="pam@example.org").user


@pytest.fixture
def run_daily(django_capture_on_commit_callbacks):
    """run_daily(day, times=1) -> the emails the daily task sent that day."""

    def run(day: dt.date, *, times: int = 1, hour: int = 6) -> list:
        outbox_relay()  # anything queued while setting the scene goes first, uncounted
        before = len(mail.outbox)
        with at(day, hour), django_capture_on_commit_callbacks(execute=True):
            for _ in range(times):
                returns_daily.delay().get()
        return mail.outbox[before:]

    return run


def periods(monitoring_return, kind="commissioning.return_reminder") -> list[str]:
    return list(
        OutboxMessage.objects.filter(kind=kind, object_id=monitoring_return.pk)
        .order_by("pk")
        .values_list("period", flat=True)
    )


def submit(monitoring_return, actor):
    result = return_save(
        monitoring_return=monitoring_return, actor=actor, typed=complete_figures(), submit=True
    )
    assert result.submitted, result.errors


def test_reminders_before_on_and_after_the_due_date_each_once(
    q1_return, personas, colleague, run_daily
):
    assert q1_return.due_date == DUE
    expected = {
        DUE - 15 * DAY: [],
        DUE - 14 * DAY: ["reminder"],  # due in 14 days
        DUE - 13 * DAY: [],
        DUE - DAY: [],
        DUE: ["reminder"],  # due today
        DUE + DAY: ["reminder"],  # overdue
        DUE + 7 * DAY: [],
        DUE + 8 * DAY: ["reminder"],  # a week on
        DUE + 13 * DAY: [],
        DUE + 14 * DAY: ["escalation"],  # two weeks overdue: the lead commissioner
        DUE + 15 * DAY: ["reminder"],
        DUE + 21 * DAY: [],
        DUE + 22 * DAY: ["reminder"],
        DUE + 28 * DAY: [],
    }
    sent = {}
    for day, kinds in expected.items():
        emails = run_daily(day)
        emails += run_daily(day, times=2, hour=18)  # again later the same day: nothing
        got = [
            "escalation" if email.subject.startswith("Overdue:") else "reminder" for email in emails
        ]
        assert got == kinds, day
        sent[day] = emails

    assert periods(q1_return) == [
        "due_14",
        "due_today",
        "overdue_0",
        "overdue_1",
        "overdue_2",
        "overdue_3",
    ]
    assert periods(q1_return, "commissioning.return_escalation") == ["escalation"]
    assert OutboxMessage.objects.filter(object_id=q1_return.pk).count() == 7
    assert all(m.sent_at for m in OutboxMessage.objects.filter(object_id=q1_return.pk))

    url = settings.SITE_URL + reverse("commissioning:return", args=[q1_return.uuid])
    [ahead] = sent[DUE - 14 * DAY]
    assert ahead.subject == f"Your {TITLE} is due on 20 July 2026"
    assert "is due on 20 July 2026." in ahead.body
    [today] = sent[DUE]
    assert today.subject == f"Your {TITLE} is due today"
    assert "is due today, 20 July 2026." in today.body
    for day in (DUE + DAY, DUE + 8 * DAY, DUE + 15 * DAY, DUE + 22 * DAY):
        [late] = sent[day]
        assert late.subject == f"Your {TITLE} is overdue"
        assert "was due on 20 July 2026 and we have not received it yet" in late.body
    for day in (DUE - 14 * DAY, DUE, DUE + DAY, DUE + 8 * DAY, DUE + 15 * DAY, DUE + 22 * DAY):
        [email] = sent[day]
        # Every member of the provider organisation, and nobody else.
        assert sorted(email.to) == sorted([personas.provider.email, colleague.email])
        assert "- Quarter: 2026/27 Q1 (April to June 2026)" in email.body
        assert "- Due: 20 July 2026" in email.body
        assert url in email.body

    [escalation] = sent[DUE + 14 * DAY]
    assert escalation.to == [personas.commissioner.email]
    assert escalation.subject == f"Overdue: Victim Care Provider's {TITLE}"
    assert "It was due on 20 July 2026, 14 days ago." in escalation.body
    review_url = settings.SITE_URL + reverse("commissioning:return-review", args=[q1_return.uuid])
    assert review_url in escalation.body


def test_a_missed_fortnight_sends_one_reminder_and_one_escalation(q1_return, run_daily):
    # The task did not run from before the due date until 16 days after it.
    emails = run_daily(DUE + 16 * DAY)
    assert sorted(e.subject.split(":")[0] for e in emails) == sorted(
        ["Overdue", f"Your {TITLE} is overdue"]
    )
    assert periods(q1_return) == ["overdue_2"]
    assert run_daily(DUE + 17 * DAY) == []


def test_the_queue_run_twice_the_same_day_queues_each_message_once(q1_return):
    for _ in range(2):
        return_reminders_queue(today=DUE + 14 * DAY)
    assert periods(q1_return) == ["overdue_1"]
    assert periods(q1_return, "commissioning.return_escalation") == ["escalation"]
    assert OutboxMessage.objects.filter(object_id=q1_return.pk).count() == 2


def test_nothing_is_queued_more_than_14_days_ahead(q1_return):
    result = return_reminders_queue(today=DUE - 15 * DAY)
    assert (result.reminders, result.escalations) == (0, 0)
    assert not OutboxMessage.objects.filter(object_id=q1_return.pk).exists()


def test_a_submitted_return_is_not_chased(q1_return, personas, run_daily):
    assert len(run_daily(DUE - 14 * DAY)) == 1
    with at(DUE - 5 * DAY):
        submit(q1_return, personas.provider)
    for offset in (0, 1, 8, 14, 15):
        assert run_daily(DUE + offset * DAY) == [], offset
    assert periods(q1_return) == ["due_14"]
    assert periods(q1_return, "commissioning.return_escalation") == []


@pytest.mark.parametrize(
    "status", [MonitoringReturn.Status.SUBMITTED, MonitoringReturn.Status.ACCEPTED]
)
def test_returns_that_are_in_are_never_queued(q1_return, status):
    MonitoringReturn.objects.filter(pk=q1_return.pk).update(status=status)
    result = return_reminders_queue(today=DUE + 14 * DAY)
    assert (result.reminders, result.escalations) == (0, 0)
    assert not OutboxMessage.objects.filter(object_id=q1_return.pk).exists()


def test_a_draft_is_still_chased(q1_return, personas, run_daily):
    return_save(monitoring_return=q1_return, actor=personas.provider, typed={("CLOSED", ""): "3"})
    [email] = run_daily(DUE)
    assert email.subject == f"Your {TITLE} is due today"
    assert "- Status: Draft" in email.body


def test_a_return_submitted_after_its_reminder_was_queued_gets_no_email(
    q1_return, personas, mailoutbox
):
    with at(DUE + 14 * DAY):
        queued = return_reminders_queue()  # queued, but not yet relayed
    assert (queued.reminders, queued.escalations) == (1, 1)
    submit(q1_return, personas.provider)
    with at(DUE + 14 * DAY, 9):
        outbox_relay()
    # Only the "submitted" email to the commissioner; neither the reminder nor the
    # escalation is sent, and both are marked done so they are not tried again.
    assert [email.subject.split(":")[0] for email in mailoutbox] == ["Submitted for review"]
    for kind in ("commissioning.return_reminder", "commissioning.return_escalation"):
        message = OutboxMessage.objects.get(kind=kind, object_id=q1_return.pk)
        assert message.sent_at is not None
        assert message.message_id == ""


def test_each_return_is_reminded_separately(q1_return, personas, plan, other_provider, run_daily):
    from tests.commissioning.builders import make_contract, open_return
    from tests.commissioning.conftest import Q1

    organisation, member = other_provider
    other = open_return(
        make_contract(
            provider=organisation,
            commissioner=personas.commissioner,
            plan=plan,
            reference="VS-TEST-02",
        ),
        Q1,
    )
    emails = run_daily(DUE)
    assert sorted((tuple(e.to), e.subject) for e in emails) == sorted(
        [
            ((personas.provider.email,), f"Your {TITLE} is due today"),
            ((member.email,), "Your 2026/27 Q1 return for VS-TEST-02 is due today"),
        ]
    )
    assert periods(other) == ["due_today"]
