"""Every write to accounts: organisations, memberships, invitations."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import ApiToken, Invitation, Membership, Organisation, User
from accounts.permissions import is_staff_member, memberships_of
from core.errors import NotAllowed
from core.models import StatusChange
from core.outbox import outbox_enqueue, outbox_next_period
from core.workflow import transition

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


# API tokens ------------------------------------------------------------------------------

TOKEN_START = "scg_"  # noqa: S105  # nosec B105  # not a secret: the start every key shares
PREFIX_LENGTH = 12  # "scg_" and 8 random characters: finds the row, proves nothing


def api_token_digest(key: str) -> str:
    """What the database keeps of a key: its SHA-256. The key has 256 random bits, so a
    fast hash is enough (nobody can guess their way back)."""
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class NewApiToken:
    token: ApiToken
    key: str  # shown once, never stored


def _token_errors(
    *, actor: User, organisation: Organisation | None, name: str, scopes: list[str], days: int
) -> dict[str, str]:
    errors = {}
    if not name.strip():
        errors["name"] = "Enter a name for the token, like “Case system returns”"
    elif len(name.strip()) > 100:
        errors["name"] = "The token's name must be 100 characters or fewer"
    unknown = set(scopes) - set(ApiToken.Scope.values)
    if not scopes or unknown:
        errors["scopes"] = "Choose what the token may do"
    if not 1 <= days <= ApiToken.MAX_DAYS:
        errors["days"] = f"The token must last from 1 to {ApiToken.MAX_DAYS} days"
    if organisation is None and not is_staff_member(actor):
        errors["organisation"] = "Choose the organisation the token is for"
    elif organisation is not None and organisation.pk not in memberships_of(actor):
        errors["organisation"] = "Choose one of your organisations"
    return errors


@transaction.atomic
def api_token_create(
    *,
    actor: User,
    organisation: Organisation | None,
    name: str,
    scopes: list[str],
    days: int = ApiToken.DEFAULT_DAYS,
) -> NewApiToken:
    """Make a named token for the actor: for one of their organisations, or (staff only,
    `organisation` None) for their staff roles. The key is returned once and only its
    digest is stored. The creation is audited and emailed to the organisation's owners
    (a staff token: to the person)."""
    errors = _token_errors(
        actor=actor, organisation=organisation, name=name, scopes=scopes, days=days
    )
    if errors:
        raise ValidationError(errors)
    key = TOKEN_START + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        name=name.strip(),
        prefix=key[:PREFIX_LENGTH],
        digest=api_token_digest(key),
        user=actor,
        organisation=organisation,
        scopes=[scope for scope in ApiToken.Scope.values if scope in scopes],
        created_at=now,
        expires_at=now + dt.timedelta(days=days),
    )
    StatusChange.objects.create(
        content_type=ContentType.objects.get_for_model(ApiToken),
        object_id=token.pk,
        from_status="",
        to_status=ApiToken.Status.ACTIVE,
        actor=actor,
        reason=f"Created with {', '.join(token.scopes)}",
    )
    outbox_enqueue(kind="accounts.api_token_created", obj=token)
    return NewApiToken(token=token, key=key)


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User, reason: str = "") -> ApiToken:
    """Stop a token working at once; audited and emailed like its creation."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    token.revoked_at = timezone.now()
    token.revoked_by = actor
    transition(
        token,
        to_status=ApiToken.Status.REVOKED,
        actor=actor,
        reason=reason or "Revoked",
        extra_fields=("revoked_at", "revoked_by"),
    )
    outbox_enqueue(kind="accounts.api_token_revoked", obj=token, period="revoked")
    return token
