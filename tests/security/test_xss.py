"""No markup from users, ever (issue 17): every page, as every persona, with a script
payload stored in every text field of the demo world.

The crawl's world (tests/test_crawl.py: the demo plus an object in every status) has every
CharField and TextField people type, and the text copied from them (published grants,
status change reasons), overwritten with a payload, and every URL pattern is fetched as
every persona. A page fails if any payload comes back as markup: a raw `<xss>` tag, the
script, the image with an onerror handler, or a link to `javascript:`. Identifiers (codes,
references the service makes, statuses, hashes, emails) keep their values: the pages are
found by them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.db import models
from django.db.models import Value
from django.db.models.functions import Cast, Concat, Left

from tests.test_crawl import (  # noqa: F401  # `world` is the crawl's module fixture
    LAST,
    PERSONAS,
    World,
    _patterns,
    _urls,
    _visit,
    world,
)

pytestmark = pytest.mark.django_db

LONG = "<script>alert('xss')</script>\"><img src=x onerror=alert(1)>{{7*7}}<xss>'"
SHORT = "<xss>\"'"
JAVASCRIPT_URL = "javascript:alert(1)//"
# What must never appear in a page: each payload's markup, unescaped.
RAW = re.compile(
    r"<xss>|<script>alert\('xss'\)|<img src=x onerror|(?:href|src|action)\s*=\s*[\"']?\s*javascript:",
    re.IGNORECASE,
)
# The same payloads, escaped: proof the poisoned text was shown at all.
ESCAPED = "&lt;xss&gt;"

OUR_APPS = ("accounts", "outcomes", "grants", "commissioning", "delivery", "opendata", "core")
# Not typed by anyone, or the keys pages are found by.
KEEP = {
    "core.OutboxMessage": "all",
    "core.IdempotencyKey": "all",
    "core.StatusChange": {"from_status", "to_status"},
    "accounts.User": {"password", "email"},
    "accounts.ApiToken": {"prefix", "digest"},
    "grants.Fund": {"code"},
    "grants.Round": {"reference_prefix"},
    "grants.Application": {"reference"},
    "grants.Award": {"reference"},
    "grants.ApplicationDocument": {"content_type"},
    "grants.MonitoringEvidence": {"content_type"},
    "grants.BankDetails": {"evidence_type"},
    "grants.ReminderSent": "all",
    "grants.Letter": "all",
    "commissioning.ReturnValue": {"category"},
    "opendata.PackageVersion": "all",
    "opendata.PublishedGrant": {"grant_id", "round_code", "priority_code"},
}
KEPT_NAMES = {"code", "from_code", "to_code"}


def _poisonable(model) -> Iterator[models.Field]:
    label = model._meta.label
    kept = KEEP.get(label, set())
    if kept == "all":
        return
    for field in model._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField) or field.choices:
            continue
        if field.primary_key or field.name in kept or field.name in KEPT_NAMES:
            continue
        if isinstance(field, models.EmailField | models.SlugField):
            continue
        yield field


def _poison_everything() -> list[str]:
    """Overwrite every typed text field of every row; the fields changed."""
    changed = []
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS or model.__name__.startswith("Historical"):
            continue
        values = {}
        for field in _poisonable(model):
            if isinstance(field, models.URLField):
                values[field.name] = Value(JAVASCRIPT_URL)
                continue
            limit = field.max_length or 100_000
            payload = LONG if limit >= len(LONG) + 8 else SHORT
            if limit < len(SHORT) + 4:
                continue
            # The row's id first keeps unique fields unique however the payload is cut.
            values[field.name] = Left(
                Concat(Cast("pk", models.CharField()), Value(payload), output_field=field),
                limit,
            )
        if values:
            model._base_manager.update(**values)
            changed += [f"{model._meta.label}.{name}" for name in values]
    return changed


@pytest.fixture(scope="module")
def poisoned(world, django_db_blocker) -> World:  # noqa: F811
    with django_db_blocker.unblock():
        changed = _poison_everything()
    assert "accounts.Organisation.name" in changed
    assert "grants.ScreeningCheck.guidance" in changed
    assert "grants.Criterion.guidance" in changed
    assert "grants.Round.postcodes" in changed
    return world


def _crawl(built: World, persona: str, client) -> tuple[list[str], int]:
    user = built.users[persona]
    if user is not None:
        client.force_login(user)
    failures, shown = [], 0
    for pattern in sorted(_patterns(), key=lambda pattern: pattern.name == LAST):
        for target, url in _urls(built, pattern, with_queries=True):
            status, body = _visit(client, url)
            where = f"GET {url} [{pattern.name}, {target.label or 'no parameters'}] as {persona}"
            if status is None or status >= 500:
                failures.append(f"{where}: {body if status is None else status}")
                continue
            for match in RAW.finditer(body):
                context = body[max(match.start() - 80, 0) : match.end() + 40]
                failures.append(f"{where}: unescaped {match.group(0)!r} in …{context}…")
                break
            shown += ESCAPED in body
    return failures, shown


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_page_shows_stored_text_as_markup(poisoned, persona, client, settings):
    settings.STORAGES = poisoned.storages
    failures, shown = _crawl(poisoned, persona, client)
    assert not failures, f"{len(failures)} pages failed:\n" + "\n".join(failures)
    # The payload was on the pages (escaped), or this proved nothing.
    assert shown >= (3 if persona == "anonymous" else 10), shown


def test_the_check_finds_markup_and_passes_escaped_text():
    assert RAW.search('<td><XSS>"</td>')
    assert RAW.search("<script>alert('xss')</script>")
    assert RAW.search('<a href="javascript:alert(1)//">')
    assert RAW.search("<a href = ' JavaScript:alert(1)'>")
    assert not RAW.search("&lt;xss&gt;&quot;&#x27; &lt;img src=x onerror=alert(1)&gt;")
    assert not RAW.search('<a href="https://example.org/javascript:">')
