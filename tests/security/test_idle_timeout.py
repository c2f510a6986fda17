"""The idle timeout: 30 minutes for staff, 2 hours for groups, enforced by the server."""

from __future__ import annotations

import time

import pytest

from accounts.security import LAST_ACTIVITY_SESSION_KEY


@pytest.fixture(autouse=True)
def _real_idle_limits(settings):
    """The limits config/settings.py sets (tests/conftest.py lifts them for time travel)."""
    from config import settings as configured

    settings.IDLE_TIMEOUT_STAFF = configured.IDLE_TIMEOUT_STAFF
    settings.IDLE_TIMEOUT_OTHERS = configured.IDLE_TIMEOUT_OTHERS


SIGNED_OUT = "You were signed out because you had not used the service for a while"


def _idle_for(client, seconds: float) -> None:
    session = client.session
    session[LAST_ACTIVITY_SESSION_KEY] = time.time() - seconds
    session.save()


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize(
    ("persona", "page", "limit"),
    [
        ("officer", "/staff/", 30 * 60),
        ("commissioner", "/commissioning/", 30 * 60),
        ("administrator", "/admin/", 30 * 60),
        ("applicant_a", "/applications/", 2 * 3600),
        ("provider", "/your-contracts/", 2 * 3600),
    ],
)
def test_each_kind_of_user_is_signed_out_after_their_idle_limit(
    client_for, personas, persona, page, limit
):
    client = client_for(personas.get(persona))
    _idle_for(client, limit - 60)
    assert client.get(page).status_code == 200
    _idle_for(client, limit + 60)
    response = client.get(page)
    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next={page.replace('/', '%2F')}"
    assert not _signed_in(client)
    sign_in_page = client.get(response.url).content.decode()
    assert SIGNED_OUT in sign_in_page


def test_the_keep_alive_extends_the_session(client_for, personas):
    client = client_for(personas.officer)
    _idle_for(client, 29 * 60)
    response = client.post("/session/keep-alive/")
    assert response.status_code == 200
    assert response.json() == {"signed_in": True, "timeout": 30 * 60}
    assert time.time() - client.session[LAST_ACTIVITY_SESSION_KEY] < 5
    _idle_for(client, 29 * 60)  # another 29 minutes after the ping: still in
    assert client.get("/staff/").status_code == 200


def test_the_keep_alive_does_not_revive_an_expired_session(client_for, personas):
    client = client_for(personas.officer)
    _idle_for(client, 31 * 60)
    response = client.post("/session/keep-alive/", HTTP_X_REQUESTED_WITH="fetch")
    assert response.status_code == 401
    assert response.json()["signed_out"] is True
    assert not _signed_in(client)


def test_the_keep_alive_answers_401_to_someone_signed_out(client, db):
    assert client.post("/session/keep-alive/").status_code == 401
    assert client.get("/session/keep-alive/").status_code == 405


def test_an_autosave_counts_as_activity(client_for, personas, settings):
    client = client_for(personas.applicant_a)
    _idle_for(client, 2 * 3600 - 60)
    client.get("/applications/")  # any request: the server cannot tell it from typing
    assert time.time() - client.session[LAST_ACTIVITY_SESSION_KEY] < 5


def test_activity_is_written_at_most_once_a_minute(client_for, personas):
    client = client_for(personas.applicant_a)
    _idle_for(client, 10)
    before = client.session[LAST_ACTIVITY_SESSION_KEY]
    client.get("/applications/")
    assert client.session[LAST_ACTIVITY_SESSION_KEY] == before


def test_the_warning_settings_are_on_signed_in_pages_only(client, client_for, personas):
    anonymous = client.get("/").content.decode()
    assert "data-idle-timeout" not in anonymous
    assert "timeout.js" not in anonymous
    staff = client_for(personas.officer).get("/staff/").content.decode()
    assert 'data-idle-timeout="1800"' in staff
    assert 'data-idle-warning="120"' in staff
    assert 'data-keep-alive-url="/session/keep-alive/"' in staff
    assert 'role="dialog"' in staff or "<dialog" in staff
    assert 'aria-modal="true"' in staff
    assert "Stay signed in" in staff
    assert "<script>" not in staff.split("timeout-warning", 1)[1]  # no inline script
    group = client_for(personas.applicant_a).get("/applications/").content.decode()
    assert 'data-idle-timeout="7200"' in group


def test_the_timeouts_come_from_settings(client_for, personas, settings):
    settings.IDLE_TIMEOUT_OTHERS = 90
    client = client_for(personas.applicant_a)
    assert 'data-idle-timeout="90"' in client.get("/applications/").content.decode()
    _idle_for(client, 100)
    assert client.get("/applications/").status_code == 302
