from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from outcomes.crosswalk_file import CrosswalkFileError, parse_crosswalk_text
from outcomes.services import crosswalk_load


class Command(BaseCommand):
    help = (
        "Load a crosswalk (YAML or CSV) mapping an earlier plan's priorities, outcomes and "
        "themes to a later plan's, so plan delivery shows earlier awards under the later "
        "plan. Loading it again replaces it."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path, help="the crosswalk file (.yaml or .csv)")

    def handle(self, *args, path: Path, **options) -> None:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path} is not UTF-8 text") from None
        try:
            crosswalk, links = crosswalk_load(data=parse_crosswalk_text(text, source=str(path)))
        except CrosswalkFileError as error:
            lines = "\n".join(f"  {problem}" for problem in error.problems)
            raise CommandError(f"{path} was not loaded; nothing changed:\n{lines}") from None
        self.stdout.write(f"Crosswalk {crosswalk} loaded: {links} links.")
