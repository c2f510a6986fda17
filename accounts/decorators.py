from __future__ import annotations

from functools import wraps

import rules
from allauth.account.adapter import get_adapter
from allauth.core.exceptions import ReauthenticationRequired
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.utils.http import urlencode

from accounts.security import recently_authenticated


def permission_required(perm: str):
    """Anonymous users are sent to sign in; signed-in users without `perm` get 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.has_perm(perm):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def rule_required(rule: str):
    """Like permission_required, but tests a `rules` rule: a superuser gets no free pass."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not rules.test_rule(rule, request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def require_recent_authentication(request, *, keep_post: bool = True) -> HttpResponse | None:
    """Sensitive actions: the person must have proved who they are in the last few minutes.

    Staff give a code from their authenticator app, everyone else their password (allauth's
    reauthentication pages); a sign-in within ACCOUNT_REAUTHENTICATION_TIMEOUT counts.
    Returns None when they have. Otherwise raises allauth's ReauthenticationRequired, which
    keeps a POST and carries it out once they have; with keep_post=False (bank details,
    which must not be kept in the session) it returns a redirect back to the form instead.
    """
    if recently_authenticated(request):
        return None
    if request.method == "POST" and not keep_post:
        methods = get_adapter().get_reauthentication_methods(request.user)
        if not methods:
            raise PermissionDenied
        messages.info(
            request, "For your security, confirm it is you, then enter the details again."
        )
        return HttpResponseRedirect(
            f"{methods[0]['url']}?{urlencode({'next': request.get_full_path()})}"
        )
    raise ReauthenticationRequired()


def recent_authentication_required(view=None, *, keep_post: bool = True):
    """View decorator for require_recent_authentication (GET and POST alike)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            refusal = require_recent_authentication(request, keep_post=keep_post)
            return refusal or view(request, *args, **kwargs)

        return wrapped

    return decorator(view) if view is not None else decorator
