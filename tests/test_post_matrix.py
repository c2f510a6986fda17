"""The access matrix for POSTs, generated from the resolver (issue 17).

Every URL pattern (tests/test_crawl.py walks them, with the demo world and an object in
every status, almost all of Org A's) is POSTed by every persona. `MAY_POST` says, per
pattern, which personas get past the door; everyone else must be refused (401, 403, 404, 405 or
sent to sign in) and the refused POST must change nothing (one query fingerprints every
table: its row count and newest `updated_at`). A persona who gets through where the matrix
says they may not fails, and so does one now refused where the matrix says they may (the
matrix is stale). A URL pattern the matrix does not classify fails the build.

To classify a new pattern: run this module; the failure lists the personas that got
through; check each may, then add the line.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from tests import test_crawl
from tests.personas import LOGIN, outcome
from tests.test_crawl import LAST, PERSONAS, Pattern, World, _patterns

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[World]:
    """The crawl's demo world (an object in every status), made once for this module."""
    yield from test_crawl.world.__wrapped__(django_db_setup, django_db_blocker, tmp_path_factory)


REFUSED = {401, 403, 404, 405, LOGIN}
# Rows that a refused request may still write: the session and the cache, never data.
NOT_FINGERPRINTED = {"django_session", "django_cache"}

EVERYONE = frozenset(PERSONAS)
SIGNED_IN = EVERYONE - {"anonymous"}
NOBODY: frozenset[str] = frozenset()


def _p(*names: str) -> frozenset[str]:
    unknown = set(names) - EVERYONE
    if unknown:
        raise ValueError(f"Unknown personas: {sorted(unknown)}")
    return frozenset(names)


