"""Load benchmark (issue 18): the staff pages through gunicorn on PostgreSQL, against bare Django.

    .venv/bin/python bench/load.py --label before     # the whole run, a few minutes
    .venv/bin/python bench/load.py --sets small --pages ranking,officer_list --no-write

For each data set (bench/generate.py builds it once into its own database and keeps it),
it starts the service under gunicorn with the production settings (DEBUG off, HTTPS via
the proxy's X-Forwarded-Proto header, Redis cache, deploy/gunicorn.conf.py with 2 sync
workers) and, beside it under the same gunicorn settings, the bare Django project in
bench/bare/ (one page listing 50 bids from the same database). People are signed in by
sessions made directly (with allauth's password and TOTP records, and a TOTP device for
staff), not through the sign-in form, so enforced two-factor sign-in does not stop it.

Each page is requested in blocks that alternate with blocks of the bare page (A B A B), so
a change in the machine's load hits both; the ratio to bare compares requests per second
of the adjacent blocks. Before a page measured for memory (the export), gunicorn replaces
its workers, so the peak is what that page needs, not what earlier pages left behind. The queries (and their SQL time) come from one request made
in-process with CaptureQueriesContext, with the same settings. The table, with the
issue's targets and pass/fail, goes into bench/RESULTS.md under "## load", as a
subsection per --label (so a "before" stays beside the latest run), and the raw figures
into bench/load-<label>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import timeit
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from bench.generate import (  # noqa: E402
    COMMISSIONER,
    LEAD,
    OFFICER,
    Sizes,
    applicant_email,
    assessor_email,
    database_url,
    prepare,
)

SETS = {
    # name: (database, sizes, what it is for)
    "small": ("scg_bench_small", Sizes(bids=2_000, awards=500)),
    "big": ("scg_bench", Sizes()),
    "contracts": ("scg_bench_contracts", Sizes(bids=0, awards=0, contracts=20_000)),
}
# The pages measured under load, and the sets each is measured on.
PAGES = {
    "ranking": ("small", "big"),
    "officer_list": ("small", "big"),
    "officer_list_deep": ("big",),
    "officer_csv": ("small", "big"),
    "assessor_queue": ("big",),
    "commissioner_dashboard": ("big", "contracts"),
    "autosave": ("big",),
    "staff_pages": ("big",),
}
REDIS_DB = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6")
SECRET = "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"


def production_env(database: str, port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url(database),
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SITE_URL=f"http://127.0.0.1:{port}",
        REDIS_URL=REDIS_DB,
        PYTHONPATH=str(ROOT),
        LOG_LEVEL="WARNING",
    )
    return env


# The measuring child: one data set, its own gunicorns --------------------------------------


@dataclass
class Block:
    latencies: list[float] = field(default_factory=list)  # seconds
    sizes: list[int] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    timeouts: int = 0  # errors after gunicorn's 30 s limit: the worker was killed
    elapsed: float = 0.0

    def add(self, other: Block) -> None:
        self.latencies += other.latencies
        self.sizes += other.sizes
        for status, n in other.statuses.items():
            self.statuses[status] = self.statuses.get(status, 0) + n
        self.timeouts += other.timeouts
        self.elapsed += other.elapsed

    def summary(self) -> dict:
        lat = sorted(self.latencies)
        if not lat:
            return {"requests": 0}
        return {
            "requests": len(lat),
            "rps": len(lat) / self.elapsed if self.elapsed else 0.0,
            "median_ms": statistics.median(lat) * 1000,
            "p95_ms": lat[min(len(lat) - 1, round(0.95 * (len(lat) - 1)))] * 1000,
            "bytes": int(statistics.median(self.sizes)),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "timeouts": self.timeouts,
        }


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None = None


def hammer(port: int, requests: list[Request], *, count: int, concurrency: int, seconds: float):
    """`count` requests (cycling through `requests`) from `concurrency` threads, starting
    no new one after `seconds`; a new connection each, as gunicorn's sync workers close."""
    block = Block()
    lock = threading.Lock()
    issued = [0]
    started = time.perf_counter()
    deadline = started + seconds

    def worker():
        while True:
            with lock:
                if issued[0] >= count or (issued[0] and time.perf_counter() > deadline):
                    return
                request = requests[issued[0] % len(requests)]
                issued[0] += 1
            t0 = time.perf_counter()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                conn.request(request.method, request.path, request.body, request.headers)
                response = conn.getresponse()
                size = len(response.read())
                status = response.status
                conn.close()
            except (OSError, http.client.HTTPException):
                size, status = 0, 599
            took = time.perf_counter() - t0
            with lock:
                block.latencies.append(took)
                block.sizes.append(size)
                block.statuses[status] = block.statuses.get(status, 0) + 1
                block.timeouts += status != 200 and took >= 29.5

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    block.elapsed = time.perf_counter() - started
    return block


