"""The one way a workflow status changes: check the table, record who and why."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.db import models
from simple_history.utils import bulk_update_with_history

from core.errors import InvalidTransition
from core.models import StatusChange
from core.versioned import rows_written

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


def transition_many(
    objs: Sequence[models.Model],
    *,
    to_status: str,
    actor: AbstractBaseUser | SystemActor,
    reason: str = "",
) -> list[StatusChange]:
    """transition() for many locked objects of one model, in a fixed number of queries.

    Every object must be allowed to move (the first that is not raises InvalidTransition and
    nothing is written); each gets its history row and its StatusChange, as one by one."""
    if actor is None:
        raise TypeError("transition_many() needs a person or SYSTEM as its actor, not None.")
    if not objs:
        return []
    model = type(objs[0])
    moves = []
    for obj in objs:
        if to_status not in obj.TRANSITIONS.get(obj.status, set()):  # type: ignore[attr-defined]
            current = obj.get_status_display().lower()  # type: ignore[attr-defined]
            raise InvalidTransition(f"This cannot be done now: it is {current}.")
        moves.append((obj, obj.status))  # type: ignore[attr-defined]
    for obj in objs:
        obj.status = to_status  # type: ignore[attr-defined]
    by_system = actor is SYSTEM
    person = None if by_system else actor
    if getattr(model._meta, "simple_history_manager_attribute", None):  # a tracked model
        bulk_update_with_history(objs, model, ["status"], default_user=person)
    else:
        model._default_manager.bulk_update(objs, ["status"])
    rows_written.send(sender=model)
    content_type = ContentType.objects.get_for_model(model)
    return StatusChange.objects.bulk_create(
        StatusChange(
            content_type=content_type,
            object_id=obj.pk,
            from_status=from_status,
            to_status=to_status,
            actor=person,
            by_system=by_system,
            reason=reason,
        )
        for obj, from_status in moves
    )
