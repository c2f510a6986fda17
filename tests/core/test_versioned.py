"""core.versioned: a value is kept until its source changes, and read from the database
when the cache is down."""

from __future__ import annotations

from unittest import mock

from core import versioned


def _read(compute):
    return versioned.read_through(
        version_key="test:version", key="test:value", tag="a", compute=compute, timeout=60
    )


def test_a_value_is_kept_until_its_source_is_forgotten(db, django_capture_on_commit_callbacks):
    assert _read(lambda: 1) == 1
    assert _read(lambda: 2) == 1  # kept
    with django_capture_on_commit_callbacks(execute=True):
        versioned.forget_on_commit("test:version")
    assert _read(lambda: 3) == 3


def test_with_the_cache_down_the_value_is_read_each_time(caplog):
    with mock.patch.object(versioned.cache, "get_many", side_effect=ConnectionError):
        assert _read(lambda: 4) == 4
        assert _read(lambda: 5) == 5
    assert "Cache unavailable" in caplog.text
