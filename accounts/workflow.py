"""The one way a workflow status changes: check the table, record who and why."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models

from accounts.errors import InvalidTransition
from accounts.models import StatusChange, User


def transition(
    obj: models.Model,
    *,
    to_status: str,
    actor: User | None,
    reason: str = "",
    extra_fields: tuple[str, ...] = (),
) -> StatusChange:
    """Move a locked `obj` to `to_status` if its TRANSITIONS table allows it; audit it."""
    from_status = obj.status
    allowed = obj.TRANSITIONS.get(from_status, set())
    if to_status not in allowed:
        current = obj.get_status_display().lower()
        raise InvalidTransition(f"This cannot be done now: it is {current}.")
    obj.status = to_status
    obj.save(update_fields=["status", *extra_fields])
    return StatusChange.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        reason=reason,
    )
