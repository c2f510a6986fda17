"""Celery beat's scheduler with a heartbeat, for the compose health check.

docker-compose.yml starts beat with `--scheduler deploy.beat:HeartbeatScheduler
--max-interval 60`: after every pass over the schedule (at least once a minute) beat touches
BEAT_HEARTBEAT_FILE, and `python deploy/healthcheck.py beat` reports beat unhealthy once
that file is older than a few minutes (beat hung, or stuck publishing to a dead broker).
"""

from __future__ import annotations

import os
from pathlib import Path

from celery.beat import PersistentScheduler

DEFAULT_HEARTBEAT_FILE = "/tmp/celerybeat-heartbeat"  # noqa: S108 - the container's own /tmp


def heartbeat_file() -> Path:
    return Path(os.environ.get("BEAT_HEARTBEAT_FILE") or DEFAULT_HEARTBEAT_FILE)


class HeartbeatScheduler(PersistentScheduler):
    """The default scheduler (schedule kept in a local file), plus the heartbeat."""

    def tick(self, *args, **kwargs):
        interval = super().tick(*args, **kwargs)
        heartbeat_file().touch()
        return interval
