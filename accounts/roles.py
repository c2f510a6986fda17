"""Staff roles. Each is a Django group of the same name; a user may hold several."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from accounts.models import User


class Role(models.TextChoices):
    GRANTS_OFFICER = "grants_officer", "Grants officer"
    ASSESSOR = "assessor", "Assessor"
    DECISION_MAKER = "decision_maker", "Decision maker"
    COMMISSIONER = "commissioner", "Commissioner"
    PERFORMANCE_LEAD = "performance_lead", "Performance lead"
    ADMINISTRATOR = "administrator", "Administrator"


GROUP_TO_ROLE = {role.label: role.value for role in Role}


def roles_of(user: User) -> frozenset[str]:
    """The user's staff roles, read once per user object."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_role_cache", None)
    if cached is None:
        names = user.groups.values_list("name", flat=True)
        cached = frozenset(GROUP_TO_ROLE[name] for name in names if name in GROUP_TO_ROLE)
        user._role_cache = cached
    return cached


def has_role(user: User, role: Role | str) -> bool:
    return str(role) in roles_of(user)
