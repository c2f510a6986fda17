from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.mail import send_tracked
from accounts.models import Invitation


def send_invitation(invitation: Invitation, period: str = "") -> str:
    """Outbox sender: email the invitation link; nothing for an accepted invitation."""
    if invitation.accepted_at is not None:
        return ""
    context = {
        "invitation": invitation,
        "url": settings.SITE_URL + reverse("accounts:invitation-accept", args=[invitation.token]),
        "service_name": settings.SERVICE_NAME,
    }
    return send_tracked(
        subject=f"Join {invitation.organisation.name} on {settings.SERVICE_NAME}",
        body=render_to_string("accounts/email/invitation.txt", context),
        to=[invitation.email],
    )


# Results are never read: without ignore_result, publishing first subscribes to the result
# backend, which with Redis down retries for many seconds inside the web request.
@shared_task(name="accounts.outbox_relay", ignore_result=True)
def outbox_relay_task() -> int:
    """Hand what the outbox holds to send tasks; safe to run at any time and in parallel."""
    from accounts.outbox import outbox_relay

    return outbox_relay().dispatched


@shared_task(name="accounts.outbox_send", ignore_result=True)
def outbox_send_task(message_pk: int) -> str:
    """Send one outbox message, once (see accounts.outbox.outbox_send)."""
    from accounts.outbox import outbox_send

    return outbox_send(message_pk)
