"""Reads for rounds: the public list and round page, the officers' list of rounds and of the
bids to one, and the round summary (results by area and by priority)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet

from accounts.models import Organisation
from grants.models import Application, Pot, Round
from grants.selectors.application_list import applications_filtered
from grants.selectors.applications import BIG_TEXT


def rounds_for_public_list() -> QuerySet[Round]:
    """Open and upcoming rounds with their fund and pots, soonest deadline first."""
    return (
        Round.objects.published()
        .select_related("fund")
        .prefetch_related(Prefetch("pots", queryset=Pot.objects.order_by("position", "name")))
        .order_by("closes_at")
    )


def round_detail(*, round_uuid) -> Round | None:
    return (
        Round.objects.select_related("fund", "plan")
        .prefetch_related("pots", "priorities", "districts", "criteria")
        .filter(uuid=round_uuid)
        .first()
    )


@dataclass(frozen=True)
class ApplyState:
    """What the round page offers a visitor: start, continue, or only the checker."""

    member: bool  # belongs to an organisation that applies for grants
    application: Application | None  # their organisation's live application for the round


def round_apply_state(*, round: Round, user) -> ApplyState:
    if not getattr(user, "is_authenticated", False):
        return ApplyState(member=False, application=None)
    organisation_ids = list(
        Organisation.objects.filter(memberships__user=user, is_applicant=True).values_list(
            "pk", flat=True
        )
    )
    live = list(
        Application.objects.filter(round=round, organisation_id__in=organisation_ids)
        .exclude(status=Application.Status.WITHDRAWN)
        .order_by("-updated_at")
    )
    # A member of two groups sees the draft still to finish before one already sent.
    drafts = [a for a in live if a.status == Application.Status.DRAFT]
    application = next(iter(drafts or live), None)
    return ApplyState(member=bool(organisation_ids), application=application)


def rounds_for_staff_list() -> QuerySet[Round]:
    """Every round with its fund and counts of drafts and of submitted-or-later bids."""
    not_submitted = [Application.Status.DRAFT, Application.Status.WITHDRAWN]
    return (
        Round.objects.select_related("fund")
        .annotate(
            drafts=Count("applications", filter=Q(applications__status=Application.Status.DRAFT)),
            submitted=Count("applications", filter=~Q(applications__status__in=not_submitted)),
        )
        .order_by("-opens_at")
    )


def applications_for_round(
    *,
    round: Round,
    status: str = "",
    district_id: int | None = None,
    pot_id: int | None = None,
    priority_id: int | None = None,
    search: str = "",
    view: str = "",
) -> QuerySet[Application]:
    """The officer's list: submitted-or-later applications by default, with filters.

    `search` matches part of the reference, organisation name or project title, in any case.
    """
    applications = (
        applications_filtered(
            round=round,
            district_id=district_id,
            pot_id=pot_id,
            priority_id=priority_id,
            search=search,
            view=view,
        )
        .select_related("organisation__district", "pot", "primary_priority")
        .order_by("reference", "created_at")
    )
    if status:
        applications = applications.filter(status=status)
    return applications


AREA_ORDER = [
    "Bradford",
    "Calderdale",
    "Kirklees",
    "Leeds",
    "Wakefield",
    "Multi-District",
    "Across West Yorkshire",
]


def area_of(*, across_west_yorkshire: bool, district_names: list[str]) -> str:
    """The reporting area of a bid: its one district, Multi-District, or Across West Yorkshire."""
    if across_west_yorkshire:
        return "Across West Yorkshire"
    if len(district_names) == 1:
        return district_names[0]
    if len(district_names) > 1:
        return "Multi-District"
    return "Not stated"


@dataclass
class ResultRow:
    label: str
    received: int = 0
    requested: Decimal = Decimal(0)
    projects: int = 0
    awarded: Decimal = Decimal(0)


@dataclass
class RoundResults:
    received: int
    eligible: int
    recommended: int
    awarded: int
    requested_total: Decimal
    awarded_total: Decimal
    by_area: list[ResultRow]
    by_priority: list[ResultRow]


def round_results(*, round: Round) -> RoundResults:
    """The officers' round summary: counts, money, and results by area and by priority."""
    received = list(
        Application.objects.filter(round=round, submitted_at__isnull=False)
        .select_related("primary_priority", "award", "screening")
        .prefetch_related("districts")
        .defer(*BIG_TEXT)
    )
    areas = {name: ResultRow(name) for name in AREA_ORDER}
    priorities: dict[str, ResultRow] = {
        f"{p.code} {p.title}": ResultRow(f"{p.code} {p.title}")
        for p in round.plan.priorities.order_by("position", "code")
    }
    eligible = recommended = 0
    for application in received:
        award = getattr(application, "award", None)
        screening = getattr(application, "screening", None)
        if screening is not None and screening.outcome == "eligible":
            eligible += 1
        if application.mark == Application.Mark.RECOMMENDED and application.status not in (
            Application.Status.ASSESSED,
            Application.Status.IN_ASSESSMENT,
        ):
            recommended += 1
        area = area_of(
            across_west_yorkshire=application.across_west_yorkshire,
            district_names=sorted(d.name for d in application.districts.all()),
        )
        priority = application.primary_priority
        label = f"{priority.code} {priority.title}" if priority else "Not stated"
        for row in (
            areas.setdefault(area, ResultRow(area)),
            priorities.setdefault(label, ResultRow(label)),
        ):
            row.received += 1
            row.requested += application.amount_requested or 0
            if award is not None:
                row.projects += 1
                row.awarded += award.amount
    awards = [a.award for a in received if getattr(a, "award", None) is not None]
    return RoundResults(
        received=len(received),
        eligible=eligible,
        recommended=recommended,
        awarded=len(awards),
        requested_total=sum((a.amount_requested or Decimal(0) for a in received), Decimal(0)),
        awarded_total=sum((a.amount for a in awards), Decimal(0)),
        by_area=list(areas.values()),
        by_priority=list(priorities.values()),
    )
