"""API tokens at the door: the authentication class that reads `Authorization: Bearer
scg_...`, and the permission that checks the token's scopes.

A token for an organisation acts as its person, but only as a member of that organisation:
the person's other memberships and any staff roles are left out of the request's user, so
every access helper (accounts.permissions.memberships_of and the rules built on it) sees
only what the token is for. A staff token acts with the person's staff roles and no
organisation.
"""

from __future__ import annotations

import datetime as dt
import hmac
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from accounts.models import ApiToken, Membership
from accounts.services import PREFIX_LENGTH, TOKEN_START, api_token_digest

REFUSED = "This API token is not valid: it may be wrong, revoked or expired. Make a new one on the API access page."


class TokenAuthentication(authentication.BaseAuthentication):
    keywords = ("bearer", "token")

    def authenticate(self, request: Any) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).decode("latin-1").split()
        if not header or header[0].lower() not in self.keywords:
            return None
        if len(header) != 2 or not header[1].startswith(TOKEN_START):
            raise exceptions.AuthenticationFailed(REFUSED)
        key = header[1]
        token = (
            ApiToken.objects.select_related("user", "organisation")
            .filter(prefix=key[:PREFIX_LENGTH])
            .first()
        )
        if (
            token is None
            or not hmac.compare_digest(token.digest, api_token_digest(key))
            or not token.is_usable
            or not token.user.is_active
        ):
            raise exceptions.AuthenticationFailed(REFUSED)
        user = token.user
        if token.organisation_id is not None:
            role = (
                Membership.objects.filter(user=user, organisation_id=token.organisation_id)
                .values_list("role", flat=True)
                .first()
            )
            if role is None:
                raise exceptions.AuthenticationFailed(
                    "This API token's person no longer belongs to its organisation."
                )
            user._membership_cache = {token.organisation_id: role}
            user._provider_cache = token.organisation.is_provider
            user._role_cache = frozenset()
        else:
            user._membership_cache = {}
            user._provider_cache = False
        _touch(token)
        return user, token

    def authenticate_header(self, request: Any) -> str:
        return 'Bearer realm="api"'


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes the token: an HTTP bearer key."""

    target_class = "accounts.api_auth.TokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A key made on the API access page: Authorization: Bearer scg_...",
        }


def _touch(token: ApiToken) -> None:
    """Record when the token was last used, at most once every API_TOKEN_LAST_USED_EVERY
    seconds: most requests write nothing."""
    now = timezone.now()
    every = dt.timedelta(seconds=settings.API_TOKEN_LAST_USED_EVERY)
    if token.last_used_at is not None and now - token.last_used_at < every:
        return
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - every)
    ).update(last_used_at=now)
    token.last_used_at = now


class HasScope(permissions.BasePermission):
    """A token may read with `read` and write only with the view's `write_scope`. A person
    signed in with the browser has every scope their roles allow."""

    def has_permission(self, request: Any, view: Any) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return True
        needed = (
            ApiToken.Scope.READ
            if request.method in permissions.SAFE_METHODS
            else getattr(view, "write_scope", None)
        )
        if needed is None or needed not in token.scopes:
            self.message = (
                f"This token does not have the {needed} scope: make a token with it on the "
                "API access page."
                if needed
                else "API tokens cannot do this."
            )
            return False
        return True