class Gunicorn:
    """gunicorn with deploy/gunicorn.conf.py and 2 workers on a port of its own."""

    def __init__(self, name: str, app: str, env: dict, port: int, log: Path):
        self.name, self.port = name, port
        binary = Path(sys.executable).parent / "gunicorn"
        self.log = log.open("w")
        self.process = subprocess.Popen(
            [
                str(binary),
                "--config",
                str(ROOT / "deploy" / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                app,
            ],
            env=env,
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def wait(self, path: str, headers: dict) -> None:
        for _ in range(600):
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} gunicorn exited; see {self.log.name}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", path, headers=headers)
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} gunicorn did not answer {path}")

    def workers(self) -> list[int]:
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def fresh_workers(self, path: str, headers: dict) -> None:
        """Replace the workers with new ones (gunicorn's HUP) and wait until they answer:
        a worker's resident memory never shrinks, so what an earlier page made it hold
        would otherwise count against the next page measured for memory."""
        old = set(self.workers())
        self.process.send_signal(signal.SIGHUP)
        for _ in range(600):
            current = set(self.workers())
            if len(current) == 2 and not current & old:
                break
            time.sleep(0.1)
        else:
            raise RuntimeError(f"{self.name} gunicorn did not replace its workers")
        self.wait(path, headers)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class MemoryWatch:
    """Samples the workers' resident memory every 10 ms while a block runs."""

    def __init__(self, server: Gunicorn):
        self.server = server
        self.peak: dict[int, float] = {}
        self.base: dict[int, float] = {}
        self._stop = threading.Event()

    def __enter__(self):
        for pid in self.server.workers():
            self.base[pid] = self.peak[pid] = rss_mb(pid)
        self._thread = threading.Thread(target=self._run)
        self._thread.start()
        return self

    def _run(self):
        while not self._stop.is_set():
            for pid in self.server.workers():
                self.peak[pid] = max(self.peak.get(pid, 0.0), rss_mb(pid))
            time.sleep(0.01)

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def result(self) -> dict:
        growth = [self.peak[p] - self.base.get(p, self.peak[p]) for p in self.peak]
        return {
            "peak_rss_mb": max(self.peak.values(), default=0.0),
            "rss_growth_mb": max(growth, default=0.0),
        }


def measure_set(set_name: str, pages: list[str], args) -> dict:
    """Runs in a child process whose environment is the production one for this set."""
    import django

    django.setup()
    from django.db import connection

    database, sizes = SETS[set_name]
    port = args.port
    people = _sessions()
    urls = _urls(set_name)
    product = Gunicorn(
        "service",
        "config.wsgi:application",
        os.environ,
        port,
        HERE / "out" / f"gunicorn-{set_name}.log",
    )
    bare_env = dict(os.environ, DJANGO_SETTINGS_MODULE="bench.bare.settings")
    bare = Gunicorn(
        "bare",
        "bench.bare.wsgi:application",
        bare_env,
        port + 1,
        HERE / "out" / "gunicorn-bare.log",
    )
    proxy = {"X-Forwarded-Proto": "https"}
    results: dict = {"set": set_name, "database": database, "sizes": sizes.__dict__, "pages": []}
    try:
        product.wait("/healthz", {})
        bare.wait("/", {**proxy, "Host": f"127.0.0.1:{port + 1}"})
        connection.close()
        for page in pages:
            started = time.perf_counter()
            print(f"[{set_name}] {page}", flush=True)
            rows = MEASURES[page](urls=urls, people=people, product=product, bare=bare, args=args)
            for row in rows:
                row.update(set=set_name, page=row.get("page", page))
                results["pages"].append(row)
                print(f"    {_short(row)}", flush=True)
            print(f"    ({time.perf_counter() - started:.0f} s)", flush=True)
    finally:
        product.stop()
        bare.stop()
    return results


def _short(row: dict) -> str:
    keys = ("name", "rps", "median_ms", "p95_ms", "bytes", "queries", "ratio", "statuses")
    return ", ".join(
        f"{k}={row[k]:.1f}" if isinstance(row.get(k), float) else f"{k}={row.get(k)}"
        for k in keys
        if k in row
    )


# People and addresses ---------------------------------------------------------------------


@dataclass
class Person:
    user: object
    session_key: str
    csrf: str

    def headers(self, port: int, *, post: bool = False) -> dict[str, str]:
        from django.conf import settings

        headers = {
            "Host": f"127.0.0.1:{port}",
            "X-Forwarded-Proto": "https",
            "Cookie": f"{settings.SESSION_COOKIE_NAME}={self.session_key}; "
            f"{settings.CSRF_COOKIE_NAME}={self.csrf}",
        }
        if post:
            headers.update(
                {
                    "X-CSRFToken": self.csrf,
                    "Origin": f"https://127.0.0.1:{port}",
                    "Referer": f"https://127.0.0.1:{port}/",
                    "Content-Type": "application/x-www-form-urlencoded",
                }
            )
        return headers


