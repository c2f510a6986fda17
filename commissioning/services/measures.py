"""Measure sets roll forward a year at a time: a copy keeps every measure, breakdown and
"must equal" link, so last year's returns keep the set they were made with."""

from __future__ import annotations

import re

from django.db import transaction

from commissioning.models import Measure, MeasureSet
from commissioning.quarters import financial_year_label


@transaction.atomic
def measure_set_copy(*, source: MeasureSet, financial_year: int) -> MeasureSet:
    label = financial_year_label(financial_year)
    short = label.replace("/", "-")
    base = re.sub(r"\s*\d{4}/\d{2}$", "", source.name)
    code = re.sub(r"-?\d{4}-\d{2}$", "", source.code) + f"-{short}"
    if MeasureSet.objects.filter(code=code).exists():
        raise ValueError(f"A measure set {code} already exists.")
    copy = MeasureSet.objects.create(
        code=code,
        name=f"{base} {label}",
        financial_year=financial_year,
        description=source.description,
    )
    originals = list(source.measures.order_by("position", "pk"))
    copies: dict[int, Measure] = {}
    for measure in originals:
        copies[measure.pk] = Measure.objects.create(
            measure_set=copy,
            code=measure.code,
            label=measure.label,
            kind=measure.kind,
            help_text=measure.help_text,
            breakdown=measure.breakdown,
            categories=measure.categories,
            required=measure.required,
            max_length=measure.max_length,
            position=measure.position,
        )
    for measure in originals:
        if measure.total_matches_id:
            target = copies[measure.pk]
            target.total_matches = copies.get(measure.total_matches_id)
            target.save(update_fields=["total_matches"])
    return copy
