"""Values kept in the cache until the rows they are read from change.

A reader keeps a value under the current version of its source; a writer forgets the
version once its transaction commits. A value read before a change (even one read while
the change was not yet committed) is kept under the old version, which no one asks for
again: nothing out of date is served. Every cache failure is logged, and the value is
read from the database instead.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)


def read_through(
    *, version_key: str, key: str, tag: str, compute: Callable[[], Any], timeout: int
) -> Any:
    """The value kept under `key` for the current version, or `compute()` kept there.

    `tag` names what the value belongs to (a round's UUID, say), so a test database that
    reuses ids never reads another's value."""
    try:
        found = cache.get_many([version_key, key])
        version = found.get(version_key)
        entry = found.get(key)
        if version and entry and entry[:2] == (version, tag):
            return entry[2]
        if not version:
            version = uuid.uuid4().hex
            if not cache.add(version_key, version, timeout):
                version = cache.get(version_key) or version
    except Exception:  # any cache backend's connection error: read the database
        logger.warning("Cache unavailable; reading %s from the database", key)
        return compute()
    value = compute()
    try:
        cache.set(key, (version, tag, value), timeout)
    except Exception:
        logger.warning("Cache unavailable; %s is not kept", key)
    return value


def forget_on_commit(version_key: str) -> None:
    """The source changed: once this commits, every value kept for it is read afresh."""

    def forget() -> None:
        try:
            cache.delete(version_key)
        except Exception:
            logger.exception("Cache unavailable; %s may be out of date", version_key)

    transaction.on_commit(forget)
