from __future__ import annotations

from email.utils import make_msgid
from urllib.parse import urlparse

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from grants import services
from grants.models import Application, ReminderSent

RETRY = {
    "autoretry_for": (OSError,),
    "retry_backoff": 30,
    "retry_backoff_max": settings.CELERY_MAX_RETRY_DELAY,
    "max_retries": 5,
}


def _recipients(application: Application) -> list[str]:
    return sorted(
        application.organisation.memberships.select_related("user").values_list(
            "user__email", flat=True
        )
    )


def email_members(
    application: Application, *, subject: str, template: str, extra: dict | None = None
) -> str:
    """Email every member of the applicant organisation; return the message id."""
    message_id = make_msgid(domain=urlparse(settings.SITE_URL).hostname or "localhost")
    context = {
        "application": application,
        "url": settings.SITE_URL + reverse("grants:application-detail", args=[application.uuid]),
        "service_name": settings.SERVICE_NAME,
        **(extra or {}),
    }
    EmailMessage(
        subject=subject,
        body=render_to_string(template, context),
        to=_recipients(application),
        headers={"Message-ID": message_id},
    ).send()
    return message_id


@shared_task(**RETRY)
def application_send_receipt(application_id: int) -> None:
    """Email every member of the organisation a receipt with a copy of the answers."""
    from grants.selectors import application_for_form

    application = application_for_form(application_id)
    if application.reference is None:
        return
    email_members(
        application,
        subject=f"Application {application.reference} received",
        template="grants/email/receipt.txt",
    )


@shared_task(**RETRY)
def application_send_reminder(application_id: int, milestone: str) -> None:
    """Remind the organisation of an unsubmitted draft, if the claim row still stands."""
    application = (
        Application.objects.select_related("round__fund", "organisation")
        .filter(pk=application_id, status=Application.Status.DRAFT)
        .first()
    )
    claimed = ReminderSent.objects.filter(application_id=application_id, milestone=milestone)
    if application is None or not claimed.exists():
        return
    email_members(
        application,
        subject=f"Reminder: finish your application to {application.round.fund.name}",
        template="grants/email/reminder.txt",
    )


@shared_task
def reminders_daily() -> dict:
    """Draft deadline reminders, then monitoring and assessor reminders (via the outbox)."""
    from grants.services.reminders import reminders_queue_due

    drafts = services.reminders_send_due()
    due = reminders_queue_due()
    return {
        "drafts_sent": drafts.sent,
        "drafts_skipped": drafts.skipped,
        "monitoring": due.monitoring,
        "assessors": due.assessors,
    }
