"""StatusChange and OutboxMessage move here from accounts, keeping their tables and rows.

State only: the tables `accounts_statuschange` and `accounts_outboxmessage` already exist
(accounts 0003-0006 made them) and keep their names, indexes and constraints. The content
types are relabelled, not recreated, so nothing that points at them is lost.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MOVED = ("statuschange", "outboxmessage")


def relabel_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MOVED:
        if not ContentType.objects.using(db).filter(app_label="core", model=model).exists():
            ContentType.objects.using(db).filter(app_label="accounts", model=model).update(
                app_label="core"
            )


def unlabel_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MOVED:
        if not ContentType.objects.using(db).filter(app_label="accounts", model=model).exists():
            ContentType.objects.using(db).filter(app_label="core", model=model).update(
                app_label="accounts"
            )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0006_statuschange_by_system"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="StatusChange",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("object_id", models.PositiveBigIntegerField()),
                        ("from_status", models.CharField(max_length=32)),
                        ("to_status", models.CharField(max_length=32)),
                        ("by_system", models.BooleanField(default=False)),
                        ("reason", models.TextField(blank=True)),
                        ("at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "actor",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "content_type",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                to="contenttypes.contenttype",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "accounts_statuschange",
                        "ordering": ["at", "pk"],
                        "indexes": [
                            models.Index(
                                fields=["content_type", "object_id"],
                                name="accounts_st_content_520ded_idx",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="OutboxMessage",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("kind", models.CharField(max_length=60)),
                        ("object_id", models.PositiveBigIntegerField()),
                        ("period", models.CharField(blank=True, max_length=20)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("dispatched_at", models.DateTimeField(blank=True, null=True)),
                        ("sent_at", models.DateTimeField(blank=True, null=True)),
                        ("message_id", models.CharField(blank=True, max_length=200)),
                        ("attempts", models.PositiveSmallIntegerField(default=0)),
                        ("last_error", models.TextField(blank=True)),
                        (
                            "content_type",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                to="contenttypes.contenttype",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "accounts_outboxmessage",
                        "ordering": ["created_at", "pk"],
                        "indexes": [
                            models.Index(
                                fields=["sent_at", "created_at"],
                                name="accounts_ou_sent_at_f05aaa_idx",
                            )
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("kind", "content_type", "object_id", "period"),
                                name="one_outbox_message_per_kind_object_period",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(relabel_content_types, unlabel_content_types),
    ]