def _sessions() -> dict[str, Person | list[Person]]:
    """A signed-in session for each persona, made in the session store directly."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.crypto import get_random_string
    from django.utils.module_loading import import_string

    from accounts.models import User

    store = import_module(settings.SESSION_ENGINE).SessionStore
    # The backend a sign-in records: the first that loads users (allauth's, as the form).
    backend = next(
        path
        for path in settings.AUTHENTICATION_BACKENDS
        if hasattr(import_string(path), "get_user")
    )

    def person(email: str, *, staff: bool = True) -> Person:
        user = User.objects.get(email=email)
        if staff:
            _totp_device(user)
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        # What allauth records after a password and a TOTP code (account and mfa flows).
        now = time.time()
        records = [{"method": "password", "at": now, "email": email}]
        if staff:
            records.append({"method": "mfa", "at": now, "type": "totp"})
        session["account_authentication_methods"] = records
        session["account_authentication_methods_user"] = str(user.pk)
        session.create()
        return Person(user, session.session_key, get_random_string(32))

    people: dict = {
        "officer": person(OFFICER),
        "assessor": person(assessor_email(0)),
        "commissioner": person(COMMISSIONER),
        "lead": person(LEAD),
    }
    drafts = User.objects.filter(email__startswith="bench-applicant-").count()
    people["applicants"] = [person(applicant_email(i), staff=False) for i in range(drafts)]
    return people


def _totp_device(user) -> None:
    """Staff must have two-factor sign-in set up: give them a TOTP device once."""
    try:
        from allauth.mfa.models import Authenticator
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    except ImportError:
        return
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())


def _deep_cursor(round, bids: int) -> str:
    from urllib.parse import urlencode

    from django.core import signing

    from grants.models import Application
    from grants.selectors.application_list import CURSOR_SALT

    rows = (
        Application.objects.filter(round=round)
        .order_by("reference", "pk")
        .values_list("reference", "pk")[max(0, bids - 100) :][:1]
    )
    if not rows:  # a set with no bids (contracts)
        return ""
    row = rows[0]
    cursor = signing.dumps(
        ["reference", "next", row[0] or "", row[1]], salt=CURSOR_SALT, compress=True
    )
    return urlencode({"cursor": cursor})


def _urls(set_name: str) -> dict[str, str]:
    from django.urls import NoReverseMatch, reverse

    from commissioning.models import Contract
    from grants.models import Application, Assessment, Award, Round

    urls: dict[str, str] = {"commissioner_dashboard": reverse("commissioning:dashboard")}
    ranked = Round.objects.filter(reference_prefix="BENCH-R01").first()
    if ranked is None:
        return urls
    bids = Application.objects.filter(round=ranked).count()
    listing = reverse("grants:staff-round-applications", args=[ranked.uuid])
    urls.update(
        bids=str(bids),
        ranking=reverse("grants:staff-round-ranking", args=[ranked.uuid]),
        officer_list=listing,
        # The last but one page: a keyset cursor (grants.selectors.application_list) after
        # the row 100 from the end in the default sort (reference, then id).
        officer_list_deep=f"{listing}?{_deep_cursor(ranked, bids)}",
        officer_csv=f"{listing}?format=csv",
        assessor_queue=reverse("grants:assess-queue"),
    )
    drafts = list(
        Application.objects.filter(
            status=Application.Status.DRAFT, created_by__email__startswith="bench-applicant-"
        ).order_by("created_by__email")
    )
    urls["autosave"] = json.dumps(
        [reverse("grants:application-autosave", args=[d.uuid, "project"]) for d in drafts]
    )
    urls["drafts"] = json.dumps([d.pk for d in drafts])
    bid = Application.objects.filter(round=ranked, status=Application.Status.ASSESSED).first()
    assessment = Assessment.objects.filter(
        assessor__email=assessor_email(0), status=Assessment.Status.SUBMITTED
    ).first()
    award = Award.objects.order_by("pk").first()
    contract = Contract.objects.order_by("pk").first()
    sweep = [
        ("officer", "accounts:staff-home", []),
        ("officer", "grants:staff-round-list", []),
        ("officer", "grants:staff-round-applications", [ranked.uuid]),
        ("officer", "grants:staff-round-checks", [ranked.uuid]),
        ("officer", "grants:staff-round-criteria", [ranked.uuid]),
        ("officer", "grants:staff-round-assign", [ranked.uuid]),
        ("officer", "grants:staff-round-summary", [ranked.uuid]),
        ("officer", "grants:staff-round-letters", [ranked.uuid]),
        ("officer", "grants:staff-application", [bid.uuid] if bid else None),
        ("officer", "grants:panel-list", []),
        ("officer", "grants:award-detail", [award.uuid] if award else None),
        ("officer", "grants:award-schedule", [award.uuid] if award else None),
        ("officer", "grants:payments-dashboard", []),
        ("officer", "grants:reports-dashboard", []),
        ("officer", "accounts:staff-organisation-list", []),
        ("officer", "opendata:staff", []),
        ("officer", "outcomes:plan", []),
        ("assessor", "grants:assess-queue", []),
        ("assessor", "grants:assess", [assessment.uuid] if assessment else None),
        ("commissioner", "commissioning:dashboard", []),
        ("commissioner", "commissioning:contract-list", []),
        ("commissioner", "commissioning:contract", [contract.uuid] if contract else None),
        ("commissioner", "commissioning:rollup", []),
        ("commissioner", "commissioning:service-list", []),
        ("lead", "delivery:dashboard", []),
        ("lead", "delivery:awards", []),
        ("lead", "delivery:contracts", []),
        ("lead", "delivery:bids", []),
    ]
    pages = []
    for persona, name, args in sweep:
        if args is None:
            continue
        try:
            pages.append((persona, name, reverse(name, args=args)))
        except NoReverseMatch:
            print(f"    no page {name} any more: left out", flush=True)
    urls["staff_pages"] = json.dumps(pages)
    return urls


# Measures ---------------------------------------------------------------------------------


def in_process(person: Person, path: str, *, method: str = "get", data=None, runs: int = 1):
    """Queries, SQL time and status of the request made in this process (the last of
    `runs`, SQL time the median)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="127.0.0.1")
    client.cookies[settings.SESSION_COOKIE_NAME] = person.session_key
    sql_ms, took, count, status, size = [], [], 0, 0, 0
    for _ in range(runs):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            if data:
                response = getattr(client, method)(path, data)
            else:
                response = getattr(client, method)(path)
            if getattr(response, "streaming", False):
                size = sum(len(chunk) for chunk in response.streaming_content)
            else:
                size = len(response.content)
        took.append((time.perf_counter() - started) * 1000)
        queries = captured.captured_queries
        count, status = len(queries), response.status_code
        sql_ms.append(sum(float(q["time"]) for q in queries) * 1000)
    return {
        "queries": count,
        "sql_ms": statistics.median(sql_ms),
        "in_process_ms": statistics.median(took),
        "in_process_status": status,
        "in_process_bytes": size,
    }


