"""Moving StatusChange and OutboxMessage from accounts to core keeps every table and row."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("accounts", "0006_statuschange_by_system"), ("core", None)]
# Tables later migrations add (API tokens, Idempotency-Key answers): not part of the move.
LATER_TABLES = {"accounts_apitoken", "core_idempotencykey", "core_purgerecord"}


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


@pytest.mark.django_db(transaction=True)
def test_the_move_keeps_both_tables_their_rows_and_their_content_types():
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old = migrate(BEFORE)
    tables_before = set(connection.introspection.table_names())
    ContentType = old.get_model("contenttypes", "ContentType")
    User = old.get_model("accounts", "User")
    user = User.objects.create(email="alice@example.org")
    user_type, _ = ContentType.objects.get_or_create(app_label="accounts", model="user")
    moved_type, _ = ContentType.objects.get_or_create(app_label="accounts", model="statuschange")
    old.get_model("accounts", "StatusChange").objects.create(
        content_type=user_type,
        object_id=user.pk,
        from_status="draft",
        to_status="submitted",
        actor=user,
        reason="Sent in",
    )
    old.get_model("accounts", "OutboxMessage").objects.create(
        kind="grants.award_made", content_type=user_type, object_id=user.pk, period="v1"
    )

    new = migrate(leaves)

    assert set(connection.introspection.table_names()) - LATER_TABLES == tables_before
    assert "accounts_statuschange" in tables_before
    assert "accounts_outboxmessage" in tables_before
    change = new.get_model("core", "StatusChange").objects.get()
    assert (change.from_status, change.to_status, change.reason) == (
        "draft",
        "submitted",
        "Sent in",
    )
    assert change.actor_id == user.pk
    assert change.at <= timezone.now()
    message = new.get_model("core", "OutboxMessage").objects.get()
    assert (message.kind, message.object_id, message.period) == ("grants.award_made", user.pk, "v1")
    # The content type is relabelled in place, so what pointed at it still does.
    assert ContentType.objects.get(pk=moved_type.pk).app_label == "core"
    assert not ContentType.objects.filter(app_label="accounts", model="statuschange").exists()


@pytest.mark.django_db(transaction=True)
def test_the_move_can_be_undone_without_losing_rows():
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    new = migrate(leaves)
    ContentType = new.get_model("contenttypes", "ContentType")
    user = new.get_model("accounts", "User").objects.create(email="bob@example.org")
    user_type, _ = ContentType.objects.get_or_create(app_label="accounts", model="user")
    new.get_model("core", "StatusChange").objects.create(
        content_type=user_type, object_id=user.pk, from_status="a", to_status="b"
    )
    tables = set(connection.introspection.table_names()) - LATER_TABLES

    old = migrate(BEFORE)

    assert set(connection.introspection.table_names()) == tables
    assert old.get_model("accounts", "StatusChange").objects.count() == 1
    migrate(leaves)
