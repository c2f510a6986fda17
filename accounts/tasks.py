from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import Invitation
from core.mail import send_tracked


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
