"""Every write to accounts: organisations, memberships, invitations."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Invitation, Membership, Organisation, User
from core.errors import NotAllowed
from core.outbox import outbox_enqueue, outbox_next_period

ORGANISATION_FIELDS = (
    "name",
    "type",
    "charity_number",
    "company_number",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "district",
    "website",
    "is_applicant",
    "is_provider",
)


def _apply_fields(organisation: Organisation, data: dict[str, Any]) -> list[str]:
    unknown = set(data) - set(ORGANISATION_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown organisation fields: {', '.join(sorted(unknown))}")
    changed = []
    for field, value in data.items():
        if getattr(organisation, field) != value:
            setattr(organisation, field, value)
            changed.append(field)
    return changed


@transaction.atomic
def organisation_create(*, actor: User, data: dict[str, Any]) -> Organisation:
    """Create an organisation with the actor as its owner."""
    organisation = Organisation()
    _apply_fields(organisation, data)
    organisation.full_clean()
    organisation._history_user = actor  # type: ignore[attr-defined]  # read by django-simple-history
    organisation.save()
    Membership.objects.create(user=actor, organisation=organisation, role=Membership.Role.OWNER)
    if hasattr(actor, "_membership_cache"):
        del actor._membership_cache
    return organisation


@transaction.atomic
def organisation_update(
    *, organisation: Organisation, actor: User, data: dict[str, Any]
) -> Organisation:
    """Change an organisation's profile; history records who changed what."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    changed = _apply_fields(organisation, data)
    if not changed:
        return organisation
    organisation.full_clean()
    organisation._history_user = actor  # type: ignore[attr-defined]  # read by django-simple-history
    organisation.save(update_fields=[*changed, "updated_at"])
    return organisation


@transaction.atomic
def invitation_create(*, organisation: Organisation, actor: User, email: str) -> Invitation:
    """Invite a colleague by email; inviting the same address again re-sends the invitation."""
    email = User.objects.normalize_email(email).strip().lower()
    if organisation.memberships.filter(user__email__iexact=email).exists():
        raise ValidationError({"email": f"{email} is already a member of {organisation.name}"})
    invitation, created = Invitation.objects.select_for_update().get_or_create(
        organisation=organisation,
        email=email,
        accepted_at__isnull=True,
        defaults={"invited_by": actor},
    )
    if not created:
        invitation.invited_by = actor
        invitation.expires_at = Invitation._meta.get_field("expires_at").get_default()
        invitation.save(update_fields=["invited_by", "expires_at"])
    kind = "accounts.invitation"
    outbox_enqueue(
        kind=kind,
        obj=invitation,
        period=outbox_next_period(kind=kind, obj=invitation, prefix="sent"),
    )
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Join the organisation the invitation is for, if it was sent to this user's address."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise NotAllowed("This invitation has already been used.")
    if invitation.expires_at <= timezone.now():
        raise NotAllowed(
            "This invitation has expired. Ask the person who invited you to send a new one."
        )
    if invitation.email.lower() != user.email.lower():
        raise NotAllowed(
            f"This invitation was sent to {invitation.email}. Sign in with that email address "
            "to accept it."
        )
    membership, _ = Membership.objects.get_or_create(
        user=user,
        organisation=invitation.organisation,
        defaults={"role": Membership.Role.MEMBER},
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    if hasattr(user, "_membership_cache"):
        del user._membership_cache
    return membership
