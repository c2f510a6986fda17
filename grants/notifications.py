"""Outbox senders for grants: each takes the object and the message's period, emails, and
returns a message id ("" when there is nothing left to say)."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core import outbox
from core.mail import send_tracked
from documents.formatting import count_text, date_text
from grants.models import Application, Assessment, Award, Letter, MonitoringReport, Round
from grants.services.letters import application_offer, letter_send
from grants.services.reminders import UNSUBMITTED_ASSESSMENT
from grants.tasks import email_members, send_draft_reminder, send_receipt

REMINDER_SUBJECTS = {
    "due_14": "due on {due}",
    "due_today": "due today",
}


def send_application_ineligible(application: Application, period: str = "") -> str:
    return email_members(
        application,
        subject=f"Your application {application.reference}: not eligible",
        template="grants/email/ineligible.txt",
        extra={},
    )


def send_application_declined(application: Application, period: str = "") -> str:
    return letter_send(application=application, kind=Letter.Kind.DECLINE)


def send_award_made(award: Award, period: str = "") -> str:
    """The offer letter, then the bid is offered; a period ("schedule-2", ...) means the
    schedule changed since."""
    message_id = letter_send(
        application=award.application, kind=Letter.Kind.AWARD, updated=bool(period)
    )
    application_offer(application=award.application)
    return message_id


def _report_context(report: MonitoringReport) -> dict:
    return {
        "report": report,
        "report_url": settings.SITE_URL + reverse("grants:report", args=[report.uuid]),
        "today": timezone.localdate(),
    }


def send_report_reminder(report: MonitoringReport, period: str = "") -> str:
    """Remind the group of a report coming due, due today or overdue; nothing if it has
    been submitted since the reminder was queued."""
    report = MonitoringReport.objects.select_related(
        "award__application__round__fund", "award__application__organisation"
    ).get(pk=report.pk)
    if not report.is_editable:
        return ""
    when = REMINDER_SUBJECTS.get(period, "overdue").format(due=f"{report.due_date:%-d %B %Y}")
    return email_members(
        report.award.application,
        subject=f"{report.get_kind_display()} for {report.award.reference} {when}",
        template="grants/email/report_reminder.txt",
        extra={**_report_context(report), "milestone": period},
    )


def send_report_changes_requested(report: MonitoringReport, period: str = "") -> str:
    report = MonitoringReport.objects.select_related(
        "award__application__round__fund", "award__application__organisation"
    ).get(pk=report.pk)
    return email_members(
        report.award.application,
        subject=f"Changes needed to your {report.get_kind_display().lower()} for "
        f"{report.award.reference}",
        template="grants/email/report_changes.txt",
        extra=_report_context(report),
    )


def send_assessor_reminder(round: Round, period: str) -> str:
    """Remind one assessor (the period names them) of bids they have not scored yet."""
    assessor = User.objects.get(pk=int(period.removeprefix("assessor-")))
    waiting = list(
        Assessment.objects.filter(
            application__round=round, assessor=assessor, status__in=UNSUBMITTED_ASSESSMENT
        )
        .select_related("application")
        .order_by("application__reference")
    )
    if not waiting:
        return ""
    due = (
        f"due by {date_text(round.assessment_deadline)}"
        if round.assessment_deadline
        else "still to submit"
    )
    context = {
        "round": round,
        "assessor": assessor,
        "waiting": waiting,
        "url": settings.SITE_URL + reverse("grants:assess-queue"),
        "service_name": settings.SERVICE_NAME,
    }
    return send_tracked(
        subject=f"{count_text(len(waiting), 'assessment')} {due}",
        body=render_to_string("grants/email/assessor_reminder.txt", context),
        to=[assessor.email],
    )


def register() -> None:
    outbox.register("grants.application_receipt", send_receipt)
    outbox.register("grants.draft_reminder", send_draft_reminder)
    outbox.register("grants.application_ineligible", send_application_ineligible)
    outbox.register("grants.application_declined", send_application_declined)
    outbox.register("grants.award_made", send_award_made)
    outbox.register("grants.report_reminder", send_report_reminder)
    outbox.register("grants.report_changes_requested", send_report_changes_requested)
    outbox.register("grants.assessor_reminder", send_assessor_reminder)
