"""The commissioner dashboard's tallies (returns by quarter, status and due date; funding
by year, stream, service and priority), filled from the rows already there, and the
partial indexes its two lists of returns are read through."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def fill_tallies(apps, schema_editor):
    from commissioning.services.tallies import recount_models

    recount_models(
        returns=apps.get_model("commissioning", "MonitoringReturn"),
        funding=apps.get_model("commissioning", "ContractFunding"),
        return_tally=apps.get_model("commissioning", "ReturnTally"),
        value_tally=apps.get_model("commissioning", "ContractValueTally"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("commissioning", "0004_return_export"),
        ("outcomes", "0003_plan_crosswalk"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ContractValueTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("financial_year", models.PositiveSmallIntegerField()),
                (
                    "stream",
                    models.CharField(
                        choices=[
                            ("moj_victims", "MoJ victims grant"),
                            ("community_safety", "Community Safety Fund"),
                            ("home_office", "Home Office"),
                            ("vrp", "Violence Reduction Partnership"),
                            ("match", "Match funding"),
                        ],
                        max_length=20,
                    ),
                ),
                ("live", models.BooleanField()),
                ("lines", models.IntegerField(default=0)),
                ("amount", models.DecimalField(decimal_places=2, max_digits=16)),
            ],
        ),
        migrations.CreateModel(
            name="ReturnTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("financial_year", models.PositiveSmallIntegerField()),
                ("quarter", models.PositiveSmallIntegerField()),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("not_started", "Not started"),
                            ("draft", "Draft"),
                            ("submitted", "Submitted"),
                            ("changes_requested", "Changes requested"),
                            ("accepted", "Accepted"),
                        ],
                        max_length=20,
                    ),
                ),
                ("due_date", models.DateField()),
                ("was_submitted", models.BooleanField()),
                ("count", models.IntegerField(default=0)),
            ],
        ),
        migrations.AddIndex(
            model_name="monitoringreturn",
            index=models.Index(
                condition=models.Q(("is_newest", True), ("status", "submitted")),
                fields=["submitted_at", "id"],
                name="return_awaiting_review",
            ),
        ),
        migrations.AddIndex(
            model_name="monitoringreturn",
            index=models.Index(
                condition=models.Q(
                    ("is_newest", True),
                    ("status__in", ["changes_requested", "draft", "not_started"]),
                    ("submitted_at__isnull", True),
                ),
                fields=["due_date", "id"],
                name="return_never_submitted",
            ),
        ),
        migrations.AddField(
            model_name="contractvaluetally",
            name="priority",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="outcomes.priority",
            ),
        ),
        migrations.AddField(
            model_name="contractvaluetally",
            name="service",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="commissioning.service",
            ),
        ),
        migrations.AddConstraint(
            model_name="returntally",
            constraint=models.UniqueConstraint(
                fields=("financial_year", "quarter", "status", "due_date", "was_submitted"),
                name="one_return_tally_per_key",
            ),
        ),
        migrations.AddConstraint(
            model_name="contractvaluetally",
            constraint=models.UniqueConstraint(
                fields=("financial_year", "stream", "service", "priority", "live"),
                name="one_contract_value_tally_per_key",
            ),
        ),
        migrations.RunPython(fill_tallies, migrations.RunPython.noop, elidable=False),
    ]
