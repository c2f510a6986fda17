from __future__ import annotations

from django.core.management.base import BaseCommand

from commissioning.services.tallies import recount_tallies


class Command(BaseCommand):
    help = (
        "Recount the commissioner dashboard's tallies (returns by quarter, status and due "
        "date; funding by year, stream, service and priority) from the rows themselves."
    )

    def handle(self, *args, **options) -> None:
        rows = recount_tallies()
        self.stdout.write(
            f"Recounted: {rows['return_tallies']} return tallies, "
            f"{rows['value_tallies']} contract value tallies."
        )
