"""Second-factor helpers for tests: an authenticator with a known secret, and its codes."""

from __future__ import annotations

import time

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.core.cache import cache

# The same fixed secret the demo staff have (accounts.demo.DEMO_TOTP_SECRET).
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def give_authenticator(user, secret: str = SECRET) -> Authenticator:
    """Set up `user`'s authenticator app with `secret` (as if they had scanned it)."""
    return TOTP.activate(user, secret).instance


def code(secret: str = SECRET, *, user=None, at: float | None = None) -> str:
    """The code the authenticator app shows now (or at the time `at`). With `user`, forget
    that it was used, so the same code can sign them in again within its 30 seconds (tests
    sign in repeatedly)."""
    from allauth.mfa import app_settings

    moment = time.time() if at is None else at
    value = format_hotp_value(hotp_value(secret, int(moment) // app_settings.TOTP_PERIOD))
    if user is not None:
        cache.delete(f"allauth.mfa.totp.used?user={user.pk}&code={value}")
    return value
