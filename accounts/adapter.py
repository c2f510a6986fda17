"""How allauth fits this service: where people land, and what its emails say and link to."""

from __future__ import annotations

from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.core.exceptions import ValidationError

from accounts import signin_throttle
from accounts.landing import landing_for
from accounts.security import (
    has_authenticator,
    needs_second_factor,
    recently_authenticated,
    recently_signed_in,
)


class ServiceSite:
    """Stands in for django.contrib.sites: the service's own name and address."""

    @property
    def name(self) -> str:
        return settings.SERVICE_NAME

    @property
    def domain(self) -> str:
        return urlsplit(settings.SITE_URL).netloc


def on_site_url(url: str) -> str:
    """The same page at SITE_URL, whatever host the request came in on."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return settings.SITE_URL + path


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": (
            "The email address or password is not right. Check them and try again, or "  # nosec B105  # a message, not a password
            "reset your password"
        ),
        "email_taken": "There is already an account with this email address. Sign in instead",
        "enter_current_password": "Enter your current password",  # nosec B105  # a message
        "incorrect_password": "The password is not right. Check it and try again",  # nosec B105
        "invalid_password_reset": (
            "This password reset link has expired or has been used. Ask for a new one"  # nosec B105
        ),
        "too_many_login_attempts": (
            "You have tried to sign in too many times. Wait 5 minutes, then try again"
        ),
        "unverified_primary_email": "Confirm your email address first",
        "rate_limited": "You have tried this too many times. Wait a few minutes, then try again",
        "duplicate_email": "This email address is already on your account",
        "cannot_remove_primary_email": (
            "You cannot remove your main email address. Make another address your main one first"
        ),
    }

    # Sign-in throttling (accounts.signin_throttle) replaces allauth's per-account limit,
    # which refused even the right password once someone else had guessed five times.
    def pre_authenticate(self, request, **credentials) -> None:
        ip = self.get_client_ip(request)
        refusal = signin_throttle.check(ip=ip, email=credentials.get("email", ""))
        if refusal is not None:
            signin_throttle.refused(ip=ip)
            raise ValidationError(refusal.message, code="too_many_login_attempts")

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None:
            signin_throttle.succeeded(
                ip=self.get_client_ip(request), email=credentials.get("email", "")
            )
        return user

    def authentication_failed(self, request, **credentials) -> None:
        signin_throttle.failed(ip=self.get_client_ip(request), email=credentials.get("email", ""))

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """A sign-in or a code given within ACCOUNT_REAUTHENTICATION_TIMEOUT counts.

        Setting up two-step sign-in straight after signing in with a password does not ask
        for the password again.
        """
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        request = context.request
        if app == "allauth.mfa" and recently_signed_in(request):
            return False
        return not recently_authenticated(request)

    def get_reauthentication_methods(self, user) -> list[dict]:
        """Staff with an authenticator confirm it is them with a code, not their password."""
        methods = super().get_reauthentication_methods(user)
        if user.is_authenticated and has_authenticator(user):
            methods.sort(key=lambda method: not method["id"].startswith("mfa_"))
        return methods

    def get_login_redirect_url(self, request) -> str:
        return landing_for(request.user).url

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        context = {
            **context,
            "current_site": ServiceSite(),
            "SERVICE_NAME": settings.SERVICE_NAME,
            "SITE_URL": settings.SITE_URL,
            "CONTACT_EMAIL": settings.CONTACT_EMAIL,
        }
        # Links in emails use the address the service is published at (SITE_URL).
        for key, value in list(context.items()):
            if key.endswith("_url") and isinstance(value, str) and "://" in value:
                context[key] = on_site_url(value)
        super().send_mail(template_prefix, email, context)


class MfaAdapter(DefaultMFAAdapter):
    """Staff must keep their second factor: they cannot turn the authenticator app off
    (allauth would let them, and the next page would only ask them to set one up again).
    Groups and providers who chose it may turn it off."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": (
            "Staff must keep two-step sign-in. To move it to a new phone, ask an "
            "administrator to reset it, then set it up again"
        ),
    }

    def can_delete_authenticator(self, authenticator) -> bool:
        return not needs_second_factor(authenticator.user)
