"""Staff roles. Each is a Django group of the same name; a user may hold several.

Every page asks for the signed-in person's roles (the second-factor rule, the menus, access),
so they are kept in the cache (Redis in production) and a page needs no query for them:
one entry per user, dropped when that user's groups change (either side of the relation)
and all made stale at once when a group is renamed or deleted (a generation number kept
beside them). A cache that fails is skipped, never trusted: the groups are read instead.
Entries also expire after a minute, which bounds the one race left (a page that read the
old groups before a change committed and stores them just after it is dropped).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db import models, transaction

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)
CACHE_SECONDS = 60
GENERATION_KEY = "accounts:roles:generation"


class Role(models.TextChoices):
    GRANTS_OFFICER = "grants_officer", "Grants officer"
    ASSESSOR = "assessor", "Assessor"
    DECISION_MAKER = "decision_maker", "Decision maker"
    COMMISSIONER = "commissioner", "Commissioner"
    PERFORMANCE_LEAD = "performance_lead", "Performance lead"
    ADMINISTRATOR = "administrator", "Administrator"


GROUP_TO_ROLE = {role.label: role.value for role in Role}


def roles_of(user: User) -> frozenset[str]:
    """The user's staff roles, read once per user object (from the cache when it has them)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_role_cache", None)
    if cached is None:
        cached = _cached_roles(user)
        user._role_cache = cached
    return cached


def _key(user_pk) -> str:
    return f"accounts:roles:{user_pk}"


def _cached_roles(user: User) -> frozenset[str]:
    key = _key(user.pk)
    try:
        found = cache.get_many([GENERATION_KEY, key])
    except Exception:  # any backend's connection error: read the groups instead
        logger.warning("Role cache unavailable; reading the groups")
        return _read_roles(user)
    generation = found.get(GENERATION_KEY, 0)
    entry = found.get(key)
    if entry is not None and entry[0] == generation:
        return entry[1]
    roles = _read_roles(user)
    try:
        cache.set(key, (generation, roles), CACHE_SECONDS)
    except Exception:
        logger.warning("Role cache unavailable; not keeping the roles read")
    return roles


def _read_roles(user: User) -> frozenset[str]:
    names = user.groups.values_list("name", flat=True)
    return frozenset(GROUP_TO_ROLE[name] for name in names if name in GROUP_TO_ROLE)


def _forget(keys: list[str]) -> None:
    try:
        cache.delete_many(keys)
    except Exception:
        logger.warning("Role cache unavailable; roles kept there expire within a minute")


def _forget_all() -> None:
    try:
        if not cache.add(GENERATION_KEY, 1, None):
            cache.incr(GENERATION_KEY)
    except Exception:
        logger.warning("Role cache unavailable; roles kept there expire within a minute")


def roles_changed(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    """m2m_changed of User.groups: forget the roles of every user whose groups changed, now
    and again once the change is committed (a page may have read the old groups between)."""
    if action not in ("post_add", "post_remove", "pre_clear", "post_clear"):
        return
    if not reverse:  # user.groups.add(...): the user is `instance`
        users = [instance.pk]
    elif pk_set is not None:  # group.user_set.add(...): the users are pk_set
        users = list(pk_set)
    else:  # group.user_set.clear(): the group's users, read before they are removed
        users = (
            list(instance.user_set.values_list("pk", flat=True)) if action == "pre_clear" else []
        )
    keys = [_key(pk) for pk in users]
    if keys:
        _forget(keys)
        transaction.on_commit(lambda: _forget(keys))


def groups_changed(sender, **kwargs) -> None:
    """A group renamed or deleted changes the roles of all its users at once."""
    _forget_all()
    transaction.on_commit(_forget_all)


def has_role(user: User, role: Role | str) -> bool:
    return str(role) in roles_of(user)