def ab(
    product: Gunicorn,
    bare: Gunicorn,
    requests: list[Request],
    args,
    *,
    blocks=4,
    count=None,
    concurrency=2,
    seconds=None,
    memory=False,
    warm=True,
) -> dict:
    """A (the page) and B (bare Django's 50 rows) in alternating blocks."""
    count = count or args.requests
    seconds = seconds or args.seconds
    per_block = max(1, count // blocks)
    if warm:  # a new worker's first request pays for imports, templates: two for each worker
        hammer(product.port, requests, count=4, concurrency=concurrency, seconds=600)
    a_total, b_total = Block(), Block()
    watch = None
    bare_request = [
        Request("GET", "/", {"Host": f"127.0.0.1:{bare.port}", "X-Forwarded-Proto": "https"})
    ]
    began = time.perf_counter()
    for _ in range(blocks):
        if a_total.latencies and time.perf_counter() - began > seconds:
            break  # a slow page: fewer blocks rather than a run of hours
        if memory:
            with MemoryWatch(product) as watch_block:
                a = hammer(
                    product.port,
                    requests,
                    count=per_block,
                    concurrency=concurrency,
                    seconds=seconds / blocks,
                )
            if watch is None or watch_block.result()["peak_rss_mb"] > watch.result()["peak_rss_mb"]:
                watch = watch_block
        else:
            a = hammer(
                product.port,
                requests,
                count=per_block,
                concurrency=concurrency,
                seconds=seconds / blocks,
            )
        a_total.add(a)
        b_total.add(
            hammer(
                bare.port,
                bare_request,
                count=max(10, len(a.latencies)),
                concurrency=concurrency,
                seconds=seconds / blocks,
            )
        )
    row = a_total.summary()
    bare_summary = b_total.summary()
    row["bare_rps"] = bare_summary.get("rps", 0.0)
    row["bare_median_ms"] = bare_summary.get("median_ms", 0.0)
    row["ratio"] = row.get("rps", 0.0) / row["bare_rps"] if row["bare_rps"] else 0.0
    row["concurrency"] = concurrency
    if watch:
        row.update(watch.result())
    return row


def _get(people, persona: str, path: str, port: int) -> list[Request]:
    return [Request("GET", path, people[persona].headers(port))]


def _page(name, persona, url_key, *, expensive_at=None, memory=False):
    def measure(*, urls, people, product, bare, args):
        path = urls[url_key]
        row = in_process(people[persona], path)
        # A page that once took seconds at this size gets a few requests only while it
        # still does (a second in-process).
        heavy = (
            expensive_at is not None
            and int(urls.get("bids", 0)) >= expensive_at
            and row["in_process_ms"] > 1000
        )
        if memory:  # both workers start from the same footing on every set
            product.fresh_workers("/healthz", {})
        row.update(
            ab(
                product,
                bare,
                _get(people, persona, path, product.port),
                args,
                count=args.heavy_requests if heavy else None,
                concurrency=1 if heavy else 2,
                memory=memory,
                warm=row["in_process_ms"] < 5000,
            )
        )
        row["n"] = int(urls.get("bids", 0))
        return [row]

    measure.__name__ = name
    return measure


def measure_dashboard(*, urls, people, product, bare, args):
    from commissioning.models import Contract

    path = urls["commissioner_dashboard"]
    row = in_process(people["commissioner"], path, runs=5)
    row.update(ab(product, bare, _get(people, "commissioner", path, product.port), args))
    row["n"] = Contract.objects.count()
    return [row]


def measure_autosave(*, urls, people, product, bare, args):
    """Each applicant types into their own draft; 8 at once."""
    from grants.models import Application

    history = Application.history.model
    paths = json.loads(urls["autosave"])
    drafts = json.loads(urls["drafts"])
    applicants = people["applicants"]
    # Round-robin over the drafts, so the 8 threads type into different ones.
    requests = [
        Request(
            "POST",
            path,
            person.headers(product.port, post=True),
            (
                f"project_title=Youth+club+nights+{i}&summary=Friday+sessions+draft+{j}"
                f"&activities=Sessions+every+week+{j}"
            ).encode(),
        )
        for j in range(4)
        for i, (person, path) in enumerate(zip(applicants, paths, strict=False))
    ]
    data = {"project_title": "Youth club nights", "summary": "In process", "activities": "Weekly"}
    in_process(applicants[0], paths[0], method="post", data=data)  # warm
    row = in_process(applicants[0], paths[0], method="post", data=data)
    before = history.objects.filter(id__in=drafts).count()
    # No warm-up here (done in-process above): every autosave sent is counted below.
    row.update(ab(product, bare, requests, args, concurrency=8, warm=False))
    written = history.objects.filter(id__in=drafts).count() - before
    ok = row.get("statuses", {}).get("200", 0)
    row["history_rows_per_autosave"] = written / ok if ok else None
    row["n"] = len(paths)
    return [row]


def measure_staff_pages(*, urls, people, product, bare, args):
    rows = []
    for persona, name, path in json.loads(urls["staff_pages"]):
        row = in_process(people[persona], path)
        row.update(
            ab(
                product,
                bare,
                _get(people, persona, path, product.port),
                args,
                blocks=2,
                count=args.sweep_requests,
                warm=row["in_process_ms"] < 5000,
                seconds=args.seconds / 4,
            )
        )
        row.update(page="staff_pages", name=f"{name} ({persona})")
        rows.append(row)
    return rows


MEASURES = {
    "ranking": _page("ranking", "officer", "ranking", expensive_at=10_000),
    "officer_list": _page("officer_list", "officer", "officer_list"),
    "officer_list_deep": _page("officer_list_deep", "officer", "officer_list_deep"),
    "officer_csv": _page("officer_csv", "officer", "officer_csv", expensive_at=10_000, memory=True),
    "assessor_queue": _page("assessor_queue", "assessor", "assessor_queue"),
    "commissioner_dashboard": measure_dashboard,
    "autosave": measure_autosave,
    "staff_pages": measure_staff_pages,
}


# The run: data sets, one child per set, the report ---------------------------------------


def _collectstatic(env: dict) -> None:
    """Production settings serve hashed static files from a manifest: build it when the
    sources are newer."""
    manifest = ROOT / "staticfiles" / "staticfiles.json"
    sources = [p for p in (ROOT / "static").rglob("*") if p.is_file()]
    newest = max((p.stat().st_mtime for p in sources), default=0)
    if manifest.exists() and manifest.stat().st_mtime >= newest:
        return
    print("collecting static files (production manifest)", flush=True)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        env=env,
        cwd=ROOT,
        check=True,
    )


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()


