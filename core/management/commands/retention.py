"""Apply the retention schedule now: `--dry-run` lists what is due, by rule, and changes
nothing; without it, what is due is purged and recorded (as the daily task does)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from core.retention import retention_run


class Command(BaseCommand):
    help = "Purge personal data the retention schedule (settings.RETENTION) says is due."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List what would be purged, by rule, without changing anything.",
        )

    def handle(self, *args, dry_run=False, **options):
        result = retention_run(dry_run=dry_run)
        verb = "Would purge" if dry_run else "Purged"
        purged = {(p.rule, p.object_id) for p in result.purged}
        for key, items in result.by_rule().items():
            rule = settings.RETENTION[key]
            if not dry_run:
                items = [item for item in items if (item.rule, item.object_id) in purged]
            self.stdout.write(
                f"{key} ({rule['years']} years after {rule['after']}): {verb.lower()} {len(items)}"
            )
            for item in items:
                self.stdout.write(f"  {verb} {item.kind} {item.reference}")
        total = len(result.due) if dry_run else len(result.purged)
        ending = " Nothing was changed." if dry_run else ""
        self.stdout.write(f"{verb} {total} in all.{ending}")
