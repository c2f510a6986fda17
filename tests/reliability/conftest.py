"""Real processes for the reliability tests: a private Redis, Celery workers, a web server
and management commands, all pointed at pytest's test database.

Each test gets its own `redis-server` on a free port (never the shared one on 6379), its
own mail folder (the file email backend writes every message there, so emails sent by any
subprocess can be counted) and its own upload folder. Every process is started in its own
session and killed, with its children, when the test ends. The test process itself keeps
running Celery eagerly; it only reaches the private broker through subprocesses and a
small probe app that sends `config.ping`.
"""

from __future__ import annotations

import contextlib
import email
import email.message
import email.policy
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from tests.conftest import IN_CI

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PYTHON = sys.executable
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
TIMEOUT = 60.0  # the longest any single wait may take
MAIL_SEPARATOR = b"\n" + b"-" * 79 + b"\n"  # what the file email backend puts after each
# Variables from the outer environment that would send a subprocess elsewhere.
SCRUBBED = ("DATABASE_URL", "REDIS_URL", "EMAIL_URL", "OUTBOX_REDISPATCH_AFTER", "ALLOWED_HOSTS")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(errors="replace")
    except FileNotFoundError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


def wait_for(
    predicate: Callable[[], object],
    what: str,
    *,
    timeout: float = TIMEOUT,
    interval: float = 0.1,
    diagnostics: Callable[[], str] = lambda: "",
):
    """Poll until `predicate()` is truthy and return it, or fail saying what never happened."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out after {timeout:.0f}s waiting for {what}.\n{diagnostics()}")
        time.sleep(interval)


@dataclass
class Service:
    """A subprocess started in its own session, its output in a log file."""

    name: str
    proc: subprocess.Popen
    log: Path

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def log_text(self) -> str:
        try:
            return self.log.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def _group_exists(self) -> bool:
        try:
            os.killpg(self.proc.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def kill(self) -> None:
        """SIGKILL the process and every child it started (its process group)."""
        if self._group_exists():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
        deadline = time.monotonic() + 10
        while self._group_exists() and time.monotonic() < deadline:
            time.sleep(0.05)

    def stop(self) -> None:
        """SIGTERM the group, then SIGKILL whatever is left after a few seconds."""
        if self.alive:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=8)
        self.kill()


def spawn(name: str, command: list[str], env: dict[str, str], log: Path) -> Service:
    with log.open("ab") as out:
        proc = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Service(name, proc, log)


class RedisServer:
    """A throwaway redis-server: no persistence, its own port and folder."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_port()
        self.service: Service | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self):
        import redis

        return redis.Redis(
            host="127.0.0.1", port=self.port, socket_timeout=2, socket_connect_timeout=2
        )

    def _answers(self) -> bool:
        import redis

        client = self.client()
        try:
            return bool(client.ping())
        except (redis.RedisError, OSError):
            return False
        finally:
            client.close()

    def start(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        command = [
            REDIS_SERVER,
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", "no",
            "--dir", str(self.directory),
        ]  # fmt: skip
        self.service = spawn("redis", command, os.environ.copy(), self.directory / "redis.log")
        wait_for(
            lambda: self._answers() or not self.service.alive,
            f"redis-server on port {self.port}",
            diagnostics=lambda: _tail(self.directory / "redis.log"),
        )
        if not self.service.alive:
            pytest.fail(f"redis-server exited:\n{_tail(self.directory / 'redis.log')}")

    def stop(self) -> None:
        if self.service is not None:
            self.service.stop()
            self.service = None

    @property
    def running(self) -> bool:
        return self.service is not None and self.service.alive


@dataclass
class WebServer:
    service: Service
    port: int

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class Stack:
    """The private Redis plus every process a test starts; all stopped at teardown."""

    def __init__(self, tmp_path: Path):
        self.tmp = tmp_path
        self.mail_dir = tmp_path / "mail"
        self.media_dir = tmp_path / "uploads"  # the test process's storage too (_media_in_tmp)
        self.logs_dir = tmp_path / "logs"
        for folder in (self.mail_dir, self.media_dir, self.logs_dir):
            folder.mkdir(parents=True, exist_ok=True)
        self.redis = RedisServer(tmp_path / "redis")
        self.services: list[Service] = []
        self.commands: list[str] = []  # what each management command printed
        self.database_url = self._database_url()

    @staticmethod
    def _database_url() -> str:
        db = connection.settings_dict
        user = quote(db["USER"] or "postgres", safe="")
        password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
        host = db["HOST"] or "localhost"
        port = f":{db['PORT']}" if db.get("PORT") else ""
        return f"postgres://{user}{password}@{host}{port}/{quote(db['NAME'], safe='')}"

    # -- environment and processes -------------------------------------------------------

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            DEBUG="true",
            DATABASE_URL=self.database_url,
            REDIS_URL=self.redis.url,
            EMAIL_FILE_PATH=str(self.mail_dir),
            PRIVATE_MEDIA_ROOT=str(self.media_dir),
            OUTBOX_REDISPATCH_AFTER="600",
            PYTHONUNBUFFERED="1",
            LOG_LEVEL="INFO",
        )
        env.update(extra)
        return env

    def _spawn(self, name: str, command: list[str], env: dict[str, str]) -> Service:
        log = self.logs_dir / f"{name}.log"
        service = spawn(name, command, env, log)
        self.services.append(service)
        return service

    def start_worker(
        self, *, name: str = "worker", concurrency: int = 1, slow_send_seconds: float = 0
    ) -> Service:
        """A Celery worker on the private broker; waits until it has answered a ping."""
        options = [
            "--pool=prefork",
            f"--concurrency={concurrency}",
            "-Q", "celery",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-l", "info",
            "-n", f"{name}-{uuid.uuid4().hex[:8]}@%h",
        ]  # fmt: skip
        extra = {}
        if slow_send_seconds:
            command = [PYTHON, str(HERE / "slow_worker.py"), *options]
            extra = {
                "SLOW_SEND_SECONDS": str(slow_send_seconds),
                "SLOW_SEND_MARKER": str(self.slow_send_marker),
            }
        else:
            command = [PYTHON, "-m", "celery", "-A", "config", "worker", *options]
        worker = self._spawn(name, command, self.env(**extra))
        wait_for(
            lambda: " ready." in worker.log_text() or not worker.alive,
            f"the Celery worker {name!r} to be ready",
            diagnostics=self.diagnostics,
        )
        if not worker.alive:
            pytest.fail(f"The worker {name!r} exited at start.\n{self.diagnostics()}")
        self.ping_worker()
        return worker

    @property
    def slow_send_marker(self) -> Path:
        return self.tmp / "slow-send-started"

    def start_web(self) -> WebServer:
        """`manage.py runserver` on a free port with the private environment."""
        port = free_port()
        command = [
            PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}",
            "--noreload", "--skip-checks",
        ]  # fmt: skip
        service = self._spawn("web", command, self.env())
        server = WebServer(service, port)

        def answers() -> bool:
            if not service.alive:
                return True
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return True
            except OSError:
                return False

        wait_for(answers, "the web server to listen", diagnostics=self.diagnostics)
        if not service.alive:
            pytest.fail(f"The web server exited at start.\n{self.diagnostics()}")
        return server

    def manage(self, *arguments: str, timeout: float = TIMEOUT) -> str:
        """Run `manage.py <arguments>` with the private environment; return its output."""
        started = time.monotonic()
        try:
            done = subprocess.run(
                [PYTHON, "manage.py", *arguments],
                cwd=ROOT,
                env=self.env(),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=timeout,
                start_new_session=True,
            )
        except subprocess.TimeoutExpired as error:
            pytest.fail(
                f"manage.py {' '.join(arguments)} took over {timeout:.0f}s.\n"
                f"{error.stdout or ''}{error.stderr or ''}\n{self.diagnostics()}"
            )
        output = done.stdout + done.stderr
        self.commands.append(
            f"$ manage.py {' '.join(arguments)}  ({time.monotonic() - started:.1f}s, "
            f"exit {done.returncode})\n{output.strip()}"
        )
        if done.returncode != 0:
            pytest.fail(f"manage.py {' '.join(arguments)} failed.\n{self.diagnostics()}")
        return done.stdout

    def manage_at(self, moment: float, *arguments: str, name: str) -> Service:
        """Start `manage.py <arguments>` now, to run at `moment` (time.time())."""
        command = [PYTHON, str(HERE / "manage_at.py"), f"{moment:.3f}", *arguments]
        return self._spawn(name, command, self.env())

    # -- the broker ------------------------------------------------------------------------

    def ping_worker(self, timeout: float = TIMEOUT) -> None:
        """Send `config.ping` through the private broker and wait for a worker's answer."""
        from celery import Celery

        probe = Celery(
            "reliability-probe",
            broker=self.redis.url,
            backend=self.redis.url,
            set_as_current=False,
        )
        probe.conf.broker_connection_retry_on_startup = False
        try:
            result = probe.send_task("config.ping")
            try:
                answer = result.get(timeout=timeout, disable_sync_subtasks=False)
            except Exception as error:
                pytest.fail(f"No worker answered a ping ({error!r}).\n{self.diagnostics()}")
            assert answer == "pong"
        finally:
            probe.close()

    def drain(self, *, stranded: int = 0, timeout: float = TIMEOUT) -> None:
        """Wait until every task on the private broker has been run and acknowledged.

        `stranded`: unacknowledged deliveries known to belong to a killed worker; Redis
        keeps them until the visibility timeout, so they are expected to stay."""
        client = self.redis.client()

        def waiting() -> int:
            # The "celery" list, and its priority lists ("celery\x06\x163", ...) if any.
            return sum(
                client.llen(key)
                for key in client.scan_iter(match="celery*")
                if client.type(key) == b"list"
            )

        def settled() -> bool:
            return waiting() == 0 and client.hlen("unacked") <= stranded

        def settled_for_a_while() -> bool:
            # Between Redis handing a task out and kombu noting it unacknowledged both
            # counts read zero for an instant, so ask three times.
            for _ in range(3):
                if not settled():
                    return False
                time.sleep(0.2)
            return True

        try:
            wait_for(
                settled_for_a_while, "the workers to finish every task", timeout=timeout,
                diagnostics=self.diagnostics,
            )  # fmt: skip
        finally:
            client.close()

    def unacked(self) -> int:
        client = self.redis.client()
        try:
            return client.hlen("unacked")
        finally:
            client.close()

    # -- mail ------------------------------------------------------------------------------

    def emails(self) -> list[email.message.EmailMessage]:
        """Every message the subprocesses' file email backend wrote, in file order."""
        messages = []
        for path in sorted(self.mail_dir.glob("*.log")):
            for chunk in path.read_bytes().split(MAIL_SEPARATOR):
                if chunk.strip():
                    messages.append(email.message_from_bytes(chunk, policy=email.policy.default))
        return messages

    def award_emails(self) -> list[email.message.EmailMessage]:
        return [m for m in self.emails() if str(m["Subject"] or "").startswith("Offer of grant")]

    # -- reporting and cleanup --------------------------------------------------------------

    def diagnostics(self) -> str:
        parts = []
        for service in self.services:
            state = "running" if service.alive else f"exited {service.proc.returncode}"
            parts.append(f"--- {service.name} ({state}) {service.log}\n{_tail(service.log)}")
        parts.extend(f"--- {c}" for c in self.commands[-6:])
        parts.append(f"--- redis ({'running' if self.redis.running else 'stopped'})")
        return "\n".join(parts)

    def close(self) -> None:
        for service in reversed(self.services):
            service.stop()
        self.redis.stop()


