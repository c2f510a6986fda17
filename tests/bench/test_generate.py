"""bench/generate.py still builds its data set (the benchmark itself is not a test)."""

from __future__ import annotations

import pytest
from django.db import connection

from accounts.models import Organisation, User
from bench.generate import OFFICER, Sizes, _big_models, assessor_email, copy_save, generate
from commissioning.models import Contract, MonitoringReturn
from core.models import StatusChange
from grants.models import Application, Assessment, Award, Fund, Score

pytestmark = pytest.mark.django_db


def test_it_builds_a_tiny_set_with_every_part():
    sizes = Sizes(bids=6, rounds=3, awards=2, contracts=2, quarters=2, drafts=1)

    generate(sizes, say=lambda text: None)

    ranked = Application.objects.filter(round__reference_prefix="BENCH-R01")
    assert ranked.count() == 6
    assert Assessment.objects.filter(application__in=ranked).count() == 18
    assert Score.objects.exists()
    assert Award.objects.count() == 2
    assert Application.objects.filter(status=Application.Status.DRAFT).count() == 1
    assert Contract.objects.count() == 2
    assert MonitoringReturn.objects.count() >= 4
    assert StatusChange.objects.count() > 6
    assert Application.history.filter(round__reference_prefix="BENCH-R01").count() == 12
    assert User.objects.filter(email__in=[OFFICER, assessor_email(0)]).count() == 2
    # The sizes are recorded, so bench/load.py keeps a finished set.
    assert Fund.objects.get(code="bench").description.startswith('{"bids": 6')


def test_copy_save_numbers_the_rows_lets_the_set_move_them_on_then_saves_them():
    def renamed(organisations):
        for organisation in organisations:
            organisation.name = f"Group {organisation.pk}"

    made = copy_save({Organisation: renamed})(
        Organisation,
        [
            Organisation(name="x", address_line_1="1 High Street", town="Leeds", postcode="LS1")
            for _ in range(3)
        ],
    )

    pks = [organisation.pk for organisation in made]
    assert pks == list(range(pks[0], pks[0] + 3))
    saved = Organisation.objects.filter(pk__in=pks).order_by("pk")
    assert [o.name for o in saved] == [f"Group {pk}" for pk in pks]
    # The sequence moved past them: the next row made the ordinary way gets a new key.
    after = Organisation.objects.create(name="y", address_line_1="1", town="L", postcode="L")
    assert after.pk > pks[-1]


def _schema_of_big_tables() -> set[tuple[str, str]]:
    tables = [model._meta.db_table for model in _big_models()]
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)
            UNION ALL
            SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
            WHERE conrelid::regclass::text = ANY(%s)""",
            [tables, tables],
        )
        return set(cursor.fetchall())


@pytest.mark.needs_postgres
def test_the_indexes_and_foreign_keys_set_aside_are_all_made_again():
    before = _schema_of_big_tables()

    generate(
        Sizes(bids=4, rounds=3, awards=2, contracts=1, quarters=2, drafts=1), say=lambda text: None
    )

    assert _schema_of_big_tables() == before
    assert len(before) > 100
