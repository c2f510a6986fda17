import socket
import threading
import time

import pytest
from django.urls import reverse


@pytest.fixture
def silent_redis():
    """A TCP port that accepts connections and never answers: a hung Redis."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    accepted = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    server.close()


@pytest.fixture
def stopped_redis():
    """A port with nothing listening: a stopped Redis."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return f"redis://127.0.0.1:{port}/0"


def test_it_reports_the_embedded_service_as_ok(client, db, settings):
    settings.REDIS_URL = ""
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "eager"}


@pytest.mark.parametrize("redis_fixture", ["stopped_redis", "silent_redis"])
def test_it_reports_a_broken_redis_as_degraded_within_three_seconds(
    client, db, settings, request, redis_fixture
):
    settings.REDIS_URL = request.getfixturevalue(redis_fixture)
    started = time.monotonic()
    response = client.get(reverse("healthz"))
    elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "broker": "unavailable"}
    assert elapsed < 3, f"/healthz took {elapsed:.1f}s with Redis down"


@pytest.mark.needs_redis
def test_it_reports_a_running_redis_as_ok(client, db):
    response = client.get(reverse("healthz"))
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_it_is_down_when_the_database_is(client, db, monkeypatch):
    from django.db import DatabaseError

    import config.views

    def broken_cursor():
        raise DatabaseError("gone")

    with monkeypatch.context() as patch:
        patch.setattr(
            config.views, "connection", type("Gone", (), {"cursor": staticmethod(broken_cursor)})
        )
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["status"] == "down"
