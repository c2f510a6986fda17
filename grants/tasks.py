from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from core.mail import send_tracked
from grants import services
from grants.models import Application
from grants.selectors.applications import application_for_form
from grants.services.reminders import reminders_queue_due


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
    context = {
        "application": application,
        "url": settings.SITE_URL + reverse("grants:application-detail", args=[application.uuid]),
        "service_name": settings.SERVICE_NAME,
        **(extra or {}),
    }
    return send_tracked(
        subject=subject, body=render_to_string(template, context), to=_recipients(application)
    )


def send_receipt(application: Application, period: str = "") -> str:
    """Outbox sender: a receipt with a copy of the answers to every member of the group."""
    application = application_for_form(application.pk)
    return email_members(
        application,
        subject=f"Application {application.reference} received",
        template="grants/email/receipt.txt",
    )


def send_draft_reminder(application: Application, period: str = "") -> str:
    """Outbox sender: remind the group of an unsubmitted draft; nothing once submitted."""
    application = (
        Application.objects.select_related("round__fund", "organisation")
        .filter(pk=application.pk, status=Application.Status.DRAFT)
        .first()
    )
    if application is None:
        return ""
    return email_members(
        application,
        subject=f"Reminder: finish your application to {application.round.fund.name}",
        template="grants/email/reminder.txt",
    )


@shared_task
def reminders_daily() -> dict:
    """Draft deadline reminders, then monitoring and assessor reminders (via the outbox)."""
    drafts = services.reminders_send_due()
    due = reminders_queue_due()
    return {
        "drafts_sent": drafts.sent,
        "drafts_skipped": drafts.skipped,
        "monitoring": due.monitoring,
        "assessors": due.assessors,
    }
