"""manage.py check_data: finds every stored value a page could not read or show, by
model, id and field, and exits 1; a clean database passes."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from commissioning.models import Measure, ReturnValue

pytestmark = pytest.mark.django_db


def run() -> str:
    out = StringIO()
    call_command("check_data", stdout=out)
    return out.getvalue()


def test_a_clean_database_passes(q1_return):
    ReturnValue.objects.create(
        monitoring_return=q1_return,
        measure=Measure.objects.filter(kind=Measure.Kind.COUNT).first(),
        value=Decimal("12"),
    )
    assert "No broken values found." in run()


def test_a_decimal_the_column_cannot_hold_is_listed_and_the_command_fails(q1_return):
    row = ReturnValue.objects.create(
        monitoring_return=q1_return,
        measure=Measure.objects.filter(kind=Measure.Kind.COUNT).first(),
        value=Decimal("12"),
    )
    table = ReturnValue._meta.db_table
    # What the issue found on SQLite (1e23 in a 12-digit column); PostgreSQL's numeric
    # refuses that but keeps NaN.
    broken = "1e23" if connection.vendor == "sqlite" else "'NaN'"
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET value = {broken} WHERE id = %s", [row.pk])  # noqa: S608
    out = StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("check_data", stdout=out)
    assert refused.value.returncode == 1
    assert f"commissioning.ReturnValue id={row.pk} value:" in out.getvalue()
    assert "1 broken value found" in str(refused.value)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="only SQLite stores any JSON text")
@pytest.mark.parametrize("stored", ['[{"code": "a", "weight": 1e400}]', "[1e30]"])
def test_json_that_does_not_read_or_holds_a_huge_number_is_listed(stored, q1_return):
    measure = Measure.objects.filter(kind=Measure.Kind.COUNT).first()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Measure._meta.db_table} SET categories = %s WHERE id = %s",  # noqa: S608
            [stored, measure.pk],
        )
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check_data", stdout=out)
    assert f"commissioning.Measure id={measure.pk} categories:" in out.getvalue()
