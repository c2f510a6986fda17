"""Sign-in throttling that cannot be used to lock someone out (issue 17)."""

from __future__ import annotations

import logging

import pytest

from accounts import signin_throttle
from tests.factories import PASSWORD, UserFactory

LOGIN = "/accounts/login/"
A = "203.0.113.10"
B = "198.51.100.20"


def _try(client, email: str, password: str, ip: str):
    return client.post(LOGIN, {"login": email, "password": password}, REMOTE_ADDR=ip)


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def user(db):
    return UserFactory(email="owner@example.org")


def test_fifty_wrong_passwords_from_one_address_do_not_lock_the_owner_out(client, user, mailoutbox):
    for attempt in range(50):
        # Past 30 a minute allauth's page limit (per address too) answers 429 first.
        expected = 200 if attempt < 30 else 429
        assert _try(client, user.email, "wrong password 1", A).status_code == expected
    # The guesser's address is refused, even with the right password, and told why.
    refused = _try(client, user.email, PASSWORD, A)
    assert not _signed_in(client)
    assert "too many attempts from your network" in refused.content.decode()
    assert refused.status_code == 429
    # The owner, from anywhere else, signs in with the right password.
    response = _try(client, user.email, PASSWORD, B)
    assert response.status_code == 302
    assert _signed_in(client)


def test_retries_from_one_address_wait_longer_after_each_failure(client, user, monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(signin_throttle.time, "time", lambda: now[0])
    for _ in range(4):  # three free failures, then the first delay (1 second)
        _try(client, user.email, "wrong password 1", A)
    page = _try(client, user.email, PASSWORD, A).content.decode()
    assert "You have entered the wrong password too many times" in page
    assert "Wait 1 minute" in page
    assert not _signed_in(client)
    assert [signin_throttle.delay_after(n) for n in (3, 4, 5, 6, 12, 30)] == [
        0,
        1,
        2,
        4,
        256,
        300,
    ]
    now[0] += 1.5
    assert _try(client, user.email, PASSWORD, A).status_code == 302  # waited: right one works
    assert _signed_in(client)


def test_a_refused_attempt_checks_no_password_so_it_tells_a_guesser_nothing(
    client, user, monkeypatch
):
    now = [1_000_000.0]
    monkeypatch.setattr(signin_throttle.time, "time", lambda: now[0])
    for _ in range(5):
        _try(client, user.email, "wrong password 1", A)
    right = _try(client, user.email, PASSWORD, A).content.decode()
    wrong = _try(client, user.email, "wrong password 2", A).content.decode()
    message = "You have entered the wrong password too many times"
    assert message in right
    assert message in wrong


def test_an_address_past_its_failure_limit_is_refused_with_the_right_password(client, user):
    for _ in range(20):  # SIGNIN_THROTTLE["ip_failures"], over several accounts
        _try(client, "someone.else@example.org", "wrong password 1", A)
    refused = _try(client, user.email, PASSWORD, A)
    assert refused.status_code == 200
    assert not _signed_in(client)
    assert "too many failed sign-ins from your network" in refused.content.decode()
    assert _try(client, user.email, PASSWORD, B).status_code == 302


def test_the_owner_is_told_once_that_someone_tried_their_account(client, user, mailoutbox):
    for _ in range(4):
        _try(client, user.email, "wrong password 1", A)
    assert mailoutbox == []
    for ip in ("192.0.2.1", "192.0.2.2", "192.0.2.3"):
        _try(client, user.email, "wrong password 1", ip)
    assert len(mailoutbox) == 1
    notice = mailoutbox[0]
    assert notice.to == [user.email]
    assert "Someone tried to sign in" in notice.subject
    assert "Your account is not locked" in notice.body
    assert "\n" not in notice.subject


def test_a_wrong_address_for_an_account_nobody_has_sends_no_email(client, db, mailoutbox):
    for _ in range(8):
        _try(client, "nobody@example.org", "wrong password 1", A)
    assert mailoutbox == []


class BrokenCache:
    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("Redis is down")

        return fail


def test_with_the_cache_down_sign_in_fails_open_and_says_so_in_the_log(
    client, user, monkeypatch, caplog
):
    monkeypatch.setattr(signin_throttle, "cache", BrokenCache())
    with caplog.at_level(logging.WARNING, logger="accounts.signin_throttle"):
        for _ in range(25):
            _try(client, user.email, "wrong password 1", A)
        response = _try(client, user.email, PASSWORD, A)
    assert response.status_code == 302
    assert _signed_in(client)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("the cache is not answering" in message for message in warnings)
