"""Seed the MoJ-style victim services measure set for 2026/27."""

from django.db import migrations


def seed(apps, schema_editor):
    from commissioning.catalogue import seed_measure_set

    seed_measure_set(
        apps.get_model("commissioning", "MeasureSet"),
        apps.get_model("commissioning", "Measure"),
        year=2026,
    )


class Migration(migrations.Migration):
    dependencies = [("commissioning", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
