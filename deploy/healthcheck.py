"""Health checks for docker-compose.yml, without loading Django (they run every 30 seconds).

    python deploy/healthcheck.py web    # /healthz answers (200: ok, or degraded with Redis down)
    python deploy/healthcheck.py beat   # beat's heartbeat file is fresh (deploy/beat.py)

Exit status 0 is healthy; anything else is unhealthy, with the reason on stderr.
"""

from __future__ import annotations

import http.client
import os
import sys
import time
from pathlib import Path

BEAT_HEARTBEAT_MAX_AGE = 180  # seconds: beat touches the file at least once a minute
DEFAULT_HEARTBEAT_FILE = "/tmp/celerybeat-heartbeat"  # noqa: S108 - as deploy/beat.py


def host_header(allowed_hosts: str) -> str:
    """A Host the app accepts: the first of ALLOWED_HOSTS (".example.org" -> "example.org")."""
    for host in allowed_hosts.split(","):
        host = host.strip().lstrip(".")
        if host and host != "*":
            return host
    return "localhost"


def check_web(port: int = 8000) -> str | None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request(
            "GET", "/healthz", headers={"Host": host_header(os.environ.get("ALLOWED_HOSTS", ""))}
        )
        response = conn.getresponse()
        body = response.read(500).decode(errors="replace")
    except OSError as error:
        return f"/healthz did not answer: {error}"
    finally:
        conn.close()
    if response.status != 200:
        return f"/healthz answered {response.status}: {body}"
    return None


def check_beat(now: float | None = None) -> str | None:
    path = Path(os.environ.get("BEAT_HEARTBEAT_FILE") or DEFAULT_HEARTBEAT_FILE)
    try:
        age = (time.time() if now is None else now) - path.stat().st_mtime
    except FileNotFoundError:
        return f"beat has not written its heartbeat ({path}) yet"
    if age > BEAT_HEARTBEAT_MAX_AGE:
        return f"beat's heartbeat ({path}) is {age:.0f} seconds old"
    return None


def main(argv: list[str]) -> int:
    checks = {"web": check_web, "beat": check_beat}
    if len(argv) != 2 or argv[1] not in checks:
        print(f"usage: {argv[0]} {'|'.join(checks)}", file=sys.stderr)
        return 2
    problem = checks[argv[1]]()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
