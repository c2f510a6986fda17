"""The application form's sections and what each needs before the bid can be submitted."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from grants.models import Application, ApplicationDocument, BudgetLine

MAX_PROJECT_MONTHS = 12


@dataclass(frozen=True)
class Section:
    slug: str
    title: str


SECTIONS = [
    Section("organisation", "About your organisation"),
    Section("project", "Your project"),
    Section("where", "Where and who"),
    Section("alignment", "Plan alignment"),
    Section("budget", "Budget"),
    Section("documents", "Documents"),
    Section("declarations", "Declarations"),
]
SECTION_SLUGS = [section.slug for section in SECTIONS]
SECTION_TITLES = {section.slug: section.title for section in SECTIONS}


CHOICE_FIELDS = {"pot", "districts", "primary_priority"}
DATE_FIELDS = {"start_date", "end_date"}


@dataclass(frozen=True)
class Problem:
    section: str
    field: str
    message: str

    @property
    def anchor(self) -> str:
        """The id of the box to fix on the section's page ('' when there is no one box)."""
        if self.section in ("budget", "documents"):
            return ""
        if self.field in CHOICE_FIELDS:
            return f"id_{self.field}_0"
        if self.field in DATE_FIELDS:
            return f"id_{self.field}_day"
        return f"id_{self.field}"


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    days_in_month = [
        31,
        29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28,
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ][month - 1]
    return dt.date(year, month, min(day.day, days_in_month))


def earliest_start(application: Application) -> dt.date:
    """Work cannot start before it could be awarded: the day after the round closes."""
    return timezone.localtime(application.round.closes_at).date() + dt.timedelta(days=1)


def project_date_problems(application: Application, start, end) -> dict[str, str]:
    problems = {}
    if start and start < earliest_start(application):
        problems["start_date"] = (
            f"The project cannot start before it is awarded: choose a start date on or after "
            f"{earliest_start(application):%-d %B %Y}"
        )
    if start and end and end < start:
        problems["end_date"] = "The end date must be on or after the start date"
    elif start and end and end > add_months(start, MAX_PROJECT_MONTHS) - dt.timedelta(days=1):
        problems["end_date"] = (
            "The project must last no longer than 12 months: choose an end date on or before "
            f"{add_months(start, MAX_PROJECT_MONTHS) - dt.timedelta(days=1):%-d %B %Y}"
        )
    return problems


def amount_problem(pot, amount: Decimal | None) -> str | None:
    if pot is None or amount is None:
        return None
    if amount < pot.min_award or amount > pot.max_award:
        return (
            f"{pot.name} gives grants from £{pot.min_award:,.0f} to £{pot.max_award:,.0f}: "
            "enter an amount in that range"
        )
    return None


WHERE_BOTH = (
    "Select either “across all of West Yorkshire” or the districts your project works in, not both"
)


def where_problem(across_west_yorkshire: bool, districts) -> str | None:
    """Working across all of West Yorkshire and in chosen districts contradict each other."""
    return WHERE_BOTH if across_west_yorkshire and districts else None


def application_problems(application: Application) -> list[Problem]:
    """Everything still missing or wrong, section by section, in form order.

    Expects the application with its round, pot, organisation, budget lines, documents,
    districts, outcomes and themes loaded (see selectors.application_for_form).
    """
    problems: list[Problem] = []

    def need(section: str, field: str, ok, message: str) -> None:
        if not ok:
            problems.append(Problem(section, field, message))

    organisation = application.organisation
    need("organisation", "postcode", organisation.postcode, "Enter your organisation's postcode")
    need("organisation", "district", organisation.district_id, "Choose the district you work in")

    need("project", "project_title", application.project_title.strip(), "Enter a project title")
    need("project", "summary", application.summary.strip(), "Enter a summary of your project")
    need("project", "activities", application.activities.strip(), "Describe your activities")
    need("project", "start_date", application.start_date, "Enter the date the project starts")
    need("project", "end_date", application.end_date, "Enter the date the project ends")
    need("project", "pot", application.pot_id, "Choose which pot you are applying to")
    need(
        "project",
        "amount_requested",
        application.amount_requested,
        "Enter the amount you are asking for",
    )
    for field, message in project_date_problems(
        application, application.start_date, application.end_date
    ).items():
        problems.append(Problem("project", field, message))
    message = amount_problem(application.pot, application.amount_requested)
    need("project", "amount_requested", message is None, message)

    districts = list(application.districts.all())
    need(
        "where",
        "districts",
        application.across_west_yorkshire or districts,
        "Choose the districts your project works in, or across West Yorkshire",
    )
    message = where_problem(application.across_west_yorkshire, districts)
    need("where", "districts", message is None, message)
    if not application.round.all_districts:
        need(
            "where",
            "postcodes",
            application.postcodes.strip(),
            "Enter the postcodes or wards your project works in",
        )
    need(
        "where",
        "beneficiary_groups",
        application.beneficiary_groups.strip(),
        "Say who your project will help",
    )
    need(
        "where",
        "beneficiary_count",
        application.beneficiary_count,
        "Enter how many people it will help",
    )

    need(
        "alignment",
        "primary_priority",
        application.primary_priority_id,
        "Choose the plan priority your project mainly supports",
    )
    need(
        "alignment",
        "contribution",
        application.contribution.strip(),
        "Say how your project contributes to the plan",
    )

    lines = list(application.budget_lines.all())
    need("budget", "lines", lines, "Add at least one budget line")
    total = sum((line.amount for line in lines), Decimal("0"))
    if lines and application.amount_requested is not None and total != application.amount_requested:
        problems.append(
            Problem(
                "budget",
                "lines",
                f"Your budget adds up to £{total:,.2f} but you are asking for "
                f"£{application.amount_requested:,.2f}: they must be the same",
            )
        )
    for line in lines:
        if line.category in BudgetLine.EXCLUDED:
            problems.append(
                Problem(
                    "budget",
                    "lines",
                    f"Remove “{line.description}”: {BudgetLine.EXCLUDED[line.category]}",
                )
            )

    kinds = {document.kind for document in application.documents.all()}
    for kind in ApplicationDocument.REQUIRED:
        need(
            "documents",
            kind,
            kind in kinds,
            f"Upload your {ApplicationDocument.Kind(kind).label.lower()}",
        )

    need(
        "declarations",
        "declaration_true",
        application.declaration_true,
        "Confirm the information is true",
    )
    need(
        "declarations",
        "declaration_terms",
        application.declaration_terms,
        "Confirm you accept the fund's terms",
    )
    need(
        "declarations",
        "declaration_data",
        application.declaration_data,
        "Confirm you have read how we use your data",
    )
    need(
        "declarations",
        "submitter_name",
        application.submitter_name.strip(),
        "Enter the name of the person submitting",
    )
    return problems


def _started(application: Application, slug: str) -> bool:
    """Saved once, or holding something (an upload counts before any "save")."""
    if slug in application.saved_sections or slug == "organisation":
        return True
    if slug == "documents":
        return bool(application.documents.all())
    if slug == "budget":
        return bool(application.budget_lines.all())
    return False


def section_states(application: Application, problems: list[Problem]) -> dict[str, str]:
    """'completed', 'in_progress' or 'not_started' for each section.

    Expects documents and budget lines prefetched (see selectors.application_for_form).
    """
    with_problems = {problem.section for problem in problems}
    states = {}
    for slug in SECTION_SLUGS:
        if slug not in with_problems:
            states[slug] = "completed"
        elif _started(application, slug):
            states[slug] = "in_progress"
        else:
            states[slug] = "not_started"
    return states
