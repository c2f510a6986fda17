"""Reads for rounds: the public list and round page, the officers' list of rounds and of the
bids to one, and the round summary (results by area and by priority)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)

from accounts.models import District, Organisation
from grants.models import Application, Pot, Round
from grants.selectors.application_list import applications_filtered
from outcomes.models import Priority


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


ACROSS, MULTI, NOT_STATED = -1, -2, 0  # area keys besides a district's id


def _area_key(round: Round):
    """Each bid's reporting area as a number: its one district's id, MULTI, ACROSS or
    NOT_STATED. No bid or district becomes a model object, and the names are looked up
    once per area, not per bid.

    The round's bids with districts, and those with more than one, are read once each into
    a hash (uncorrelated subqueries); only a bid with exactly one district looks its
    district up. A lookup for every bid cost 25 ms at 20,000 bids."""
    through = Application.districts.through.objects.filter(application__round=round).order_by()
    with_districts = through.values("application_id")
    several = (
        through.values("application_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)  # type: ignore[misc]  # the plugin misses annotations made in .annotate()
        .values("application_id")
    )
    district = Application.districts.through.objects.filter(application_id=OuterRef("pk")).values(
        "district_id"
    )[:1]
    return Case(
        When(across_west_yorkshire=True, then=Value(ACROSS)),
        When(pk__in=several, then=Value(MULTI)),
        When(pk__in=with_districts, then=Subquery(district)),
        default=Value(NOT_STATED),
        output_field=IntegerField(),
    )


def _result_row(label: str, sums: dict | None) -> ResultRow:
    sums = sums or {}
    return ResultRow(
        label,
        received=sums.get("received") or 0,
        requested=sums.get("requested") or Decimal(0),
        projects=sums.get("projects") or 0,
        awarded=sums.get("awarded") or Decimal(0),
    )


def round_results(*, round: Round) -> RoundResults:
    """The officers' round summary: counts, money, and results by area and by priority.

    One query sums the bids by priority and area in the database (a few dozen groups at
    any size); the plan's priorities and the district names are read once each."""
    S = Application.Status
    groups = list(
        Application.objects.filter(round=round, submitted_at__isnull=False)
        .order_by()
        .annotate(area=_area_key(round))
        .values("primary_priority_id", "area")
        .annotate(
            received=Count("pk"),
            requested=Sum("amount_requested"),
            projects=Count("award"),
            awarded=Sum("award__amount"),
            eligible=Count("pk", filter=Q(screening__outcome="eligible")),
            recommended=Count(
                "pk",
                filter=Q(mark=Application.Mark.RECOMMENDED)
                & ~Q(status__in=[S.ASSESSED, S.IN_ASSESSMENT]),
            ),
        )
    )
    plan_priorities = list(Priority.objects.filter(plan=round.plan_id).order_by("position", "code"))
    seen = {p.pk for p in plan_priorities}
    # A bid whose priority is not in the round's plan still counts, under its own label.
    others = {g["primary_priority_id"] for g in groups} - seen - {None}
    labels = {
        p.pk: f"{p.code} {p.title}"
        for p in plan_priorities + list(Priority.objects.filter(pk__in=others) if others else [])
    }
    district_ids = {g["area"] for g in groups if g["area"] > 0}
    names = dict(
        District.objects.filter(pk__in=district_ids).values_list("pk", "name")
        if district_ids
        else []
    )
    special = {ACROSS: "Across West Yorkshire", MULTI: "Multi-District", NOT_STATED: "Not stated"}
    areas = {name: ResultRow(name) for name in AREA_ORDER}
    priorities = {labels[p.pk]: ResultRow(labels[p.pk]) for p in plan_priorities}
    for group in groups:
        area = special.get(group["area"]) or names.get(group["area"], "Not stated")
        priority = labels.get(group["primary_priority_id"], "Not stated")
        for row in (
            areas.setdefault(area, ResultRow(area)),
            priorities.setdefault(priority, ResultRow(priority)),
        ):
            row.received += group["received"]
            row.requested += group["requested"] or 0
            row.projects += group["projects"]
            row.awarded += group["awarded"] or 0
    return RoundResults(
        received=sum(g["received"] for g in groups),
        eligible=sum(g["eligible"] for g in groups),
        recommended=sum(g["recommended"] for g in groups),
        awarded=sum(g["projects"] for g in groups),
        requested_total=sum((g["requested"] or Decimal(0) for g in groups), Decimal(0)),
        awarded_total=sum((g["awarded"] or Decimal(0) for g in groups), Decimal(0)),
        by_area=list(areas.values()),
        by_priority=list(priorities.values()),
    )
