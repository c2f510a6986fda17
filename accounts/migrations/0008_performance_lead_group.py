from django.db import migrations

GROUP = "Performance lead"


def create_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=GROUP)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0007_move_statuschange_outbox_to_core")]

    operations = [migrations.RunPython(create_group, remove_group)]
