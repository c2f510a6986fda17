"""StatusChange and OutboxMessage now belong to core (core 0001): forget them here, state only.

The tables stay exactly as they are; core's models use them under the same names."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_statuschange_by_system"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="StatusChange"),
                migrations.DeleteModel(name="OutboxMessage"),
            ],
            database_operations=[],
        ),
    ]
