"""Hand unsent outbox messages to workers now (for example after a broker outage)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand

from core.outbox import outbox_relay


class Command(BaseCommand):
    help = "Hand every unsent outbox message to a send task; safe to run at any time."

    def add_arguments(self, parser):
        parser.add_argument(
            "--redispatch-after",
            type=int,
            default=None,
            metavar="SECONDS",
            help="Hand out again messages given to a worker this long ago and still unsent "
            "(default: the OUTBOX_REDISPATCH_AFTER setting).",
        )

    def handle(self, *args, redispatch_after=None, **options):
        after = None if redispatch_after is None else dt.timedelta(seconds=redispatch_after)
        result = outbox_relay(redispatch_after=after)
        self.stdout.write(
            f"Handed {result.dispatched} {'message' if result.dispatched == 1 else 'messages'} "
            "to workers; "
            f"{result.undispatched} {'waits' if result.undispatched == 1 else 'wait'} "
            "for the broker."
        )