TARGETS_NOTE = "Targets are the issue's; N/A where this run did not measure it."


def _find(rows, page, set_name=None):
    for row in rows:
        if row["page"] == page and (set_name is None or row["set"] == set_name):
            return row
    return None


def _ms(value) -> str:
    return "-" if value is None else (f"{value:.0f}" if value >= 10 else f"{value:.1f}")


def _verdict(ok) -> str:
    return "N/A" if ok is None else ("pass" if ok else "**FAIL**")


def targets(rows: list[dict]) -> list[tuple[str, str, str]]:
    out = []

    def check(target, row, measured, ok):
        out.append((target, measured if row else "not measured", _verdict(ok if row else None)))

    small, big = _find(rows, "ranking", "small"), _find(rows, "ranking", "big")
    check(
        "Ranking page p95 <= 150 ms at 2,000 bids",
        small,
        small and f"{_ms(small.get('p95_ms'))} ms",
        small and _served(small) and small["p95_ms"] <= 150,
    )
    check(
        "Ranking page p95 <= 400 ms at 20,000 bids",
        big,
        big and f"{_ms(big.get('p95_ms'))} ms",
        big and _served(big) and big["p95_ms"] <= 400,
    )
    check(
        "Ranking page weight < 1 MB at 20,000 bids",
        big,
        big and f"{_bytes(big) / 1e6:.1f} MB",
        big and _bytes(big) < 1e6,
    )
    html = [
        r
        for r in rows
        if r["set"] == "big"
        and r["page"]
        in (
            "staff_pages",
            "assessor_queue",
            "officer_list",
            "officer_list_deep",
            "commissioner_dashboard",
            "ranking",
        )
    ]
    slow = [r for r in html if not _served(r) or r["p95_ms"] > 100]
    check(
        "Every staff HTML page p95 <= 100 ms (20,000-bid set, assessor queue included)",
        html or None,
        html
        and f"{len(html) - len(slow)} of {len(html)} pages; slowest "
        f"{_name(max(html, key=lambda r: r.get('p95_ms', 0)))} "
        f"{_ms(max(r.get('p95_ms', 0) for r in html))} ms",
        html and not slow,
    )
    listing = _find(rows, "officer_list", "big") or _find(rows, "officer_list")
    check(
        "Officer list >= 0.6x bare Django's req/s (aim 0.8)",
        listing,
        listing
        and f"{listing['ratio']:.2f}x ({listing['rps']:.1f} vs {listing['bare_rps']:.1f} req/s)",
        listing and _served(listing) and listing["ratio"] >= 0.6,
    )
    csv_big, csv_small = _find(rows, "officer_csv", "big"), _find(rows, "officer_csv", "small")
    check(
        "Export of 20,000 rows in < 1 s",
        csv_big,
        csv_big and f"median {_ms(csv_big.get('median_ms'))} ms",
        csv_big and _served(csv_big) and csv_big["median_ms"] < 1000,
    )
    both = csv_big and csv_small
    check(
        "Export peak worker memory flat from 2,000 to 20,000 rows (within 10%)",
        both,
        both
        and f"{csv_small.get('peak_rss_mb', 0):.0f} MB -> {csv_big.get('peak_rss_mb', 0):.0f} MB "
        f"(growth during the request {csv_small.get('rss_growth_mb', 0):.0f} -> "
        f"{csv_big.get('rss_growth_mb', 0):.0f} MB)"
        f"{'' if both and _served(csv_big) else '; the 20,000-row export did not finish'}",
        # Only when both exports finished: a worker killed mid-export proves nothing.
        (csv_big["peak_rss_mb"] <= 1.1 * csv_small["peak_rss_mb"])
        if both and _served(csv_big) and _served(csv_small)
        else None,
    )
    few, many = (
        _find(rows, "commissioner_dashboard", "big"),
        _find(rows, "commissioner_dashboard", "contracts"),
    )
    both = few and many
    check(
        "Commissioner dashboard SQL time flat from 300 to 20,000 contracts (within 2x)",
        both,
        both
        and f"{_ms(few['sql_ms'])} ms -> {_ms(many['sql_ms'])} ms "
        f"({few.get('n')} -> {many.get('n')} contracts)",
        both and many["sql_ms"] <= 2 * few["sql_ms"],
    )
    save = _find(rows, "autosave")
    check(
        "Autosave <= 5 queries", save, save and str(save["queries"]), save and save["queries"] <= 5
    )
    check(
        "Autosave >= 100 req/s at concurrency 8 on 2 workers",
        save,
        save and f"{save.get('rps', 0):.0f} req/s",
        save and _served(save) and save["rps"] >= 100,
    )
    check(
        "Autosave writes no history row",
        save,
        save and f"{save.get('history_rows_per_autosave')} rows per autosave",
        save and save.get("history_rows_per_autosave") == 0,
    )
    return out


