"""The API's shared behaviour: one problem format, throttles that count in the cache and
fail open when it is down, and a 404 in problem format for unknown API addresses."""

from __future__ import annotations

import logging
from unittest import mock

import pytest

from tests.api.conftest import make_token

pytestmark = pytest.mark.django_db


def test_an_unknown_api_address_is_a_problem_document(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_anonymous_on_a_private_endpoint_gets_401_problem(client):
    response = client.get("/api/v1/returns/")
    assert response.status_code == 401
    assert response.json()["title"] == "Sign in or send an API token"


def test_a_malformed_body_is_a_400_problem(api, personas):
    client = api(make_token(personas.applicant_a, personas.org_a))
    response = client.client.post(
        "/api/v1/applications/", "{not json", content_type="application/json", **client.headers
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_the_token_throttle_answers_429_with_retry_after(api, personas, settings):
    settings.API_THROTTLE_RATES = {"token": 3, "user": 100, "anon": 100}
    client = api(make_token(personas.applicant_a, personas.org_a))
    codes = [client.get("/api/v1/organisations/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    last = client.get("/api/v1/organisations/")
    assert int(last["Retry-After"]) >= 1
    assert last.json()["status"] == 429


def test_the_session_throttle_counts_per_person(client, personas, settings):
    settings.API_THROTTLE_RATES = {"token": 100, "user": 2, "anon": 100}
    client.force_login(personas.applicant_a)
    codes = [client.get("/api/v1/organisations/").status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_with_the_cache_down_the_api_serves_and_logs(api, personas, settings, caplog):
    """Fails open: Redis down must not take the providers' API down with it."""
    settings.API_THROTTLE_RATES = {"token": 1, "user": 1, "anon": 1}
    client = api(make_token(personas.applicant_a, personas.org_a))
    broken = mock.patch(
        "django.core.cache.backends.locmem.LocMemCache.get",
        side_effect=ConnectionError("Redis is down"),
    )
    with broken, caplog.at_level(logging.WARNING, logger="core.api.throttling"):
        codes = [client.get("/api/v1/organisations/").status_code for _ in range(3)]
    assert codes == [200, 200, 200]
    assert "throttle cache unavailable" in caplog.text


@pytest.mark.needs_redis
def test_with_a_real_redis_unreachable_the_api_serves(api, personas, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    client = api(make_token(personas.applicant_a, personas.org_a))
    assert client.get("/api/v1/organisations/").status_code == 200


def test_the_schema_is_openapi_3_1_and_the_docs_come_from_the_package(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    assert schema.json()["openapi"].startswith("3.1")
    docs = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in docs
    assert "cdn" not in docs.lower()


def test_every_operation_has_a_summary_examples_and_every_problem_response(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    missing = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            name = f"{method.upper()} {path}"
            if not operation.get("summary"):
                missing.append(f"{name}: no summary")
            codes = set(operation["responses"])
            for code in ("400", "401", "403", "404", "409", "412", "429"):
                if code not in codes:
                    missing.append(f"{name}: no {code}")
            examples = [
                media.get("examples")
                for response in operation["responses"].values()
                for media in response.get("content", {}).values()
            ]
            if not any(examples):
                missing.append(f"{name}: no example")
    assert missing == []


def test_an_idempotency_key_is_forgotten_after_a_day(api, personas, plan, settings):
    import datetime as dt

    import time_machine
    from django.utils import timezone

    from core.models import IdempotencyKey
    from tests.factories import RoundFactory

    round = RoundFactory(plan=plan)
    client = api(make_token(personas.applicant_a, personas.org_a))
    first = client.post(
        "/api/v1/applications/", {"round": str(round.uuid)}, idempotency_key="day-1"
    )
    assert first.status_code == 201
    assert IdempotencyKey.objects.filter(key="day-1").count() == 1
    with time_machine.travel(
        timezone.now() + dt.timedelta(seconds=settings.API_IDEMPOTENCY_KEEP + 1)
    ):
        again = client.post(
            "/api/v1/applications/", {"round": str(round.uuid)}, idempotency_key="day-1"
        )
    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again
    assert IdempotencyKey.objects.filter(key="day-1").count() == 1  # the old answer was replaced
