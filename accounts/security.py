"""Sign-in security: the second factor for staff, recent authentication and the idle timeout.

allauth keeps a log of how the person in this session proved who they are
(`allauth.account.authentication.get_authentication_records`: password, mfa, each with its
time). Everything here reads that log instead of keeping a second one:

- a staff member's session counts as signed in only once the log holds an "mfa" entry (a
  code from their authenticator app or a recovery code, at sign-in, at enrolment or when
  asked again);
- "recently authenticated" means the newest entry of the kind the person must use (the
  second factor for staff who have one, else the password) is younger than
  ACCOUNT_REAUTHENTICATION_TIMEOUT.
"""

from __future__ import annotations

import time

from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.http import HttpRequest

from accounts.roles import roles_of

LAST_ACTIVITY_SESSION_KEY = "accounts_last_activity"


def needs_second_factor(user) -> bool:
    """Staff (any staff role, Django staff or superuser) must use a second factor."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_staff or user.is_superuser or roles_of(user))


def has_authenticator(user) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


def second_factor_used(request: HttpRequest) -> bool:
    """Did the person in this session give a second-factor code (at any point)?"""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def record_second_factor(request: HttpRequest, user, *, kind: str = "totp", **extra) -> None:
    """Note in the session that `user` has just used their second factor."""
    record_authentication(request, user, "mfa", type=kind, **extra)


def recently_signed_in(request: HttpRequest) -> bool:
    """Has the person given their password or a code within the reauthentication timeout?"""
    return _newest_within_timeout(request, {"mfa", "password", "code"})


def recently_authenticated(request: HttpRequest) -> bool:
    """Has the person proved who they are within ACCOUNT_REAUTHENTICATION_TIMEOUT?

    Staff must have used their second factor; everyone else their password or a code.
    """
    user = request.user
    if not user.is_authenticated:
        return False
    methods = {"mfa"} if needs_second_factor(user) else {"mfa", "password", "code"}
    return _newest_within_timeout(request, methods)


def _newest_within_timeout(request: HttpRequest, methods: set[str]) -> bool:
    user = request.user
    if not user.is_authenticated:
        return False
    records = [
        record
        for record in get_authentication_records(request, user)
        if record.get("method") in methods
    ]
    if not records:
        return False
    timeout = settings.ACCOUNT_REAUTHENTICATION_TIMEOUT
    return time.time() - float(records[-1].get("at", 0)) < timeout


def idle_timeout_for(user) -> int:
    """Seconds without a request after which this person is signed out."""
    if needs_second_factor(user):
        return settings.IDLE_TIMEOUT_STAFF
    return settings.IDLE_TIMEOUT_OTHERS
