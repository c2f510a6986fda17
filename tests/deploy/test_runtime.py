"""What the containers run (issue 19): gunicorn's limits and JSON-lines logs, Django's JSON
logs in production, and the health checks of web and beat."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from gunicorn.config import Config

from config.settings import JsonLinesFormatter
from deploy import healthcheck
from deploy.beat import HeartbeatScheduler

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 60,
    "ALLOWED_HOSTS": "grants.example.org",
}


GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"


def _gunicorn_config() -> tuple[Config, dict]:
    """The config file read as gunicorn reads it: its names that are gunicorn settings."""
    namespace: dict = {"__file__": str(GUNICORN_CONF)}
    exec(compile(GUNICORN_CONF.read_text(), str(GUNICORN_CONF), "exec"), namespace)  # noqa: S102
    config = Config()
    for name, value in namespace.items():
        if name in config.settings:
            config.set(name, value)
    return config, namespace


def test_gunicorn_bounds_every_request():
    config, _ = _gunicorn_config()
    assert config.bind == ["0.0.0.0:8000"]
    assert config.timeout == 30
    assert config.graceful_timeout == 30
    assert config.limit_request_line <= 4094
    assert config.limit_request_fields <= 100
    assert config.limit_request_field_size <= 8190
    assert config.max_requests > 0
    assert config.accesslog == "-"


def test_gunicorn_logs_each_request_as_one_json_line(capsys):
    config, namespace = _gunicorn_config()
    logger = namespace["JsonLinesLogger"](config)
    response = SimpleNamespace(status="200 OK", sent=1234, headers=[])
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/applications/",
        "QUERY_STRING": 'q="quoted"',
        "REMOTE_ADDR": "172.18.0.5",
        "HTTP_X_FORWARDED_FOR": "203.0.113.9",
        "HTTP_USER_AGENT": 'Mozilla/5.0 "test"',
        "RAW_URI": "/applications/",
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    logger.access(response, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=42))
    logger.error("a worker %s", "stopped")
    lines = capsys.readouterr().out.strip().splitlines()
    access, error = (json.loads(line) for line in lines[-2:])
    assert access["logger"] == "gunicorn.access"
    assert access["message"] == "POST /applications/ 200"
    assert (access["status"], access["bytes"], access["duration_ms"]) == (200, 1234, 42.0)
    assert access["client"] == "203.0.113.9"
    assert access["query"] == 'q="quoted"'
    assert error["level"] == "ERROR"
    assert error["message"] == "a worker stopped"


def test_gunicorn_logs_json_in_production():
    result = _python(
        "import runpy; print(runpy.run_path('deploy/gunicorn.conf.py')['logger_class'].__name__)",
        PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "JsonLinesLogger"


def test_the_json_formatter_writes_one_parsable_line_per_record():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLinesFormatter())
    logger = logging.getLogger("tests.deploy.json")
    # A real Celery worker started earlier in the run may have raised the root
    # logger's level; this test is about the formatter, so pin its own level.
    level, propagate = logger.level, logger.propagate
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    logger.addHandler(handler)
    try:
        logger.warning('line one\nline "two"', extra={"status_code": 404, "request": object()})
        try:
            raise ValueError("boom")
        except ValueError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["message"] == 'line one\nline "two"'
    assert first["status_code"] == 404
    assert "request" not in first
    assert first["level"] == "WARNING" and first["logger"] == "tests.deploy.json"
    assert "ValueError: boom" in second["exception"]


def _python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "LOG_FORMAT")}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_logs_are_json_lines_on_stdout():
    result = _python(
        "import django, logging; django.setup(); "
        "logging.getLogger('django.request').warning('Not Found: /x', extra={'status_code': 404})",
        PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stderr
    entry = json.loads(result.stdout.strip().splitlines()[-1])
    assert entry["message"] == "Not Found: /x"
    assert entry["status_code"] == 404


def test_a_bad_log_format_stops_the_service():
    result = _python("import django; django.setup()", {**PRODUCTION_ENV, "LOG_FORMAT": "xml"})
    assert result.returncode != 0
    assert "LOG_FORMAT='xml' is not a log format: use plain or json." in result.stderr


def test_development_keeps_plain_logs_and_celery_keeps_its_own():
    assert settings.LOG_FORMAT == "plain"  # the suite runs with DEBUG on
    assert settings.LOGGING["handlers"]["console"]["formatter"] == "plain"
    assert settings.CELERY_WORKER_HIJACK_ROOT_LOGGER is True


class _Healthz(BaseHTTPRequestHandler):
    status = 200
    hosts: list[str] = []

    def do_GET(self):
        type(self).hosts.append(self.headers["Host"])
        self.send_response(self.status)
        self.end_headers()
        self.wfile.write(b'{"status": "ok"}')

    def log_message(self, *args):
        pass


@pytest.fixture
def healthz_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Healthz)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Healthz.hosts = []
    yield server
    server.shutdown()
    server.server_close()


def test_the_web_check_asks_healthz_as_an_allowed_host(healthz_server, monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", "grants.example.org,www.grants.example.org")
    _Healthz.status = 200
    assert healthcheck.check_web(healthz_server.server_port) is None
    assert _Healthz.hosts == ["grants.example.org"]
    _Healthz.status = 503
    assert "503" in healthcheck.check_web(healthz_server.server_port)


def test_the_web_check_fails_when_nothing_answers():
    with ThreadingHTTPServer(("127.0.0.1", 0), _Healthz) as server:
        port = server.server_port  # closed again: nothing listens there
    assert "did not answer" in healthcheck.check_web(port)


@pytest.mark.parametrize(
    ("allowed", "host"),
    [
        (".example.org", "example.org"),
        ("*", "localhost"),
        ("", "localhost"),
        (" a.org ,b", "a.org"),
    ],
)
def test_the_web_check_picks_a_host_the_app_accepts(allowed, host):
    assert healthcheck.host_header(allowed) == host


def test_beat_touches_its_heartbeat_on_every_tick_and_the_check_reads_it(tmp_path, monkeypatch):
    heartbeat = tmp_path / "heartbeat"
    monkeypatch.setenv("BEAT_HEARTBEAT_FILE", str(heartbeat))
    assert "has not written" in healthcheck.check_beat()

    from config.celery import app

    scheduler = HeartbeatScheduler(app, schedule_filename=str(tmp_path / "schedule"), lazy=True)
    monkeypatch.setattr("celery.beat.PersistentScheduler.tick", lambda self, *args, **kwargs: 17.0)
    assert scheduler.tick() == 17.0
    assert heartbeat.exists()
    assert healthcheck.check_beat() is None

    later = time.time() + healthcheck.BEAT_HEARTBEAT_MAX_AGE + 1
    assert "seconds old" in healthcheck.check_beat(now=later)


def test_the_health_check_script_exits_non_zero_with_the_reason(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "deploy" / "healthcheck.py"), "beat"],
        env={"BEAT_HEARTBEAT_FILE": str(tmp_path / "missing"), "PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 1
    assert "has not written its heartbeat" in result.stderr