# Who gets past the door with a POST (an empty form, on the world's first object for the
# pattern). NOBODY: the page takes no POST (405) or refuses everyone.
MAY_POST: dict[str, frozenset[str]] = {
    "accessibility": EVERYONE,
    "account_change_password": SIGNED_IN,
    "account_confirm_email": NOBODY,
    "account_confirm_login_code": SIGNED_IN,
    "account_confirm_reauthentication_code": SIGNED_IN,
    "account_email": SIGNED_IN,
    "account_email_verification_sent": NOBODY,
    "account_inactive": NOBODY,
    "account_login": EVERYONE,
    "account_logout": EVERYONE,
    "account_reauthenticate": SIGNED_IN,
    "account_request_reauthentication_code": SIGNED_IN,
    "account_reset_password": EVERYONE,
    "account_reset_password_done": NOBODY,
    "account_reset_password_from_key": EVERYONE,
    "account_reset_password_from_key_done": NOBODY,
    "account_set_password": SIGNED_IN,
    "account_signup": EVERYONE,
    "accounts:after-login": SIGNED_IN,
    "accounts:api-access": SIGNED_IN,
    "accounts:api-token-revoke": _p("applicant_a"),
    "accounts:invitation-accept": SIGNED_IN,
    "accounts:organisation-create": SIGNED_IN,
    "accounts:organisation-detail": _p(
        "applicant_a", "colleague_a", "officer", "second_officer", "commissioner", "administrator"
    ),
    "accounts:organisation-edit": _p("applicant_a", "colleague_a", "administrator"),
    "accounts:organisation-invite": _p("applicant_a", "administrator"),
    "accounts:organisation-mine": SIGNED_IN,
    "accounts:session-keep-alive": SIGNED_IN,
    "accounts:staff-home": _p(
        "officer",
        "second_officer",
        "assessor",
        "decision_maker",
        "commissioner",
        "performance_lead",
        "administrator",
    ),
    "accounts:staff-organisation-list": _p(
        "officer", "second_officer", "commissioner", "administrator"
    ),
    "api:application": NOBODY,
    "api:application-grant": NOBODY,
    "api:application-list": SIGNED_IN,
    "api:plan-delivery": NOBODY,
    "api:application-section": NOBODY,
    "api:application-submit": NOBODY,
    "api:application-withdraw": _p("applicant_a", "colleague_a"),
    "api:award": NOBODY,
    "api:award-list": NOBODY,
    "api:budget-line": NOBODY,
    "api:budget-lines": NOBODY,
    "api:contract": NOBODY,
    "api:contract-list": NOBODY,
    "api:documents": NOBODY,
    "api:fund-list": NOBODY,
    "api:measure-set": NOBODY,
    "api:measure-set-list": NOBODY,
    "api:organisation-list": NOBODY,
    "api:payments-due": NOBODY,
    "api:plan": NOBODY,
    "api:plan-list": NOBODY,
    "api:return": NOBODY,
    "api:return-accept": _p("commissioner"),
    "api:return-figures": NOBODY,
    "api:return-list": NOBODY,
    "api:return-request-changes": _p("commissioner"),
    "api:return-submit": _p("provider"),
    "api:rollup": NOBODY,
    "api:round": NOBODY,
    "api:round-applications": NOBODY,
    "api:round-assessments": NOBODY,
    "api:round-list": NOBODY,
    "commissioning:contract": _p("provider", "commissioner", "administrator"),
    "commissioning:contract-activate": _p("commissioner", "administrator"),
    "commissioning:contract-amend": _p("commissioner", "administrator"),
    "commissioning:contract-close": _p("commissioner", "administrator"),
    "commissioning:contract-edit": _p("commissioner", "administrator"),
    "commissioning:contract-list": _p("commissioner", "administrator"),
    "commissioning:contract-new": _p("commissioner", "administrator"),
    "commissioning:contract-targets": _p("commissioner", "administrator"),
    "commissioning:dashboard": _p("commissioner", "administrator"),
    "commissioning:my-contracts": _p("provider"),
    "commissioning:return": _p("provider"),
    "commissioning:return-correct": _p("provider"),
    "commissioning:return-csv": _p("provider", "commissioner"),
    "commissioning:return-exports": _p("commissioner"),
    "commissioning:return-review": _p("commissioner"),
    "commissioning:return-upload": _p("provider"),
    "commissioning:rollup": _p("commissioner"),
    "commissioning:service-edit": _p("commissioner", "administrator"),
    "commissioning:service-list": _p("commissioner", "administrator"),
    "commissioning:service-new": _p("commissioner", "administrator"),
    "delivery:award": _p(
        "officer",
        "second_officer",
        "decision_maker",
        "commissioner",
        "performance_lead",
        "administrator",
    ),
    "delivery:awards": _p(
        "officer",
        "second_officer",
        "decision_maker",
        "commissioner",
        "performance_lead",
        "administrator",
    ),
    "delivery:bids": _p(
        "officer",
        "second_officer",
        "decision_maker",
        "commissioner",
        "performance_lead",
        "administrator",
    ),
    "delivery:contract": _p(
        "officer",
        "second_officer",
        "decision_maker",
        "commissioner",
        "performance_lead",
        "administrator",
    ),
    "delivery:contracts": _p(
        "officer",
        "second_officer",
        "decision_maker",
        "commissioner",
        "performance_lead",
        "administrator",
    ),
    "delivery:dashboard": _p(
        "officer",
        "second_officer",
        "decision_maker",
        "commissioner",
        "performance_lead",
        "administrator",
    ),
    "delivery:panel-report": _p(
        "officer",
        "second_officer",
        "decision_maker",
        "commissioner",
        "performance_lead",
        "administrator",
    ),
    "delivery:panel-report-download": _p(
        "officer",
        "second_officer",
        "decision_maker",
        "commissioner",
        "performance_lead",
        "administrator",
    ),
    "delivery:panel-report-page": _p(
        "officer",
        "second_officer",
        "decision_maker",
        "commissioner",
        "performance_lead",
        "administrator",
    ),
    "delivery:panel-report-regenerate": _p(
        "officer",
        "second_officer",
        "decision_maker",
        "commissioner",
        "performance_lead",
        "administrator",
    ),
    "delivery:panel-reports": _p(
        "officer",
        "second_officer",
        "decision_maker",
        "commissioner",
        "performance_lead",
        "administrator",
    ),
    "grants:application-autosave": NOBODY,
    "grants:application-budget": NOBODY,
    "grants:application-check": _p(
        "applicant_a", "colleague_a", "officer", "second_officer", "administrator"
    ),
    "grants:application-copy": _p("applicant_a", "colleague_a"),
    "grants:application-detail": _p(
        "applicant_a", "colleague_a", "officer", "second_officer", "administrator"
    ),
    "grants:application-documents": NOBODY,
    "grants:application-pdf": _p(
        "applicant_a", "colleague_a", "officer", "second_officer", "administrator"
    ),
    "grants:application-section": NOBODY,
    "grants:application-start": SIGNED_IN,
    "grants:application-submit": NOBODY,
    "grants:application-submitted": _p(
        "applicant_a", "colleague_a", "officer", "second_officer", "administrator"
    ),
    "grants:application-withdraw": _p("applicant_a", "colleague_a"),
    "grants:assess": _p("assessor"),
    "grants:assess-queue": _p("assessor"),
    "grants:award-detail": _p("officer", "second_officer", "decision_maker", "administrator"),
    "grants:award-publication": _p("officer", "second_officer", "administrator"),
    "grants:award-publication-release-grant": _p("officer", "second_officer", "administrator"),
    "grants:award-publication-release-location": _p("officer", "second_officer", "administrator"),
    "grants:award-publication-withhold-grant": _p("officer", "second_officer", "administrator"),
    "grants:award-publication-withhold-location": _p("officer", "second_officer", "administrator"),
    "grants:award-schedule": _p("officer", "second_officer", "administrator"),
    "grants:bank-check": _p("officer", "second_officer", "administrator"),
    "grants:bank-evidence": _p("officer", "second_officer", "administrator"),
    "grants:budget-line-edit": NOBODY,
    "grants:dashboard": SIGNED_IN,
    "grants:document-download": _p(
        "applicant_a", "colleague_a", "officer", "second_officer", "administrator"
    ),
    "grants:eligibility": EVERYONE,
    "grants:grant": NOBODY,
    "grants:grant-accept": NOBODY,
    "grants:grant-bank": NOBODY,
    "grants:grant-decline": NOBODY,
    "grants:letter": NOBODY,
    "grants:letter-pdf": NOBODY,
    "grants:panel-approve-recommended": _p("decision_maker"),
    "grants:panel-detail": _p("officer", "second_officer", "decision_maker", "administrator"),
    "grants:panel-item-decide": _p("decision_maker"),
    "grants:panel-list": _p("officer", "second_officer", "decision_maker", "administrator"),
    "grants:payment-record": _p("officer", "second_officer", "administrator"),
    "grants:payments-dashboard": _p("officer", "second_officer", "administrator"),
    "grants:report": _p("applicant_a", "colleague_a"),
    "grants:report-evidence": _p("officer", "second_officer", "administrator"),
    "grants:report-evidence-add": _p("applicant_a", "colleague_a"),
    "grants:report-evidence-remove": NOBODY,
    "grants:report-review": _p("officer", "second_officer", "administrator"),
    "grants:reports-dashboard": _p("officer", "second_officer", "administrator"),
    "grants:round-detail": EVERYONE,
    "grants:round-list": EVERYONE,
    "grants:staff-application": _p("officer", "second_officer", "administrator"),
    "grants:staff-application-assign": _p("officer", "second_officer", "administrator"),
    "grants:staff-application-moderate": _p("officer", "second_officer", "administrator"),
    "grants:staff-application-pdf": _p("officer", "second_officer", "administrator"),
    "grants:staff-application-screen": _p("officer", "second_officer", "administrator"),
    "grants:staff-assessment-remove": _p("officer", "second_officer", "administrator"),
    "grants:staff-assessment-reopen": _p("officer", "second_officer", "administrator"),
    "grants:staff-criterion-create": _p("officer", "second_officer", "administrator"),
    "grants:staff-criterion-edit": _p("officer", "second_officer", "administrator"),
    "grants:staff-fund-create": _p("officer", "second_officer", "administrator"),
    "grants:staff-fund-edit": _p("officer", "second_officer", "administrator"),
    "grants:staff-pot-create": _p("officer", "second_officer", "administrator"),
    "grants:staff-pot-edit": _p("officer", "second_officer", "administrator"),
    "grants:staff-round-applications": _p("officer", "second_officer", "administrator"),
    "grants:staff-round-applications-bulk": _p("officer", "second_officer", "administrator"),
    "grants:staff-round-assign": _p("officer", "second_officer", "administrator"),
    "grants:staff-round-checks": _p("officer", "second_officer", "administrator"),
    "grants:staff-round-create": _p("officer", "second_officer", "administrator"),
    "grants:staff-round-criteria": _p("officer", "second_officer", "administrator"),
    "grants:staff-round-edit": _p("officer", "second_officer", "administrator"),
    "grants:staff-round-freeze": _p("officer", "second_officer", "administrator"),
    "grants:staff-round-letters": _p("officer", "second_officer", "administrator"),
    "grants:staff-round-list": _p("officer", "second_officer", "administrator"),
    "grants:staff-round-mark": _p("officer", "second_officer", "administrator"),
    "grants:staff-round-ranking": _p("officer", "second_officer", "administrator"),
    "grants:staff-round-summary": _p("officer", "second_officer", "administrator"),
    "healthz": EVERYONE,
    "home": EVERYONE,
    "mfa_activate_totp": SIGNED_IN,
    "mfa_authenticate": SIGNED_IN,
    # Staff reach the form, which says they must keep it (accounts.adapter.MfaAdapter).
    "mfa_deactivate_totp": _p(
        "officer",
        "second_officer",
        "assessor",
        "decision_maker",
        "commissioner",
        "performance_lead",
        "administrator",
    ),
    "mfa_download_recovery_codes": NOBODY,
    "mfa_generate_recovery_codes": SIGNED_IN,
    "mfa_index": NOBODY,
    "mfa_reauthenticate": SIGNED_IN,
    "mfa_view_recovery_codes": NOBODY,
    "opendata:file": NOBODY,
    "opendata:funded": NOBODY,
    "opendata:index": NOBODY,
    "opendata:staff": NOBODY,
    "opendata:staff-publish": _p("officer", "second_officer", "administrator"),
    "outcomes:current-indicators": _p(
        "officer",
        "second_officer",
        "decision_maker",
        "commissioner",
        "performance_lead",
        "administrator",
    ),
    "outcomes:indicator": _p(
        "officer",
        "second_officer",
        "decision_maker",
        "commissioner",
        "performance_lead",
        "administrator",
    ),
    "outcomes:indicator-list": _p(
        "officer",
        "second_officer",
        "decision_maker",
        "commissioner",
        "performance_lead",
        "administrator",
    ),
    "outcomes:plan": EVERYONE,
    "outcomes:plan-version": EVERYONE,
    "outcomes:reading-add": _p("performance_lead", "administrator"),
    "outcomes:reading-edit": _p("performance_lead", "administrator"),
    "outcomes:readings-template": _p("performance_lead", "administrator"),
    "outcomes:readings-upload": _p("performance_lead", "administrator"),
    "outcomes:readings-upload-detail": _p(
        "officer",
        "second_officer",
        "decision_maker",
        "commissioner",
        "performance_lead",
        "administrator",
    ),
    "privacy": EVERYONE,
    "terms": EVERYONE,
}


