"""The newest version of each quarter's return is a stored marker (one per quarter, by a
partial unique index) that return_correct moves to the correction it starts; the dashboard
and lists read it with a plain filter, never by joining returns to themselves."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commissioning import selectors
from commissioning.models import MonitoringReturn
from commissioning.services.returns import return_correct
from tests.commissioning.test_queries import _grow, _last_quarter
from tests.commissioning.test_rollup import Q1, accept, figures, file_return

pytestmark = pytest.mark.django_db
R = MonitoringReturn.Status


@pytest.fixture
def corrected(contract, personas):
    """An accepted Q1 return and the correction started on it."""
    first = accept(file_return(contract, personas.provider, Q1, figures(40)), personas.commissioner)
    correction = return_correct(
        monitoring_return=first, actor=personas.provider, reason="Double-counted."
    )
    first.refresh_from_db()
    return first, correction


def test_a_correction_becomes_the_newest_version_in_place_of_what_it_corrects(corrected):
    first, correction = corrected
    assert not first.is_newest
    assert correction.is_newest and correction.version == 2
    newest = selectors.newest_versions(MonitoringReturn.objects.all())
    assert list(newest.values_list("pk", flat=True)) == [correction.pk]


def test_moving_the_marker_writes_no_history_row_for_the_corrected_version(contract, personas):
    first = accept(file_return(contract, personas.provider, Q1, figures(40)), personas.commissioner)
    before = first.history.count()
    return_correct(monitoring_return=first, actor=personas.provider, reason="Typo.")
    assert first.history.count() == before


def test_the_database_refuses_two_newest_versions_of_a_quarter(corrected):
    first, _correction = corrected
    with pytest.raises(IntegrityError), transaction.atomic():
        MonitoringReturn.objects.filter(pk=first.pk).update(is_newest=True)


def test_the_migration_marks_every_version_a_correction_was_started_on(corrected):
    first, correction = corrected
    # As the new column starts: the corrected version still marked, the correction not.
    MonitoringReturn.objects.filter(pk=correction.pk).update(is_newest=False)
    MonitoringReturn.objects.filter(pk=first.pk).update(is_newest=True)
    migration = importlib.import_module("commissioning.migrations.0003_newest_return_marker")
    migration.mark_corrected_versions(apps, None)
    first.refresh_from_db()
    assert not first.is_newest


def test_the_dashboard_counts_the_correction_not_what_it_corrects(corrected, personas):
    _first, correction = corrected
    d = selectors.dashboard(financial_year=2026, today=dt.date(2026, 8, 1))
    q1 = d.quarters[0]
    assert q1.total == 1
    assert q1.counts[R.DRAFT] == 1 and q1.counts[R.ACCEPTED] == 0
    assert correction.status == R.DRAFT


def _returns_joined_to_themselves(sql: str) -> bool:
    """Returns joined to returns: how "no correction started on it" used to be read."""
    return 'JOIN "commissioning_monitoringreturn"' in sql


@pytest.mark.parametrize("size", [3, 60])
def test_the_dashboard_sql_has_no_self_join_and_is_flat(personas, plan, client_for, size):
    _grow(personas, plan, to=size)
    last = _last_quarter()
    client = client_for(personas.commissioner)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("commissioning:dashboard") + f"?year={last.year}")
    assert response.status_code == 200
    returns_sql = [q["sql"] for q in queries if "commissioning_monitoringreturn" in q["sql"]]
    # awaiting review and overdue; the counts by quarter and status come from the tallies
    assert len(returns_sql) == 2
    assert not any(_returns_joined_to_themselves(sql) for sql in returns_sql), returns_sql
    assert all("is_newest" in sql for sql in returns_sql)
    assert len(queries) <= 10


def test_the_contract_list_and_your_contracts_read_the_marker(
    corrected, personas, plan, client_for
):
    _grow(personas, plan, to=3)
    for who, url in (
        (personas.commissioner, reverse("commissioning:contract-list")),
        (personas.provider, "/your-contracts/"),
    ):
        with CaptureQueriesContext(connection) as queries:
            response = client_for(who).get(url)
        assert response.status_code == 200
        returns_sql = [q["sql"] for q in queries if "commissioning_monitoringreturn" in q["sql"]]
        assert returns_sql, url
        assert not any(_returns_joined_to_themselves(sql) for sql in returns_sql), returns_sql
