from django.db import migrations, models

# Changes the service made itself before it said so: no actor and one of these reasons.
SYSTEM_REASONS = ("Award letter sent", "Reached its end date.")


def mark_system_changes(apps, schema_editor):
    StatusChange = apps.get_model("accounts", "StatusChange")
    StatusChange.objects.filter(actor=None, reason__in=SYSTEM_REASONS).update(by_system=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_outbox_dispatched_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="statuschange",
            name="by_system",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(mark_system_changes, migrations.RunPython.noop),
    ]
