"""API test helpers: a token for a persona, and a client that sends it."""

from __future__ import annotations

import json

import pytest

from accounts.models import ApiToken
from accounts.services import api_token_create
from tests.commissioning.conftest import contract, other_provider, q1_return  # noqa: F401  # shared fixtures

ALL_SCOPES = list(ApiToken.Scope.values)


def make_token(user, organisation=None, scopes=None, days: int = 90) -> str:
    """A token's key for `user` (for `organisation`, or staff when None)."""
    return api_token_create(
        actor=user,
        organisation=organisation,
        name="Test system",
        scopes=ALL_SCOPES if scopes is None else scopes,
        days=days,
    ).key


class Api:
    """The test client with a bearer key on every request and JSON bodies."""

    def __init__(self, client, key: str | None) -> None:
        self.client = client
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}

    def _send(self, method: str, url: str, data=None, **headers):
        extra = {
            **self.headers,
            **{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()},
        }
        body = json.dumps(data) if data is not None else None
        return getattr(self.client, method)(url, body, content_type="application/json", **extra)

    def get(self, url: str, **headers):
        return self.client.get(
            url,
            **{
                **self.headers,
                **{f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()},
            },
        )

    def post(self, url: str, data=None, **headers):
        return self._send("post", url, data, **headers)

    def put(self, url: str, data=None, **headers):
        return self._send("put", url, data, **headers)

    def patch(self, url: str, data=None, **headers):
        return self._send("patch", url, data, **headers)

    def delete(self, url: str, **headers):
        return self._send("delete", url, None, **headers)


@pytest.fixture
def api(client):
    """api(key) -> a client sending that key; api(None) -> anonymous."""

    def make(key: str | None) -> Api:
        client.logout()
        return Api(client, key)

    return make


@pytest.fixture
def api_for(api, personas):
    """api_for(persona name) -> a client with a fresh token for that persona: their first
    organisation's, or a staff token for staff."""

    def make(name: str, scopes=None) -> Api:
        user = personas.get(name)
        if user is None:
            return api(None)
        organisation = user.memberships.first().organisation if user.memberships.exists() else None
        return api(make_token(user, organisation, scopes))

    return make


@pytest.fixture
def live_api(live_server):
    """The live test server (what migrations made is put back before each such test: see
    tests/conftest.py, _migration_data_after_a_flush)."""
    return live_server
