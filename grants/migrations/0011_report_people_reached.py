"""A report's people reached, stored: the total of its beneficiary counts, so the plan
delivery dashboard adds people up in the database instead of reading every report's JSON.
Existing reports (and their history) are filled in from their counts."""

from django.db import migrations

import grants.models.monitoring


def _total(beneficiaries) -> int:
    # As grants.models.monitoring.people_in when this was written.
    if not isinstance(beneficiaries, dict):
        return 0
    return sum(v for v in beneficiaries.values() if isinstance(v, int))


def fill_people_reached(apps, schema_editor):
    for name in ("MonitoringReport", "HistoricalMonitoringReport"):
        model = apps.get_model("grants", name)
        key = model._meta.pk.attname
        changed = []
        for row in model.objects.order_by().only(key, "beneficiaries").iterator(chunk_size=2000):
            total = _total(row.beneficiaries)
            if total:
                row.people_reached = total
                changed.append(row)
            if len(changed) >= 1000:
                model.objects.bulk_update(changed, ["people_reached"])
                changed = []
        model.objects.bulk_update(changed, ["people_reached"])


class Migration(migrations.Migration):
    dependencies = [("grants", "0010_application_round_reference_index")]

    operations = [
        migrations.AddField(
            model_name="historicalmonitoringreport",
            name="people_reached",
            field=grants.models.monitoring.PeopleReachedField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="monitoringreport",
            name="people_reached",
            field=grants.models.monitoring.PeopleReachedField(default=0, editable=False),
        ),
        migrations.RunPython(fill_people_reached, migrations.RunPython.noop, elidable=False),
    ]
