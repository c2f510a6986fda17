"""The one way a workflow status changes: check the table, record who and why."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.db import models

from core.errors import InvalidTransition
from core.models import StatusChange

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


class SystemActor(enum.Enum):
    """The service itself, for changes no person makes (a letter sent, a date reached)."""

    SYSTEM = "system"


SYSTEM = SystemActor.SYSTEM


def transition(
    obj: models.Model,
    *,
    to_status: str,
    actor: AbstractBaseUser | SystemActor,
    reason: str = "",
    extra_fields: tuple[str, ...] = (),
) -> StatusChange:
    """Move a locked `obj` to `to_status` if its TRANSITIONS table allows it; audit it.

    `actor` is the person making the change, or SYSTEM; never None, so the audit row always
    says who or what moved it."""
    if actor is None:
        raise TypeError("transition() needs a person or SYSTEM as its actor, not None.")
    from_status = obj.status
    allowed = obj.TRANSITIONS.get(from_status, set())
    if to_status not in allowed:
        current = obj.get_status_display().lower()
        raise InvalidTransition(f"This cannot be done now: it is {current}.")
    obj.status = to_status
    obj.save(update_fields=["status", *extra_fields])
    by_system = actor is SYSTEM
    return StatusChange.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        from_status=from_status,
        to_status=to_status,
        actor=None if by_system else actor,
        by_system=by_system,
        reason=reason,
    )
