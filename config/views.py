"""Liveness and readiness for load balancers and people: /healthz."""

from __future__ import annotations

import redis
from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.defaults import page_not_found
from redis.backoff import NoBackoff
from redis.retry import Retry

HEALTH_TIMEOUT_SECONDS = 1.0


def _database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return "unavailable"
    return "ok"


def _broker_state() -> str:
    if not settings.REDIS_URL:
        return "eager"  # embedded mode: tasks run in the web process, no broker to ask
    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=HEALTH_TIMEOUT_SECONDS,
        socket_timeout=HEALTH_TIMEOUT_SECONDS,
        retry=Retry(NoBackoff(), 0),  # one bounded try: a hung Redis must not hang us
    )
    try:
        client.ping()
    except (TimeoutError, redis.RedisError, OSError):
        return "unavailable"
    finally:
        client.close()
    return "ok"


@never_cache
def healthz(request):
    database, broker = _database_state(), _broker_state()
    if database != "ok":
        status = "down"
    elif broker == "unavailable":
        status = "degraded"
    else:
        status = "ok"
    return JsonResponse(
        {"status": status, "database": database, "broker": broker},
        status=503 if status == "down" else 200,
    )


def privacy(request):
    # The retention schedule comes from settings, so the notice says what the service does.
    return render(request, "pages/privacy.html", {"retention": settings.RETENTION.values()})


def accessibility(request):
    return render(request, "pages/accessibility.html")


def terms(request):
    return render(request, "pages/terms.html")


def not_found(request, exception=None):
    """404: a problem document (RFC 9457) under /api/, the service's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "type": f"{settings.SITE_URL}/api/problems/not-found",
                "title": "Not found",
                "status": 404,
                "detail": "There is nothing at this address.",
            },
            status=404,
            content_type="application/problem+json",
        )
    return page_not_found(request, exception)
