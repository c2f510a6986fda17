"""Sign-in throttling that slows guessing without letting anyone lock someone else out.

Failed password sign-ins are counted three ways, in the cache (Redis in production):

- per address: more than SIGNIN_THROTTLE["ip_failures"] failures within the window, and
  that address may not sign in at all until the window has passed (the guesser's address is
  blocked, not the account);
- per account and address: after SIGNIN_THROTTLE["free_failures"] failures for one account
  from one address, each further attempt from there must wait a delay that doubles with
  every failure (up to SIGNIN_THROTTLE["max_delay"]); refused attempts are refused before
  the password is checked, so they tell a guesser nothing;
- per account: failures from any address. The account is never blocked by them: its owner,
  from any address that is not itself throttled, signs in with the right password. Once the
  count reaches SIGNIN_THROTTLE["notice_after"] the owner is emailed, at most once a window.

A cache that is down fails open: sign-in goes on unthrottled and a warning is logged, so an
outage of Redis never stops people signing in.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string

from core.mail import send_tracked

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Refusal:
    message: str


def _config() -> dict:
    return settings.SIGNIN_THROTTLE


def _account(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


def _keys(ip: str, email: str) -> tuple[str, str, str]:
    account = _account(email)
    return (
        f"signin:ip:{ip}",
        f"signin:account-ip:{account}:{ip}",
        f"signin:account:{account}",
    )


def _wait_words(seconds: float) -> str:
    minutes = max(1, int(-(-seconds // 60)))
    return f"{minutes} minute{'' if minutes == 1 else 's'}"


def delay_after(failures: int) -> float:
    """Seconds to wait after `failures` failures for one account from one address."""
    extra = failures - _config()["free_failures"]
    if extra <= 0:
        return 0.0
    return float(min(2 ** (extra - 1), _config()["max_delay"]))


def check(*, ip: str, email: str) -> Refusal | None:
    """Before the password is checked: may this address try this account now?"""
    ip_key, pair_key, _ = _keys(ip, email)
    try:
        found = cache.get_many([ip_key, pair_key])
    except Exception:
        logger.warning("Sign-in throttle skipped: the cache is not answering", exc_info=True)
        return None
    window = _config()["window"]
    if int(found.get(ip_key, 0)) >= _config()["ip_failures"]:
        return Refusal(
            "There have been too many failed sign-ins from your network. "
            f"Wait {_wait_words(window)}, then try again, or reset your password"
        )
    pair = found.get(pair_key)
    if pair:
        wait = pair["last"] + delay_after(pair["count"]) - time.time()
        if wait > 0:
            return Refusal(
                "You have entered the wrong password too many times. "
                f"Wait {_wait_words(wait)}, then try again, or reset your password"
            )
    return None


def _bump(key: str, window: int) -> int:
    if cache.add(key, 1, timeout=window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def failed(*, ip: str, email: str) -> None:
    """Count a failed (or refused) attempt, and tell the account's owner once a window."""
    ip_key, pair_key, account_key = _keys(ip, email)
    window = _config()["window"]
    try:
        _bump(ip_key, window)
        pair = cache.get(pair_key) or {"count": 0, "last": 0.0}
        cache.set(pair_key, {"count": pair["count"] + 1, "last": time.time()}, timeout=window)
        account_failures = _bump(account_key, window)
        should_notify = account_failures >= _config()["notice_after"] and cache.add(
            f"{account_key}:noticed", 1, timeout=window
        )
    except Exception:
        logger.warning("Sign-in failure not counted: the cache is not answering", exc_info=True)
        return
    if should_notify:
        _notify_owner(email)


def refused(*, ip: str) -> None:
    """Count a refused attempt against its address only (it extends no account's delay)."""
    try:
        _bump(_keys(ip, "")[0], _config()["window"])
    except Exception:
        logger.warning("Sign-in refusal not counted: the cache is not answering", exc_info=True)


def succeeded(*, ip: str, email: str) -> None:
    """The right password from this address: its delays for this account start again."""
    _, pair_key, _ = _keys(ip, email)
    try:
        cache.delete(pair_key)
    except Exception:
        logger.warning("Sign-in throttle not reset: the cache is not answering", exc_info=True)


def _notify_owner(email: str) -> None:
    from accounts.models import User

    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        return
    context = {
        "user": user,
        "service_name": settings.SERVICE_NAME,
        "site_url": settings.SITE_URL,
        "contact_email": settings.CONTACT_EMAIL,
        "window": _wait_words(_config()["window"]),
    }
    try:
        send_tracked(
            subject=f"Someone tried to sign in to your {settings.SERVICE_NAME} account",
            body=render_to_string("accounts/email/failed_sign_ins.txt", context),
            to=[user.email],
        )
    except Exception:
        logger.warning("Could not email the failed sign-in notice", exc_info=True)
