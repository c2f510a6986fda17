"""core.cache: Django's Redis cache, one Redis client per connection pool (issue 18)."""

from __future__ import annotations

import os

import pytest

from core.cache import RedisCache


def test_every_call_shares_one_client():
    cache = RedisCache("redis://127.0.0.1:6379/0", {})
    client = cache._cache.get_client(write=True)
    assert cache._cache.get_client() is client
    assert cache._cache.get_client("some-key", write=False) is client


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs a Redis server: REDIS_URL")
def test_it_keeps_and_returns_values():
    cache = RedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": "test-core-cache"})
    cache.set("answer", {"n": 42}, 30)
    assert cache.get_many(["answer", "missing"]) == {"answer": {"n": 42}}
    assert cache.add("answer", 1, 30) is False
    cache.delete("answer")
    assert cache.get("answer") is None
