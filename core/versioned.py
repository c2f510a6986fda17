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
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal

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


# Writes that bypass save() and delete() (bulk_create, update, bulk_update) send no model
# signal. A writer whose rows something may keep sends this instead, with the model as
# sender, once the rows are written: rows_written.send(sender=Model).
rows_written = Signal()


def forget_when_written(version_key: str, watched: Callable[[type, Any], bool]) -> None:
    """Forget `version_key` whenever a model that `watched(model, instance)` accepts is
    saved, deleted, linked (many-to-many) or written in bulk (rows_written; its instance is
    None). It is forgotten at once, for readers inside the writing transaction, and again
    when the transaction commits, for readers that kept a value in between."""

    def forget(sender, instance=None, **kwargs) -> None:
        if kwargs.get("action", "post_").startswith("pre_"):  # m2m_changed's pre_ actions
            return
        if not watched(sender, instance):
            return
        try:
            cache.delete(version_key)
        except Exception:
            logger.exception("Cache unavailable; %s may be out of date", version_key)
        forget_on_commit(version_key)

    for signal in (post_save, post_delete, m2m_changed, rows_written):
        signal.connect(forget, weak=False, dispatch_uid=f"forget:{version_key}:{id(signal)}")
