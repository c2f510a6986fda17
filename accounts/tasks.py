from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import Invitation


@shared_task(
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_backoff_max=settings.CELERY_MAX_RETRY_DELAY,
    max_retries=5,
)
def invitation_send(invitation_id: int) -> None:
    """Email the invitation link; an accepted or vanished invitation sends nothing."""
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(pk=invitation_id, accepted_at__isnull=True)
        .first()
    )
    if invitation is None:
        return
    context = {
        "invitation": invitation,
        "url": settings.SITE_URL + reverse("accounts:invitation-accept", args=[invitation.token]),
        "service_name": settings.SERVICE_NAME,
    }
    send_mail(
        subject=f"Join {invitation.organisation.name} on {settings.SERVICE_NAME}",
        message=render_to_string("accounts/email/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )


@shared_task(name="accounts.outbox_relay")
def outbox_relay_task() -> int:
    """Hand what the outbox holds to send tasks; safe to run at any time and in parallel."""
    from accounts.outbox import outbox_relay

    return outbox_relay().dispatched


@shared_task(name="accounts.outbox_send")
def outbox_send_task(message_pk: int) -> str:
    """Send one outbox message, once (see accounts.outbox.outbox_send)."""
    from accounts.outbox import outbox_send

    return outbox_send(message_pk)