def _name(row) -> str:
    return row.get("name") or LABELS.get(row["page"], row["page"])


def _bytes(row) -> int:
    """The page's size: as served, or from the in-process request when none was."""
    return row.get("bytes", 0) if _served(row) else row.get("in_process_bytes", 0)


def _served(row) -> bool:
    """Every request answered 200 (a timeout, error or redirect makes the figures moot)."""
    statuses = row.get("statuses") or {}
    return bool(statuses) and set(statuses) == {"200"}


def _statuses(row) -> str:
    statuses = row.get("statuses") or {}
    return "" if set(statuses) == {"200"} else " ".join(f"{k}x{v}" for k, v in statuses.items())


LABELS = {
    "ranking": "ranking and budget",
    "officer_list": "officer list, page 1",
    "officer_list_deep": "officer list, deep page",
    "officer_csv": "officer CSV export",
    "assessor_queue": "assessor queue",
    "commissioner_dashboard": "commissioner dashboard",
    "autosave": "autosave POST (concurrency 8)",
}


def _against_before(label: str, rows: list[dict]) -> list[str]:
    """The same pages in the "before" run beside this one, for the closing note."""
    path = HERE / "load-before.json"
    if label == "before" or not path.exists():
        return []
    before = json.loads(path.read_text())["rows"]
    lines = [
        "",
        "Against the before run (same pages and sets):",
        "",
        "| page | set | p95 ms before -> now | req/s before -> now | x bare before -> now | "
        "queries before -> now | KB before -> now |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        old = next(
            (
                r
                for r in before
                if r["page"] == row["page"] and r["set"] == row["set"] and _name(r) == _name(row)
            ),
            None,
        )
        if old is None:
            continue
        lines.append(
            f"| {_name(row)} | {row['set']} | {_ms(old.get('p95_ms'))} -> {_ms(row.get('p95_ms'))} | "
            f"{old.get('rps', 0):.1f} -> {row.get('rps', 0):.1f} | "
            f"{old.get('ratio', 0):.2f} -> {row.get('ratio', 0):.2f} | "
            f"{old.get('queries')} -> {row.get('queries')} | "
            f"{_bytes(old) / 1024:.0f} -> {_bytes(row) / 1024:.0f} |"
        )
    return lines


