"""Sessions kept in the database and cached (Redis when REDIS_URL is set), that keep
working when the cache is down.

Django's `cached_db` store reads through the cache but raises when the cache is unreachable
for anything but a read, so a Redis outage would take every page down with it. Here every
cache call that fails is logged and skipped: the database copy is the truth, the cache only
saves a query. One edge is left: a session ended while Redis is down keeps its cached copy
until Redis drops it; the idle timeout (accounts.middleware) still ends it.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.sessions.backends import cached_db

logger = logging.getLogger(__name__)


class _ForgivingCache:
    """The cache's get/set/delete/contains, each a no-op (logged) when the cache fails."""

    def __init__(self, cache: Any) -> None:
        self._cache = cache

    def _try(self, what: str, call, default):
        try:
            return call()
        except Exception:  # any backend's connection error
            logger.warning("Session cache unavailable (%s); using the database", what)
            return default

    def get(self, key, default=None):
        return self._try("get", lambda: self._cache.get(key, default), default)

    def set(self, key, value, timeout=None):
        return self._try("set", lambda: self._cache.set(key, value, timeout), None)

    def delete(self, key):
        return self._try("delete", lambda: self._cache.delete(key), False)

    def __contains__(self, key) -> bool:
        return self._try("contains", lambda: key in self._cache, False)

    def __str__(self) -> str:
        return str(self._cache)


class SessionStore(cached_db.SessionStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._cache = _ForgivingCache(self._cache)  # type: ignore[assignment]