def _fingerprint_sql() -> str:
    parts = []
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if table in NOT_FINGERPRINTED or model._meta.proxy or not model._meta.managed:
            continue
        quoted = connection.ops.quote_name(table)
        parts.append(f"(SELECT COUNT(*) FROM {quoted})")  # noqa: S608  # model tables
        if any(f.attname == "updated_at" for f in model._meta.concrete_fields):
            parts.append(f"(SELECT MAX(updated_at) FROM {quoted})")  # noqa: S608
    return "SELECT " + ", ".join(parts)


def fingerprint(sql: str) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return tuple(cursor.fetchone())


def _first_urls(world: World) -> Iterator[tuple[str, str]]:
    """(pattern name, URL) for each pattern, with the world's first object; sign-out last."""
    for pattern in sorted(_patterns(), key=lambda p: p.name == LAST):
        targets = world.targets.get(pattern.parameters)
        if targets:
            yield pattern.name, reverse(pattern.name, kwargs=targets[0].kwargs)


def _post(client: Client, url: str, sql: str) -> tuple[int | str, bool]:
    """POST an empty form in a savepoint always rolled back: (outcome, changed anything)."""
    try:
        with transaction.atomic():
            before = fingerprint(sql)
            got = outcome(client.post(url, {}))
            changed = fingerprint(sql) != before
            transaction.set_rollback(True)
    except Exception as error:
        frames = traceback.extract_tb(error.__traceback__)
        where = f"{frames[-1].filename}:{frames[-1].lineno}"
        return f"raised {type(error).__name__}: {error} at {where}", False
    return got, changed


