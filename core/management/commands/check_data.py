"""List every stored value a page could not read or show; exit 1 when there is any."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from core.datacheck import broken_values


class Command(BaseCommand):
    help = (
        "Find stored values that would break a page (numbers a column cannot hold, "
        "non-finite decimals, malformed dates, uuids and JSON), listed by model, id and "
        "field. Exits with status 1 when any is found."
    )

    def handle(self, *args, **options):
        found = 0
        for broken in broken_values():
            found += 1
            self.stdout.write(str(broken))
        if found:
            raise CommandError(
                f"{found} broken {'value' if found == 1 else 'values'} found: correct "
                f"{'it' if found == 1 else 'them'} in the database, then run this again.",
                returncode=1,
            )
        self.stdout.write("No broken values found.")
