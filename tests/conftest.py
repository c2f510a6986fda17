"""Personas and the rule for tests that need a real server.

Without DATABASE_URL/REDIS_URL/CLAMD_SOCKET the suite runs on SQLite and skips the tests
marked needs_postgres/needs_redis/needs_clamav, naming each in the summary. In CI (CI=true)
nothing may be skipped: a missing server fails those tests instead.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import importlib.util
import logging
import os
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection

from accounts.models import Membership, Organisation, User
from accounts.roles import Role
from tests.factories import DistrictFactory, MembershipFactory, OrganisationFactory, UserFactory

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _missing_server(item) -> str | None:
    if "needs_redis" in item.keywords and not settings.REDIS_URL:
        return "needs a Redis server: set REDIS_URL"
    if "needs_postgres" in item.keywords and connection.vendor != "postgresql":
        return "needs PostgreSQL: set DATABASE_URL"
    if "needs_clamav" in item.keywords and not (settings.CLAMD_SOCKET or settings.CLAMD_TCP):
        return "needs a clamd virus scanner: set CLAMD_SOCKET"
    return None


def pytest_collection_modifyitems(config, items):
    # tests/test_test_database.py checks the database every session starts from, so it runs
    # first: a browser journey's live server ends with a flush that empties the tables.
    items.sort(key=lambda item: item.nodeid.split("::")[0] != "tests/test_test_database.py")
    if IN_CI:
        return
    for item in items:
        reason = _missing_server(item)
        if reason:
            item.add_marker(pytest.mark.skip(reason=f"{reason} (server-bound)"))


def pytest_runtest_setup(item):
    reason = _missing_server(item)
    if IN_CI and reason:
        pytest.fail(f"CI must not skip this test: it {reason}")


def _migrations_fingerprint() -> str:
    """A hash of every migration file of every installed app, and the Django version."""
    import django
    from django.apps import apps

    digest = hashlib.sha256(repr((django.VERSION, sqlite3.sqlite_version)).encode())
    for app_config in sorted(apps.get_app_configs(), key=lambda a: a.label):
        module = settings.MIGRATION_MODULES.get(app_config.label, f"{app_config.name}.migrations")
        spec = importlib.util.find_spec(module) if module else None
        if spec is None or not spec.submodule_search_locations:
            # Made by run_syncdb straight from the models, so the models are the schema.
            digest.update(f"{app_config.label}:no-migrations".encode())
            models_file = getattr(app_config.models_module, "__file__", None)
            if models_file:
                digest.update(Path(models_file).read_bytes())
            continue
        for folder in spec.submodule_search_locations:
            for path in sorted(Path(folder).glob("*.py")):
                digest.update(f"{app_config.label}/{path.name}".encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


@pytest.fixture(scope="session")
def _migrated_schema_from_cache():
    """Migrate the in-memory SQLite test database once, keep a copy, and restore that copy
    in later runs while no migration file has changed.

    Running every migration takes 10-20 seconds on a loaded machine, longer than most test
    files. The copy is taken straight after `migrate`, before any test runs, so each session
    starts from exactly the migrated schema and data-migration rows (no stale or flushed
    database, unlike --reuse-db). CI starts from a clean clone and always migrates; set
    TEST_DB_CACHE=0 to force it locally. PostgreSQL runs are untouched.
    """
    from django.core import management
    from django.db import connections

    real_call_command = management.call_command
    cache_dir = Path(settings.BASE_DIR) / "var" / "test-db"
    enabled = os.environ.get("TEST_DB_CACHE", "1") != "0"

    def call_command(name, *args, **options):
        alias = options.get("database", "default")
        connection = connections[alias]
        if not (
            enabled
            and name == "migrate"
            and connection.vendor == "sqlite"
            and connection.is_in_memory_db()
        ):
            return real_call_command(name, *args, **options)
        cached = cache_dir / f"schema-{_migrations_fingerprint()}.sqlite3"
        connection.ensure_connection()
        if cached.exists():
            source = sqlite3.connect(cached)
            try:
                source.backup(connection.connection)
            finally:
                source.close()
            return None
        result = real_call_command(name, *args, **options)
        cache_dir.mkdir(parents=True, exist_ok=True)
        partial = cached.with_name(f"{cached.name}.{os.getpid()}.partial")
        copy = sqlite3.connect(partial)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
        os.replace(partial, cached)
        for stale in cache_dir.glob("schema-*.sqlite3"):
            if stale != cached:
                stale.unlink(missing_ok=True)
        return result

    with mock.patch.object(management, "call_command", call_command):
        yield


@pytest.fixture(scope="session")
def django_db_setup(_migrated_schema_from_cache, django_db_setup):
    """pytest-django's database setup, with migrations restored from a cached copy."""
    yield