def matrix_failures(world: World, persona: str, client: Client) -> list[str]:
    user = world.users[persona]
    if user is not None:
        client.force_login(user)
    sql = _fingerprint_sql()
    failures = []
    for name, url in _first_urls(world):
        may = MAY_POST.get(name)
        if may is None:
            continue  # unclassified: test_every_pattern_is_in_the_post_matrix says so
        got, changed = _post(client, url, sql)
        refused = got in REFUSED
        if isinstance(got, str) and got.startswith("raised"):
            failures.append(f"POST {url} [{name}] {got}")
        elif persona in may and refused:
            failures.append(f"POST {url} [{name}]: refused ({got}), the matrix says may post")
        elif persona not in may and not refused:
            failures.append(f"POST {url} [{name}]: got {got}, the matrix says refused")
        elif persona not in may and changed:
            failures.append(f"POST {url} [{name}]: refused but changed the database")
    return failures


def _unclassified(patterns: list[Pattern], world: World) -> list[str]:
    return [p.name for p in patterns if p.parameters in world.targets and p.name not in MAY_POST]


def test_every_pattern_is_in_the_post_matrix(world):
    unclassified = _unclassified(_patterns(), world)
    assert not unclassified, (
        "These URL patterns are not in MAY_POST (tests/test_post_matrix.py): say who may "
        "POST to each:\n" + "\n".join(unclassified)
    )
    names = {p.name for p in _patterns()}
    stale = sorted(set(MAY_POST) - names)
    assert not stale, f"MAY_POST names patterns that no longer exist: {stale}"


def test_a_new_pattern_not_in_the_matrix_is_reported(world):
    new = Pattern("grants:widget-delete", frozenset())
    assert _unclassified([new], world) == ["grants:widget-delete"]


def test_the_fingerprint_sees_a_new_row_and_an_update():
    from accounts.models import District

    sql = _fingerprint_sql()
    before = fingerprint(sql)
    District.objects.create(name="Nowhere")
    assert fingerprint(sql) != before


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_post_is_refused_to_whoever_the_matrix_keeps_out(world, persona, client, settings):
    settings.STORAGES = world.storages
    # Each POST is rolled back in a savepoint; a session kept in the cache (cached_db) would
    # outlive the rollback and carry one POST's sign-in stage into the next.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    failures = matrix_failures(world, persona, client)
    assert not failures, f"{len(failures)} POSTs as {persona} differ:\n" + "\n".join(failures)
