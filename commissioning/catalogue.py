"""The MoJ-style victim services measures (DOMAIN.md section 2), as data to seed a
measure set. Check against the current MoJ template each year; edit here or in admin."""

from __future__ import annotations

from commissioning.models.measures import DEFAULT_CATEGORIES, Dimension

CASE_STUDY_WARNING = (
    "Do not include names, addresses, dates of birth or anything else that could identify "
    "a victim. Change details if you need to."
)

VICTIM_SERVICES: list[dict] = [
    {
        "code": "REF",
        "label": "Referrals received",
        "kind": "count",
        "breakdown": Dimension.REFERRAL_SOURCE,
        "help_text": "New referrals received in the quarter, by where they came from.",
    },
    {
        "code": "OFFERED",
        "label": "Victims offered support",
        "kind": "count",
        "help_text": "Victims contacted and offered support in the quarter.",
    },
    {
        "code": "ACCEPTED",
        "label": "Victims who accepted support",
        "kind": "count",
    },
    {
        "code": "SUPPORTED",
        "label": "Victims supported",
        "kind": "count",
        "breakdown": Dimension.CRIME_TYPE,
        "help_text": "Every victim given support in the quarter, new or continuing.",
    },
    {
        "code": "SUP_AGE",
        "label": "Victims supported by age band",
        "kind": "count",
        "breakdown": Dimension.AGE_BAND,
        "total_matches": "SUPPORTED",
    },
    {
        "code": "SUP_SEX",
        "label": "Victims supported by sex",
        "kind": "count",
        "breakdown": Dimension.SEX,
        "total_matches": "SUPPORTED",
    },
    {
        "code": "SUP_ETHNICITY",
        "label": "Victims supported by ethnicity",
        "kind": "count",
        "breakdown": Dimension.ETHNICITY,
        "total_matches": "SUPPORTED",
    },
    {
        "code": "SUP_DISABILITY",
        "label": "Victims supported by disability",
        "kind": "count",
        "breakdown": Dimension.DISABILITY,
        "total_matches": "SUPPORTED",
    },
    {
        "code": "CLOSED",
        "label": "Cases closed",
        "kind": "count",
        "help_text": "Cases closed in the quarter: the people the outcome measures below are about.",
    },
    {
        "code": "OUT_HEALTH",
        "label": "Improved health and wellbeing",
        "kind": "percentage",
        "help_text": "Of those leaving support in the quarter, the percentage reporting this.",
    },
    {
        "code": "OUT_COPE",
        "label": "Better able to cope with aspects of everyday life",
        "kind": "percentage",
        "help_text": "Of those leaving support in the quarter, the percentage reporting this.",
    },
    {
        "code": "OUT_SAFER",
        "label": "Feel safer",
        "kind": "percentage",
        "help_text": "Of those leaving support in the quarter, the percentage reporting this.",
    },
    {
        "code": "OUT_INFORMED",
        "label": "Better informed and empowered",
        "kind": "percentage",
        "help_text": "Of those leaving support in the quarter, the percentage reporting this.",
    },
    {
        "code": "SPEND",
        "label": "Spend in the quarter",
        "kind": "money",
        "help_text": "Money spent on the service in the quarter, in pounds, against the allocation.",
    },
    {
        "code": "SUCCESSES",
        "label": "Successes",
        "kind": "text",
        "max_length": 2000,
    },
    {
        "code": "CHALLENGES",
        "label": "Challenges",
        "kind": "text",
        "max_length": 2000,
    },
    {
        "code": "RISKS",
        "label": "Risks and issues",
        "kind": "text",
        "max_length": 2000,
        "required": False,
        "help_text": "Anything that could stop the service delivering, and what you are doing about it.",
    },
    {
        "code": "CASE_STUDY",
        "label": "Case study",
        "kind": "text",
        "max_length": 3000,
        "help_text": CASE_STUDY_WARNING,
    },
]


def seed_measure_set(MeasureSet, Measure, *, year: int, code: str | None = None):
    """Create (or return) the victim services measure set for financial year `year`.
    Takes the model classes so a data migration can pass its historical ones."""
    short = f"{(year + 1) % 100:02d}"
    measure_set, created = MeasureSet.objects.get_or_create(
        code=code or f"victim-services-{year}-{short}",
        defaults={
            "name": f"Victim services {year}/{short}",
            "financial_year": year,
            "description": "Quarterly returns for commissioned victim services (MoJ-style).",
        },
    )
    if not created:
        return measure_set
    by_code = {}
    for position, spec in enumerate(VICTIM_SERVICES):
        breakdown = spec.get("breakdown", "")
        by_code[spec["code"]] = Measure.objects.create(
            measure_set=measure_set,
            code=spec["code"],
            label=spec["label"],
            kind=spec["kind"],
            help_text=spec.get("help_text", ""),
            breakdown=str(breakdown),
            categories=[list(pair) for pair in DEFAULT_CATEGORIES.get(breakdown, [])],
            total_matches=by_code.get(spec.get("total_matches", "")),
            required=spec.get("required", True),
            max_length=spec.get("max_length", 3000),
            position=position,
        )
    return measure_set
