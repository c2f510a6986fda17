"""Monitoring measures are data: a MeasureSet per financial year holds its Measures."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q

from commissioning.quarters import financial_year_label


class Dimension(models.TextChoices):
    CRIME_TYPE = "crime_type", "Crime type"
    AGE_BAND = "age_band", "Age band"
    SEX = "sex", "Sex"
    ETHNICITY = "ethnicity", "Ethnicity"
    DISABILITY = "disability", "Disability"
    REFERRAL_SOURCE = "referral_source", "Referral source"


# The categories a new measure gets for each breakdown; a measure keeps its own copy.
DEFAULT_CATEGORIES: dict[str, list[tuple[str, str]]] = {
    Dimension.CRIME_TYPE: [
        ("domestic_abuse", "Domestic abuse"),
        ("sexual_violence", "Sexual violence"),
        ("other", "Other crime types"),
    ],
    Dimension.AGE_BAND: [
        ("under_18", "Under 18"),
        ("18_24", "18 to 24"),
        ("25_64", "25 to 64"),
        ("65_plus", "65 and over"),
        ("not_known", "Not known"),
    ],
    Dimension.SEX: [
        ("female", "Female"),
        ("male", "Male"),
        ("not_known", "Not known or prefer not to say"),
    ],
    Dimension.ETHNICITY: [
        ("white", "White"),
        ("mixed", "Mixed or multiple ethnic groups"),
        ("asian", "Asian or Asian British"),
        ("black", "Black, Black British, Caribbean or African"),
        ("other", "Other ethnic group"),
        ("not_known", "Not known or prefer not to say"),
    ],
    Dimension.DISABILITY: [
        ("yes", "Disabled"),
        ("no", "Not disabled"),
        ("not_known", "Not known or prefer not to say"),
    ],
    Dimension.REFERRAL_SOURCE: [
        ("police", "Police"),
        ("self", "Self-referral"),
        ("health", "Health services"),
        ("other_agency", "Other agency"),
    ],
}


class MeasureSet(models.Model):
    """The measures providers report against in one financial year."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=150)
    financial_year = models.PositiveSmallIntegerField(
        help_text="The year it starts: 2026 for 2026/27"
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["-financial_year", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def year_label(self) -> str:
        return financial_year_label(self.financial_year)


class Measure(models.Model):
    class Kind(models.TextChoices):
        COUNT = "count", "Count"
        PERCENTAGE = "percentage", "Percentage"
        MONEY = "money", "Money"
        TEXT = "text", "Text"

    measure_set = models.ForeignKey(MeasureSet, on_delete=models.CASCADE, related_name="measures")
    code = models.CharField(max_length=30)
    label = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    help_text = models.CharField(max_length=400, blank=True)
    breakdown = models.CharField(max_length=20, choices=Dimension.choices, blank=True)
    # [[code, label], ...] for the breakdown; every category must be given and they must
    # add up to the measure's total.
    categories = models.JSONField(default=list, blank=True)
    # The total must equal another measure's (e.g. victims supported by age band).
    total_matches = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    required = models.BooleanField(default=True)
    max_length = models.PositiveIntegerField(default=3000, help_text="For text measures")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["measure_set", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["measure_set", "code"], name="measure_code_unique"),
            models.CheckConstraint(
                condition=Q(breakdown="") | Q(kind="count"), name="only_counts_break_down"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    @property
    def is_numeric(self) -> bool:
        return self.kind != self.Kind.TEXT

    @property
    def category_codes(self) -> list[str]:
        return [code for code, _label in self.categories]

    def category_label(self, code: str) -> str:
        return dict((c, label) for c, label in self.categories).get(code, code)
