"""The newest version of each quarter's return, stored: a marker with a partial unique
index, set from the corrections already started (a version with a correction is not the
newest), so reads need no join of returns to themselves."""

from django.db import migrations, models


def mark_corrected_versions(apps, schema_editor):
    MonitoringReturn = apps.get_model("commissioning", "MonitoringReturn")
    MonitoringReturn.objects.filter(correction__isnull=False).update(is_newest=False)


def mark_all_newest(apps, schema_editor):
    MonitoringReturn = apps.get_model("commissioning", "MonitoringReturn")
    MonitoringReturn.objects.update(is_newest=True)


class Migration(migrations.Migration):
    dependencies = [("commissioning", "0002_victim_services_measures")]

    operations = [
        migrations.AddField(
            model_name="monitoringreturn",
            name="is_newest",
            field=models.BooleanField(default=True, editable=False),
        ),
        migrations.RunPython(mark_corrected_versions, mark_all_newest, elidable=False),
        migrations.AddConstraint(
            model_name="monitoringreturn",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_newest", True)),
                fields=("contract", "financial_year", "quarter"),
                name="one_newest_return_per_quarter",
            ),
        ),
    ]
