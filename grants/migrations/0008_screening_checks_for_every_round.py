"""Rounds used to get their standard checklist the first time its page was viewed; now a
round gets it when it is created, so older rounds never viewed get theirs here.

Adds rows only: a round that already has any checks is left exactly as it is."""

from django.db import migrations

# As in grants.models.DEFAULT_SCREENING_CHECKS when this migration was written.
STANDARD_CHECKS = [
    (
        "Governing document present",
        "A constitution, set of rules or articles that are signed and dated.",
    ),
    (
        "Two unrelated signatories",
        "The bank account is in the group's name and needs two unrelated people to sign.",
    ),
    ("Safeguarding policy", "A current safeguarding policy, adopted by the committee."),
    ("Within West Yorkshire", "The work and the people it helps are in West Yorkshire."),
    ("No excluded costs", "Nothing in the budget that the fund does not pay for."),
    (
        "Earlier grant reports up to date",
        "Monitoring reports for any earlier grant from us have been received.",
    ),
]


def add_standard_checks(apps, schema_editor):
    Round = apps.get_model("grants", "Round")
    ScreeningCheck = apps.get_model("grants", "ScreeningCheck")
    for round in Round.objects.filter(screening_checks__isnull=True).distinct():
        ScreeningCheck.objects.bulk_create(
            ScreeningCheck(round=round, question=question, guidance=guidance, position=position)
            for position, (question, guidance) in enumerate(STANDARD_CHECKS, start=1)
        )


class Migration(migrations.Migration):
    dependencies = [("grants", "0007_spend_line_approved_amount")]

    operations = [migrations.RunPython(add_standard_checks, migrations.RunPython.noop)]
