"""The test database a session starts from is the fully migrated schema, whether it was
migrated just now or restored from the copy kept by tests/conftest.py."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.roles import Role


@pytest.mark.django_db
def test_every_migration_is_applied_to_the_test_database():
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []


@pytest.mark.django_db
def test_rows_made_by_data_migrations_are_there():
    assert set(Group.objects.values_list("name", flat=True)) >= {role.label for role in Role}