@pytest.fixture
def stack(transactional_db, tmp_path, monkeypatch):
    """A private Redis (started) and a place to start workers and servers from.

    Depends on transactional_db so that what the test writes is committed where the
    subprocesses can read it, and so the processes are gone before the tables are
    flushed. In the test process, committing an outbox message does not relay it (that
    would send it eagerly, in-process); the tests relay through `manage.py outbox_relay`.
    """
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL")
    if not Path(REDIS_SERVER).exists():
        message = f"needs redis-server (looked for {REDIS_SERVER})"
        if IN_CI:
            pytest.fail(f"CI must not skip this test: it {message}")
        pytest.skip(message)
    monkeypatch.setattr("core.outbox.relay_soon", lambda: None)
    stack = Stack(tmp_path)
    try:
        stack.redis.start()
        yield stack
    finally:
        stack.close()


HANDED = re.compile(r"Handed (\d+) messages?")


def handed(output: str) -> int:
    """How many messages `manage.py outbox_relay` said it handed to workers."""
    match = HANDED.search(output)
    assert match, f"unexpected outbox_relay output: {output!r}"
    return int(match.group(1))


# -- data ----------------------------------------------------------------------------------


def frozen_panel(plan, personas, groups):
    """A panel list with one recommended bid from each (organisation, applicant) in
    `groups`, every bid screened and scored by two assessors."""
    from accounts.roles import Role
    from grants import services
    from tests.factories import UserFactory
    from tests.grants.builders import with_criteria
    from tests.grants.conftest import (
        make_round,
        score_all,
        screen_eligible,
        submitted_application,
    )

    round = with_criteria(make_round(plan, number=9))
    second_assessor = UserFactory(email="ben@example.org", roles=[Role.ASSESSOR])
    for organisation, applicant in groups:
        application = screen_eligible(
            submitted_application(round, organisation, applicant), personas.officer
        )
        for assessor, values in (
            (personas.assessor, [4, 3, 3, 3]),
            (second_assessor, [3, 3, 3, 2]),
        ):
            score_all(
                services.assessment_assign(
                    application=application, assessor=assessor, actor=personas.officer
                ),
                values,
            )
        services.application_mark(
            application=application, actor=personas.officer, mark="recommended"
        )
    panel = services.panel_freeze(round=round, actor=personas.officer, note="IAB")
    # The bids' receipts sit in the outbox too; these tests are about the letters alone.
    from core.models import OutboxMessage

    OutboxMessage.objects.all().delete()
    return panel
