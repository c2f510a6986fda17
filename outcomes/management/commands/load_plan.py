from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.errors import ApplicationError
from outcomes.plan_file import PlanFileError, parse_plan_text
from outcomes.services import plan_load


class Command(BaseCommand):
    help = "Load a Police and Crime Plan framework from a YAML file (safe to run again)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path, help="the plan YAML file")
        parser.add_argument(
            "--current",
            action="store_true",
            help="make this the current plan (the first plan loaded becomes current anyway)",
        )

    def handle(self, *args, path: Path, current: bool, **options) -> None:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path} is not UTF-8 text") from None
        try:
            data = parse_plan_text(text, source=str(path))
        except PlanFileError as error:
            lines = "\n".join(f"  {problem}" for problem in error.problems)
            raise CommandError(f"{path} was not loaded; nothing changed:\n{lines}") from None
        try:
            plan, counts = plan_load(data=data, make_current=current)
        except ApplicationError as refusal:
            raise CommandError(f"{path} was not loaded: {refusal.message}") from None
        summary = ", ".join(f"{n} {what}" for what, n in sorted(counts.items()) if n) or "no rows"
        changed = (
            counts["created"] or counts["updated"] or counts["removed"] or counts["made current"]
        )
        verdict = "loaded" if changed else "already up to date"
        self.stdout.write(f"{plan.code} {verdict}: {summary}.")