@pytest.fixture(autouse=True)
def _celery_in_process(request):
    """Run tasks in the test's own process; tests marked needs_redis use the real broker."""
    from celery._state import _set_task_join_will_block

    from config.celery import app

    before = app.conf.task_always_eager
    root_level = logging.getLogger().level
    app.conf.task_always_eager = "needs_redis" not in request.keywords
    yield
    app.conf.task_always_eager = before
    # A real worker (start_worker) sets up logging and leaves the root logger at ERROR;
    # put it back so later tests that read log records see their warnings.
    logging.getLogger().setLevel(root_level)
    # Celery keeps "inside a task" in one process-wide flag. When a live-server thread and
    # the test thread both run eager tasks at once, their save-and-restore can interleave
    # and leave it set, and every later result.get() then raises. Start each test clear.
    _set_task_join_will_block(False)


@pytest.fixture(autouse=True)
def _migration_data_after_a_flush(request):
    """A transactional test (a live server) ends by flushing the database, which takes what
    migrations made with it: the staff groups and the 2026/27 measure set. Each transactional
    test starts by putting them back, so it does not depend on which test ran before it."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if not transactional:
        return
    request.getfixturevalue("transactional_db")
    from django.contrib.auth.models import Group

    from accounts.roles import Role
    from commissioning.catalogue import seed_measure_set
    from commissioning.models import Measure, MeasureSet

    for role in Role:
        Group.objects.get_or_create(name=role.label)
    seed_measure_set(MeasureSet, Measure, year=2026, code="victim-services-2026-27")


@pytest.fixture(autouse=True)
def _private_cache(settings):
    """A fresh in-memory cache per test: rate limits (allauth keeps them in the cache) and
    cached values must not leak between tests or between runs sharing one Redis."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"test-{uuid.uuid4().hex}",
        }
    }


def record_full_sign_in(client, user: User, *, at: float | None = None) -> None:
    """Write into the client's session what allauth writes when `user` signs in through
    the sign-in pages: their password, then (staff) a code from their authenticator app."""
    import time

    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
    from allauth.account.internal.flows.login import _AUTHENTICATION_METHODS_USER_SESSION_KEY

    from accounts.security import LAST_ACTIVITY_SESSION_KEY, needs_second_factor

    at = time.time() if at is None else at
    records = [{"method": "password", "at": at, "email": user.email}]
    if needs_second_factor(user):
        records.append({"method": "mfa", "at": at, "type": "totp"})
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session[LAST_ACTIVITY_SESSION_KEY] = at
    session.save()


@pytest.fixture(autouse=True)
def _force_login_is_a_full_sign_in(monkeypatch):
    """`client.force_login(user)` stands for a full sign-in through the sign-in pages,
    including a staff member's second factor (accounts.middleware.SecondFactorMiddleware
    lets only such sessions reach staff pages). Tests of the sign-in pages themselves sign
    in through them (client.post to /accounts/login/), or call force_login_password_only.
    """
    from django.test import Client

    real_force_login = Client.force_login

    def force_login(self, user, backend=None):
        real_force_login(self, user, backend)
        record_full_sign_in(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)
    monkeypatch.setattr(Client, "force_login_password_only", real_force_login, raising=False)


