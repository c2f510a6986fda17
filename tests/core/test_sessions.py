"""Sessions survive a cache outage: the database copy is read and written, nothing raises."""

from __future__ import annotations

from contextlib import ExitStack
from unittest import mock

import pytest

pytestmark = pytest.mark.django_db

LOCMEM = "django.core.cache.backends.locmem.LocMemCache"


def test_with_the_cache_down_sessions_come_from_the_database(client, personas):
    client.force_login(personas.officer)
    with ExitStack() as down:
        for method in ("get", "set", "delete", "has_key"):
            down.enter_context(
                mock.patch(f"{LOCMEM}.{method}", side_effect=ConnectionError("Redis is down"))
            )
        assert client.get("/staff/").status_code == 200
        client.logout()
        assert client.get("/staff/").status_code == 302
