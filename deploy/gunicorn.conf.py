"""Gunicorn in the `web` container (docker-compose.yml), behind the proxy (deploy/Caddyfile).

Only the proxy can reach port 8000 (the `edge` network; no published port), so the
X-Forwarded-* headers gunicorn sees are the proxy's own. The proxy has already refused
oversized bodies; these limits bound what is left: the request line, header count and
size, and how long a worker may spend on one request. Access and error logs are JSON lines
on stdout, like Django's (LOG_FORMAT, config/settings.py).

Request bodies: gunicorn has no body-size setting. The proxy refuses any body over
MAX_REQUEST_BODY_BYTES (12 MB) and buffers the rest; behind it Django's first middleware refuses a larger Content-Length with 413 before anything reads
the body, and the first upload handler stops a multipart body that grows past the limit
(core.uploadlimits). Django never reads past Content-Length, so a chunked body without one
is not read at all.
"""

from __future__ import annotations

import os
import sys

from gunicorn import glogging

from config.settings import LOG_FORMAT, JsonLinesFormatter

bind = "0.0.0.0:8000"
# Sync workers: the proxy buffers each request body before passing it on, so a slow
# upload never holds a worker. WEB_CONCURRENCY sets how many (about 2 per CPU core).
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "sync"
timeout = 30  # a request still running after this is killed and logged
graceful_timeout = 30  # on restart or scale-down, requests in flight may finish
max_requests = 2000  # recycle workers now and then, so a slow leak never grows
max_requests_jitter = 200
# Heartbeat files in memory, never on a slow overlay disk.
worker_tmp_dir = "/dev/shm"  # noqa: S108 - the container's own shared memory

limit_request_line = 4094  # method, path and query: longer is refused with 414
limit_request_fields = 50  # headers per request (browsers send about 15)
limit_request_field_size = 8190  # bytes per header (cookies included)

# Trust X-Forwarded-Proto from any peer: the only peer on port 8000 is the proxy.
forwarded_allow_ips = "*"

# No runtime control socket: restarts go through docker.
control_socket_disable = True

accesslog = "-"
errorlog = "-"


class JsonLinesLogger(glogging.Logger):
    """Gunicorn's logger with both logs as JSON lines on stdout, one object per request."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            self._set_handler(log, "-", JsonLinesFormatter(), stream=sys.stdout)

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        method, path = environ.get("REQUEST_METHOD", "-"), environ.get("PATH_INFO", "")
        forwarded_for = environ.get("HTTP_X_FORWARDED_FOR", "")
        fields = {
            "method": method,
            "path": path,
            "query": environ.get("QUERY_STRING", ""),
            "status": int(status),
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            # The client's address as the proxy saw it (it replaces any the client sent).
            "client": forwarded_for.split(",")[-1].strip() or environ.get("REMOTE_ADDR", "-"),
            "user_agent": environ.get("HTTP_USER_AGENT", ""),
        }
        self.access_log.info("%s %s %s", method, path, status, extra=fields)


logger_class = JsonLinesLogger if LOG_FORMAT == "json" else glogging.Logger
