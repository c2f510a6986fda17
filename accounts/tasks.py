from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import ApiToken, Invitation, Membership
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


def _token_recipients(token: ApiToken) -> list[str]:
    """An organisation's token goes to its owners (and the person who made it); a staff
    token to its person."""
    emails = [token.user.email]
    if token.organisation_id is not None:
        emails += list(
            Membership.objects.filter(
                organisation_id=token.organisation_id, role=Membership.Role.OWNER
            ).values_list("user__email", flat=True)
        )
    return sorted(set(emails))


def _send_token_email(token: ApiToken, template: str, subject: str) -> str:
    context = {
        "token": token,
        "url": settings.SITE_URL + reverse("accounts:api-access"),
        "service_name": settings.SERVICE_NAME,
    }
    return send_tracked(
        subject=subject,
        body=render_to_string(template, context),
        to=_token_recipients(token),
    )


def send_api_token_created(token: ApiToken, period: str = "") -> str:
    """Outbox sender: tell the owners a token was made, so a token nobody expected is seen."""
    whose = token.organisation.name if token.organisation else "staff access"
    return _send_token_email(
        token,
        "accounts/email/api_token_created.txt",
        f"A new API token for {whose} on {settings.SERVICE_NAME}",
    )


def send_api_token_revoked(token: ApiToken, period: str = "") -> str:
    whose = token.organisation.name if token.organisation else "staff access"
    return _send_token_email(
        token,
        "accounts/email/api_token_revoked.txt",
        f"An API token for {whose} was revoked on {settings.SERVICE_NAME}",
    )
