from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from commissioning.models import MeasureSet
from commissioning.services.measures import measure_set_copy


class Command(BaseCommand):
    help = "Copy a measure set (its measures, breakdowns and links) for another financial year."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "source", help="The code of the set to copy, e.g. victim-services-2026-27"
        )
        parser.add_argument("year", type=int, help="The financial year it starts in, e.g. 2027")

    def handle(self, *args, source: str, year: int, **options) -> None:
        found = MeasureSet.objects.filter(code=source).first()
        if found is None:
            raise CommandError(f"There is no measure set with the code {source!r}.")
        try:
            copy = measure_set_copy(source=found, financial_year=year)
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Created {copy.name} ({copy.code}) with {copy.measures.count()} measures."
        )