def host_speed_us() -> float:
    """Microseconds for one fixed piece of pure Python (the best of five timings). The host
    under this machine is sometimes several times slower than at other hours, on every
    page and on bare Django alike; this says which kind of hour a run had, so absolute
    times from different runs are compared only when this figure is close."""
    timer = timeit.Timer("sum(range(1000))")
    loops = 2000
    return min(timer.repeat(repeat=5, number=loops)) / loops * 1e6


def _host_speed_line(run: dict) -> list[str]:
    if "host_speed_us" not in run:
        return []
    return [
        "",
        f"Host speed: `sum(range(1000))` took {run['host_speed_us']:.1f} microseconds (the "
        "lower, the faster the host; absolute times are comparable between runs only when "
        "this is).",
    ]


def report(label: str, run: dict) -> str:
    rows = run["rows"]
    lines = [
        f"### {label}",
        "",
        f"Run {run['started']} to {run['finished']} on {run['machine']}; commit {run['commit']}"
        f"{' (with uncommitted changes)' if run['dirty'] else ''}. Load average "
        f"{run['load_before']:.1f} at the start and {run['load_after']:.1f} at the end on "
        f"{run['cores']} cores: {run['note']}",
        *_host_speed_line(run),
        "",
        f"Sets: {run['sets']}. Requests per page: {run['requests']} in 4 blocks alternating "
        f"with bare Django (concurrency 2; 1 for pages over 10,000 rows that still take over a "
        f"second in-process, {run['heavy_requests']} requests), at most {run['seconds']:.0f} s "
        "per page; every page is warmed with 4 requests first unless it takes 5 s.",
        "",
        "| page | set | N | req/s | median ms | p95 ms | KB | queries | SQL ms | x bare req/s | notes |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        if row["page"] == "staff_pages":
            continue
        notes = []
        if "peak_rss_mb" in row:
            notes.append(
                f"worker peak {row['peak_rss_mb']:.0f} MB (+{row['rss_growth_mb']:.0f} MB)"
            )
        if row.get("history_rows_per_autosave") is not None:
            notes.append(f"{row['history_rows_per_autosave']:.2f} history rows per autosave")
        if _statuses(row):
            notes.append(f"answers {_statuses(row)}")
        if row.get("timeouts"):
            notes.append(f"{row['timeouts']} killed at gunicorn's 30 s timeout")
        if not _served(row) and row.get("in_process_status") == 200:
            notes.append(
                f"in-process: {_ms(row['in_process_ms'])} ms, "
                f"{row['in_process_bytes'] / 1024:.0f} KB"
            )
        if row.get("in_process_status") not in (200, None):
            notes.append(f"in-process {row['in_process_status']}")
        lines.append(
            f"| {LABELS.get(row['page'], row['page'])} | {row['set']} | {row.get('n', '')} | "
            f"{row.get('rps', 0):.1f} | {_ms(row.get('median_ms'))} | {_ms(row.get('p95_ms'))} | "
            f"{row.get('bytes', 0) / 1024:.0f} | {row.get('queries')} | {_ms(row.get('sql_ms'))} | "
            f"{row.get('ratio', 0):.2f} | {'; '.join(notes)} |"
        )
    bare = [r for r in rows if r.get("bare_rps")]
    if bare:
        lines += [
            "",
            f"Bare Django's 50-row list over the same blocks: median "
            f"{statistics.median(r['bare_rps'] for r in bare):.0f} req/s, "
            f"{statistics.median(r['bare_median_ms'] for r in bare):.1f} ms median.",
        ]
    lines += _against_before(label, rows)
    lines += ["", "| target | measured | result |", "|---|---|---|"]
    lines += [f"| {t} | {m} | {v} |" for t, m, v in targets(rows)]
    sweep = [r for r in rows if r["page"] == "staff_pages"]
    if sweep:
        lines += [
            "",
            f"Every staff HTML page ({sweep[0]['set']} set, {run['sweep_requests']} requests "
            "each, concurrency 2):",
            "",
            "| page (persona) | median ms | p95 ms | KB | queries | p95 <= 100 ms |",
            "|---|---|---|---|---|---|",
        ]
        for row in sweep:
            lines.append(
                f"| {row['name']} | {_ms(row.get('median_ms'))} | {_ms(row.get('p95_ms'))} | "
                f"{row.get('bytes', 0) / 1024:.0f} | {row.get('queries')} | "
                f"{_verdict(_served(row) and row['p95_ms'] <= 100)}{' ' + _statuses(row) if _statuses(row) else ''} |"
            )
    return "\n".join(lines) + "\n"


INTRO = """## load

The load benchmark of issue 18 (`bench/load.py`; `make bench-load`, or `make bench` after the
in-process benchmarks above): the service under gunicorn (2 sync workers,
deploy/gunicorn.conf.py, production settings, PostgreSQL, Redis) against a bare Django
project (bench/bare/: 50 bids from the same database, same gunicorn settings), in blocks
alternating A B A B. Data sets from `bench/generate.py`: `small` 2,000 bids; `big` 20
rounds, 20,000 bids in the ranking round, 60,000 assessments with per-criterion scores,
5,000 awards with payments and reports, 300 contracts x 12 quarterly returns with figures,
history rows; `contracts` 20,000 contracts x 12 returns. Queries and SQL time come from
one in-process request with the same settings. Times on a shared machine move with its
load; ratios to bare, measured alternately, move much less.
"""


def write_results(label: str, run: dict) -> None:
    path = HERE / "RESULTS.md"
    text = path.read_text() if path.exists() else "# Benchmark results\n\n"
    head, _, rest = text.partition("\n## load\n")
    if rest:
        # The load section runs to the next "## " heading; keep what follows it.
        body, sep, tail = rest.partition("\n## ")
        after = f"\n## {tail}" if sep else ""
    else:
        body, after = "", ""
    subsections: dict[str, str] = {}
    for part in ("\n" + body).split("\n### ")[1:]:
        name = part.split("\n", 1)[0].strip()
        subsections[name] = f"### {part.rstrip()}\n"
    subsections[label] = report(label, run)
    ordered = sorted(subsections, key=lambda name: (name != "before", name))
    section = INTRO + "\n" + "\n".join(subsections[name] for name in ordered)
    path.write_text(head.rstrip() + "\n\n" + section + after)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sets", default="small,big,contracts")
    parser.add_argument("--pages", default=",".join(PAGES), help=f"any of {', '.join(PAGES)}")
    parser.add_argument("--label", default="latest", help="subsection of RESULTS.md to replace")
    parser.add_argument("--requests", type=int, default=200, help="per page")
    parser.add_argument("--heavy-requests", type=int, default=4, help="per page over 10,000 rows")
    parser.add_argument("--sweep-requests", type=int, default=20, help="per other staff page")
    parser.add_argument("--seconds", type=float, default=40, help="at most, per page")
    parser.add_argument("--port", type=int, default=18018)
    parser.add_argument("--no-write", action="store_true", help="print, leave RESULTS.md")
    parser.add_argument("--note", default="other helpers were running tests on the same cores")
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="write RESULTS.md again from bench/load-<label>.json, measuring nothing",
    )
    parser.add_argument("--_measure", help=argparse.SUPPRESS)
    parser.add_argument("--_out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    pages = [p for p in args.pages.split(",") if p]
    unknown = set(pages) - set(PAGES)
    if unknown:
        parser.error(f"no such page: {', '.join(sorted(unknown))}")
    if args.report_only:
        run = json.loads((HERE / f"load-{args.label}.json").read_text())
        write_results(args.label, run)
        print(report(args.label, run))
        return
    if args._measure:
        result = measure_set(args._measure, pages, args)
        Path(args._out).write_text(json.dumps(result))
        return

    (HERE / "out").mkdir(exist_ok=True)
    sets = [s for s in args.sets.split(",") if s in SETS and any(s in PAGES[p] for p in pages)]
    started = dt.datetime.now(dt.UTC)
    load_before = os.getloadavg()[0]
    for name in sets:
        database, sizes = SETS[name]
        prepare(database, sizes)
    rows = []
    for name in sets:
        env = production_env(SETS[name][0], args.port)
        _collectstatic(env)
        chosen = [p for p in pages if name in PAGES[p]]
        with tempfile.NamedTemporaryFile(suffix=".json", dir=HERE / "out", delete=False) as out:
            pass
        child = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--_measure",
            name,
            "--_out",
            out.name,
            "--pages",
            ",".join(chosen),
            *(
                f"--{k}={getattr(args, k.replace('-', '_'))}"
                for k in ("requests", "heavy-requests", "sweep-requests", "seconds", "port")
            ),
        ]
        subprocess.run(child, env=env, cwd=ROOT, check=True)
        rows += json.loads(Path(out.name).read_text())["pages"]
        Path(out.name).unlink()
    order = {page: i for i, page in enumerate(PAGES)}
    set_order = {name: i for i, name in enumerate(SETS)}
    rows.sort(key=lambda r: (order[r["page"]], set_order[r["set"]]))
    run = {
        "started": started.isoformat(timespec="seconds"),
        "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": platform.node(),
        "cores": os.cpu_count(),
        "commit": _git("rev-parse", "--short", "HEAD"),
        "dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
        "load_before": load_before,
        "load_after": os.getloadavg()[0],
        "host_speed_us": host_speed_us(),
        "note": args.note,
        "sets": ", ".join(f"{n} ({SETS[n][0]})" for n in sets),
        "requests": args.requests,
        "heavy_requests": args.heavy_requests,
        "sweep_requests": args.sweep_requests,
        "seconds": args.seconds,
        "rows": rows,
    }
    print(report(args.label, run))
    if not args.no_write:
        (HERE / f"load-{args.label}.json").write_text(json.dumps(run, indent=1) + "\n")
        write_results(args.label, run)
        print(f"written to {HERE / 'RESULTS.md'} ({args.label})")


if __name__ == "__main__":
    main()
