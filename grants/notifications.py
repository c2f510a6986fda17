"""Outbox senders for grant decisions: each takes the object, emails, returns a message id."""

from __future__ import annotations

from email.utils import make_msgid
from urllib.parse import urlparse

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from accounts import outbox
from grants.models import Application, Award


def _send(application: Application, *, subject: str, template: str, extra: dict) -> str:
    recipients = sorted(application.organisation.memberships.values_list("user__email", flat=True))
    message_id = make_msgid(domain=urlparse(settings.SITE_URL).hostname or "localhost")
    context = {
        "application": application,
        "url": settings.SITE_URL + reverse("grants:application-detail", args=[application.uuid]),
        "service_name": settings.SERVICE_NAME,
        **extra,
    }
    EmailMessage(
        subject=subject,
        body=render_to_string(template, context),
        to=recipients,
        headers={"Message-ID": message_id},
    ).send()
    return message_id


def send_application_ineligible(application: Application) -> str:
    return _send(
        application,
        subject=f"Your application {application.reference}: not eligible",
        template="grants/email/ineligible.txt",
        extra={},
    )


def send_application_declined(application: Application) -> str:
    return _send(
        application,
        subject=f"Your application {application.reference}: decision",
        template="grants/email/declined.txt",
        extra={},
    )


def send_award_made(award: Award) -> str:
    return _send(
        award.application,
        subject=f"Your application {award.application.reference} has been approved",
        template="grants/email/award_made.txt",
        extra={"award": award},
    )


def register() -> None:
    outbox.register("grants.application_ineligible", send_application_ineligible)
    outbox.register("grants.application_declined", send_application_declined)
    outbox.register("grants.award_made", send_award_made)
