"""Middleware for signed-in people: staff finish two-step sign-in first; idle sessions end."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode

from accounts.security import (
    LAST_ACTIVITY_SESSION_KEY,
    has_authenticator,
    idle_timeout_for,
    needs_second_factor,
    second_factor_used,
)

# What a staff member who has not finished two-step sign-in may open: setting it up, giving
# a code, their backup codes, signing out, and the session keep-alive.
SECOND_FACTOR_PAGES = frozenset(
    {
        "account_logout",
        "account_reauthenticate",
        "mfa_index",
        "mfa_activate_totp",
        "mfa_reauthenticate",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
        "accounts:session-keep-alive",
        "healthz",
    }
)


def _url_name(request: HttpRequest) -> str | None:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    return match.view_name


class SecondFactorMiddleware:
    """Staff who signed in with a password alone see only the two-step sign-in pages.

    Someone without an authenticator is sent to set one up (first sign-in); someone with
    one, whose session has no second-factor code in it, is asked for a code. API requests
    made with a token are not signed-in sessions and pass (the token is the credential).
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            needs_second_factor(user)
            and not second_factor_used(request)
            and _url_name(request) not in SECOND_FACTOR_PAGES
            and not request.path_info.startswith(settings.STATIC_URL)
        ):
            return self._refuse(request, user)
        return self.get_response(request)

    def _refuse(self, request: HttpRequest, user) -> HttpResponse:
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {
                    "type": "about:blank",
                    "title": "Two-step sign-in needed",
                    "status": 403,
                    "detail": "Finish two-step sign-in in your browser, or use an API token.",
                },
                status=403,
                content_type="application/problem+json",
            )
        target = "mfa_reauthenticate" if has_authenticator(user) else "mfa_activate_totp"
        next_url = request.get_full_path() if request.method == "GET" else "/"
        return HttpResponseRedirect(f"{reverse(target)}?{urlencode({'next': next_url})}")


class IdleTimeoutMiddleware:
    """Sign out anyone whose last request was longer ago than their idle timeout.

    IDLE_TIMEOUT_STAFF (30 minutes) for staff, IDLE_TIMEOUT_OTHERS (2 hours) for groups and
    providers. Every request counts as activity, autosaves and the keep-alive included.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = time.time()
            last = request.session.get(LAST_ACTIVITY_SESSION_KEY)
            if last is not None and now - float(last) > idle_timeout_for(user):
                return self._sign_out(request)
            # Written at most once a minute, so most requests do not save the session.
            if last is None or now - float(last) >= settings.IDLE_ACTIVITY_RESOLUTION:
                request.session[LAST_ACTIVITY_SESSION_KEY] = now
        return self.get_response(request)

    def _sign_out(self, request: HttpRequest) -> HttpResponse:
        logout(request)
        message = (
            "You were signed out because you had not used the service for a while. "
            "Sign in again to carry on."
        )
        if request.path_info.startswith("/api/") or request.headers.get("X-Requested-With"):
            return JsonResponse({"signed_out": True, "detail": message}, status=401)
        messages.info(request, message)
        login = reverse("account_login")
        next_url = request.get_full_path() if request.method == "GET" else ""
        if next_url:
            login = f"{login}?{urlencode({'next': next_url})}"
        return HttpResponseRedirect(login)