@pytest.fixture(autouse=True)
def _idle_timeout_beyond_time_travel(settings):
    """Tests travel in time (time_machine) across hours and days within one signed-in
    session; the idle timeout would sign them out. tests/security/test_idle_timeout.py puts
    the real limits back and tests them."""
    settings.IDLE_TIMEOUT_STAFF = settings.IDLE_TIMEOUT_OTHERS = 10 * 365 * 24 * 3600


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "uploads", "base_url": None},
        },
    }


@dataclass
class Personas:
    applicant_a: User
    colleague_a: User
    applicant_b: User
    officer: User
    assessor: User
    decision_maker: User
    provider: User
    commissioner: User
    performance_lead: User
    administrator: User
    org_a: Organisation
    org_b: Organisation
    provider_org: Organisation

    def get(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)


PERSONA_NAMES = [
    "anonymous",
    "applicant_a",
    "colleague_a",
    "applicant_b",
    "officer",
    "assessor",
    "decision_maker",
    "provider",
    "commissioner",
    "performance_lead",
    "administrator",
]


@pytest.fixture
def personas(db) -> Personas:
    leeds = DistrictFactory(name="Leeds")
    bradford = DistrictFactory(name="Bradford")
    org_a = OrganisationFactory(name="Org A Youth Project", district=leeds)
    org_b = OrganisationFactory(name="Org B Boxing Club", district=bradford)
    provider_org = OrganisationFactory(
        name="Victim Care Provider", is_applicant=False, is_provider=True, district=leeds
    )
    applicant_a = MembershipFactory(organisation=org_a, user__email="alice@example.org").user
    colleague_a = MembershipFactory(
        organisation=org_a, user__email="colin@example.org", role=Membership.Role.MEMBER
    ).user
    applicant_b = MembershipFactory(organisation=org_b, user__email="bob@example.org").user
    provider = MembershipFactory(organisation=provider_org, user__email="pat@example.org").user
    return Personas(
        applicant_a=applicant_a,
        colleague_a=colleague_a,
        applicant_b=applicant_b,
        officer=UserFactory(email="olive@example.org", roles=[Role.GRANTS_OFFICER]),
        assessor=UserFactory(email="ash@example.org", roles=[Role.ASSESSOR]),
        decision_maker=UserFactory(email="dee@example.org", roles=[Role.DECISION_MAKER]),
        provider=provider,
        commissioner=UserFactory(email="cam@example.org", roles=[Role.COMMISSIONER]),
        performance_lead=UserFactory(email="perl@example.org", roles=[Role.PERFORMANCE_LEAD]),
        administrator=UserFactory(
            email="ada@example.org", roles=[Role.ADMINISTRATOR], is_staff=True, is_superuser=True
        ),
        org_a=org_a,
        org_b=org_b,
        provider_org=provider_org,
    )


@pytest.fixture
def client_for(client):
    """client_for(user) -> a test client signed in as that user (None: anonymous)."""

    def sign_in(user: User | None):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return sign_in


@functools.cache
def _plan_file_data():
    """The project's 2021-24 plan file, parsed and checked once per session (pure)."""
    from outcomes.plan_file import parse_plan_text

    path = settings.BASE_DIR / "data" / "plans" / "police-and-crime-plan-2021-24.yaml"
    return parse_plan_text(path.read_text(), str(path))


@pytest.fixture
def plan(db):
    """The 2021-24 plan, loaded from the project's copy of the plan file."""
    from outcomes.services import plan_load

    # A deep copy: loading must never see another test's changes to the parsed data.
    loaded, _ = plan_load(data=copy.deepcopy(_plan_file_data()))
    return loaded
