"""PostgreSQL connections turn JIT compilation off (issue 18): the staff pages' aggregates
over tens of thousands of rows cross its cost threshold and spend longer compiling than
they save."""

from __future__ import annotations

import pytest
from django.db import connection


@pytest.mark.needs_postgres
@pytest.mark.django_db
def test_postgresql_connections_run_without_jit():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
