"""Throttles per token, per signed-in person and per address, counted in the cache.

Rates come from settings.API_THROTTLE_RATES (requests per minute), read on each request.
When the cache cannot be reached (Redis down), the API fails open: it serves the request
without counting it and logs a warning. A public body's API stays up for the providers and
groups who depend on it; the web server's own limits still stand in front of it.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import SimpleRateThrottle

logger = logging.getLogger(__name__)


class _FailOpenThrottle(SimpleRateThrottle):
    scope = ""

    def __init__(self) -> None:  # the rate is read per request, not at import
        pass

    def get_rate(self) -> str:
        return f"{settings.API_THROTTLE_RATES[self.scope]}/min"

    def allow_request(self, request: Any, view: Any) -> bool:
        self.cache = cache
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        try:
            return super().allow_request(request, view)
        except Exception:  # any cache backend error: Redis refused, timed out, went away
            logger.warning(
                "API throttle cache unavailable; serving %s without counting", request.path
            )
            return True


class TokenRateThrottle(_FailOpenThrottle):
    """Per API token."""

    scope = "token"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        token = getattr(request, "auth", None)
        if token is None or not getattr(token, "pk", None):
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.pk}


class UserRateThrottle(_FailOpenThrottle):
    """Per person signed in with the browser session."""

    scope = "user"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if getattr(request, "auth", None) is not None or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class AnonRateThrottle(_FailOpenThrottle):
    """Per address, for the public endpoints."""

    scope = "anon"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
