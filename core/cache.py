"""Django's Redis cache, with one Redis client per connection pool.

Django's backend makes a new `redis.Redis` for every cache call, and each one builds its
table of some 250 response callbacks: about 0.1 ms a call, four or five calls on every
staff page (the session, a round's choices and counts). A `redis.Redis` is safe to share:
each command takes a connection from the pool and gives it back.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends import redis


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
