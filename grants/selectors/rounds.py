from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, Count, Prefetch, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from accounts.models import Organisation, User
from accounts.roles import Role
from core.models import OutboxMessage, StatusChange
from grants import scoring
from grants.models import (
    Application,
    Assessment,
    Award,
    Criterion,
    PanelItem,
    PanelRecommendation,
    Pot,
    Round,
    Score,
    ScreeningCheck,
)


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


def application_for_form(application_id: int) -> Application:
    """One application with everything the form, the checks and the receipt read."""
    return (
        Application.objects.select_related(
            "round__fund", "round__plan", "organisation__district", "pot", "primary_priority"
        )
        .prefetch_related("districts", "outcomes", "themes", "budget_lines", "documents")
        .get(pk=application_id)
    )


def applications_for_dashboard(*, organisation_ids: list[int]) -> QuerySet[Application]:
    return (
        Application.objects.filter(organisation_id__in=organisation_ids)
        .select_related("round__fund", "organisation", "pot")
        .order_by("-updated_at")
    )


def rounds_open_for_copy() -> QuerySet[Round]:
    now = timezone.now()
    return Round.objects.filter(
        status=Round.Status.OPEN, opens_at__lte=now, closes_at__gt=now
    ).select_related("fund")


def applications_for_round(
    *,
    round: Round,
    status: str = "",
    district_id: int | None = None,
    pot_id: int | None = None,
    priority_id: int | None = None,
    search: str = "",
) -> QuerySet[Application]:
    """The officer's list: submitted-or-later applications by default, with filters.

    `search` matches part of the reference, organisation name or project title, in any case.
    """
    applications = (
        Application.objects.filter(round=round)
        .select_related("organisation__district", "pot", "primary_priority")
        .order_by("reference", "created_at")
    )
    if status:
        applications = applications.filter(status=status)
    if district_id:
        applications = applications.filter(organisation__district_id=district_id)
    if pot_id:
        applications = applications.filter(pot_id=pot_id)
    if priority_id:
        applications = applications.filter(primary_priority_id=priority_id)
    if search.strip():
        words = search.strip()
        applications = applications.filter(
            Q(reference__icontains=words)
            | Q(organisation__name__icontains=words)
            | Q(project_title__icontains=words)
        )
    return applications


def round_summary(round: Round) -> dict:
    """Counts and money requested per status for a round's header."""
    rows = (
        Application.objects.filter(round=round)
        .values("status")
        .annotate(count=Count("pk"), requested=Sum("amount_requested"))
    )
    return {row["status"]: row for row in rows}


def organisations_for_applicant(user) -> list[Organisation]:
    return list(
        Organisation.objects.filter(memberships__user=user, is_applicant=True).order_by("name")
    )


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


# ---------------------------------------------------------------------------
# Assessment, ranking and results


def assessments_for_assessor(*, user) -> QuerySet[Assessment]:
    """The assessor's queue: live assignments and their recusals, to do first."""
    order = Case(
        When(status=Assessment.Status.ASSIGNED, then=Value(0)),
        When(status=Assessment.Status.IN_PROGRESS, then=Value(1)),
        When(status=Assessment.Status.SUBMITTED, then=Value(2)),
        default=Value(3),
    )
    return (
        Assessment.objects.filter(assessor=user)
        .exclude(status=Assessment.Status.REMOVED)
        .select_related("application__round__fund", "application__organisation")
        .only(
            "uuid",
            "status",
            "application__reference",
            "application__organisation__name",
            "application__round__number",
            "application__round__closes_at",
            "application__round__fund__code",
        )
        .annotate(queue_order=order)
        .order_by("queue_order", "application__round__closes_at", "application__reference")
    )


def assessment_for_assessor(*, user, assessment_uuid) -> Assessment | None:
    """The user's own live assignment, or None: recused and removed ones are gone to them."""
    return (
        Assessment.objects.filter(
            uuid=assessment_uuid,
            assessor=user,
            status__in=[
                Assessment.Status.ASSIGNED,
                Assessment.Status.IN_PROGRESS,
                Assessment.Status.SUBMITTED,
            ],
        )
        .select_related("application__round__fund", "application__organisation__district")
        .first()
    )


def criteria_with_scores(*, assessment: Assessment) -> list[tuple[Criterion, Score | None]]:
    scores = {score.criterion_id: score for score in assessment.scores.all()}
    criteria = Criterion.objects.filter(round_id=assessment.application.round_id)
    return [(criterion, scores.get(criterion.pk)) for criterion in criteria]


def other_assessments(*, assessment: Assessment) -> list[Assessment]:
    """Fellow assessors' submitted scores; shown only once this assessor has submitted."""
    if assessment.status != Assessment.Status.SUBMITTED:
        return []
    return list(
        Assessment.objects.filter(
            application_id=assessment.application_id, status=Assessment.Status.SUBMITTED
        )
        .exclude(pk=assessment.pk)
        .select_related("assessor")
        .prefetch_related("scores__criterion")
    )


def application_for_staff(*, application_uuid) -> Application | None:
    return (
        Application.objects.select_related(
            "round__fund",
            "round__plan",
            "organisation__district",
            "pot",
            "primary_priority",
            "moderated_by",
            "screening__screened_by",
            "award",
        )
        .prefetch_related(
            "districts",
            "outcomes",
            "themes",
            "budget_lines",
            "documents",
            Prefetch(
                "assessments",
                queryset=Assessment.objects.select_related("assessor").prefetch_related(
                    "scores__criterion"
                ),
            ),
        )
        .filter(uuid=application_uuid)
        .first()
    )


def timeline_for_application(*, application: Application) -> list[StatusChange]:
    """Every status change of the bid and of its assessments, oldest first."""
    assessment_ids = [a.pk for a in application.assessments.all()]
    types = ContentType.objects.get_for_models(Application, Assessment)
    return list(
        StatusChange.objects.filter(
            Q(content_type=types[Application], object_id=application.pk)
            | Q(content_type=types[Assessment], object_id__in=assessment_ids)
        )
        .select_related("actor", "content_type")
        .order_by("at", "pk")
    )


# Long answers the ranking and summary never show.
BIG_TEXT = ("summary", "activities", "contribution", "beneficiary_groups", "unsaved_input")

# Bids that take part in the ranking: from eligible to funded, not the dropped ones.
RANKED_STATUSES = [
    Application.Status.ELIGIBLE,
    Application.Status.IN_ASSESSMENT,
    Application.Status.ASSESSED,
    Application.Status.RECOMMENDED,
    Application.Status.RESERVE,
    Application.Status.NOT_RECOMMENDED,
    Application.Status.APPROVED,
    Application.Status.OFFERED,
    Application.Status.ACCEPTED,
    Application.Status.ACTIVE,
    Application.Status.COMPLETED,
]


@dataclass
class PotRanking:
    pot: Pot
    rows: list[scoring.RankedBid[Application]]
    within_total: Decimal
    shown: int = 0

    @property
    def remaining(self) -> Decimal:
        return self.pot.budget - self.within_total


def ranking_for_round(
    *,
    round: Round,
    pot_id: int | None = None,
    district_id: int | None = None,
    priority_id: int | None = None,
) -> list[PotRanking]:
    """Each pot's bids ranked by score against its budget (see grants.scoring).

    The line is drawn over the whole pot; the district and priority filters only hide
    rows, so a row keeps its rank and running total.
    """
    pots = list(round.pots.all())
    if pot_id:
        pots = [pot for pot in pots if pot.pk == pot_id]
    applications = (
        Application.objects.filter(
            round=round, status__in=RANKED_STATUSES, pot__in=[pot.pk for pot in pots]
        )
        .select_related("organisation__district", "primary_priority")
        .defer(*BIG_TEXT)
    )
    by_pot: dict[int, list[scoring.RankedBid[Application]]] = {pot.pk: [] for pot in pots}
    not_counted = {Application.Status.NOT_RECOMMENDED}
    for application in applications:
        by_pot[application.pot_id].append(  # type: ignore[index]  # pot__in: never None
            scoring.RankedBid(
                key=application,
                score=application.final_score,
                # a submitted bid always has its amount requested
                amount=application.recommended_amount or application.amount_requested,  # type: ignore[arg-type]
                submitted_order=(application.submitted_at, application.reference),
                counts=application.mark != Application.Mark.NOT_RECOMMENDED
                and application.status not in not_counted,
            )
        )
    rankings = []
    for pot in pots:
        rows = scoring.budget_line(by_pot[pot.pk], pot.budget)
        within_total = sum((row.amount for row in rows if row.within_budget), Decimal(0))
        if district_id:
            rows = [row for row in rows if row.key.organisation.district_id == district_id]
        if priority_id:
            rows = [row for row in rows if row.key.primary_priority_id == priority_id]
        rankings.append(PotRanking(pot=pot, rows=rows, within_total=within_total))
    return rankings


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


def panels_for_round(*, round: Round) -> QuerySet[PanelRecommendation]:
    return round.panels.select_related("frozen_by").annotate(
        items_count=Count("items"),
        pending=Count("items", filter=Q(items__decision=PanelItem.Decision.PENDING)),
    )


def panels_for_decision() -> QuerySet[PanelRecommendation]:
    return PanelRecommendation.objects.select_related("round__fund", "frozen_by").annotate(
        items_count=Count("items"),
        pending=Count("items", filter=Q(items__decision=PanelItem.Decision.PENDING)),
    )


def panel_detail(*, panel_uuid) -> PanelRecommendation | None:
    return (
        PanelRecommendation.objects.select_related("round__fund", "frozen_by")
        .prefetch_related(
            Prefetch(
                "items",
                queryset=PanelItem.objects.select_related(
                    "application__organisation__district", "pot", "decided_by", "application__award"
                ).order_by("pot__position", "rank"),
            )
        )
        .filter(uuid=panel_uuid)
        .first()
    )


def assessor_workload(*, round: Round) -> list[Mapping[str, Any]]:
    """Every assessor with their live and submitted assessments in this round."""

    return list(
        User.objects.filter(groups__name=Role.ASSESSOR.label)
        .annotate(
            active=Count(
                "assessments",
                filter=Q(
                    assessments__application__round=round,
                    assessments__status__in=Assessment.ACTIVE,
                ),
            ),
            submitted=Count(
                "assessments",
                filter=Q(
                    assessments__application__round=round,
                    assessments__status=Assessment.Status.SUBMITTED,
                ),
            ),
        )
        .order_by("full_name", "email")
        .values("full_name", "email", "active", "submitted")
    )


def award_for_application(*, application: Application):

    return Award.objects.filter(application=application).first()


def letter_messages_for_round(*, round: Round):
    """The outbox rows of the round's decision letters, each with `state` (sent, pending or
    failed) and `application` set; the first failure counts as failed until it is sent."""

    types = ContentType.objects.get_for_models(Application, Award)
    awards = dict(
        Award.objects.filter(application__round=round).values_list("pk", "application_id")
    )
    applications = {
        a.pk: a
        for a in Application.objects.filter(round=round, submitted_at__isnull=False)
        .select_related("organisation")
        .only("pk", "uuid", "reference", "status", "organisation__name")
    }
    messages = list(
        OutboxMessage.objects.filter(period="")
        .filter(
            Q(kind="grants.award_made", content_type=types[Award], object_id__in=list(awards))
            | Q(
                kind="grants.application_declined",
                content_type=types[Application],
                object_id__in=list(applications),
            )
        )
        .order_by("created_at", "pk")
    )
    for message in messages:
        application_id = (
            awards[message.object_id] if message.kind == "grants.award_made" else message.object_id
        )
        # set for the template, which shows them beside the message
        message.application = applications[application_id]  # type: ignore[attr-defined]
        message.state = "sent" if message.sent_at else ("failed" if message.attempts else "pending")  # type: ignore[attr-defined]
    return sorted(messages, key=lambda m: m.application.reference)


def assessed_waiting_count(*, round: Round) -> int:
    """Assessed bids a freeze would put on the panel list, whatever the page's filters."""
    return Application.objects.filter(round=round, status=Application.Status.ASSESSED).count()


@dataclass(frozen=True)
class FreezeCheck:
    """What freezing the panel list now would take, and what it would leave behind."""

    round_open: bool
    to_freeze: int  # assessed bids that go on the list
    unmarked: int  # assessed bids with no mark yet: the freeze is refused
    unscreened: int  # submitted bids no officer has screened
    in_assessment: int  # eligible bids still being scored

    @property
    def left_behind(self) -> bool:
        return self.round_open or self.unscreened > 0 or self.in_assessment > 0


def panel_freeze_check(*, round: Round) -> FreezeCheck:
    """Counts for the "are you sure" page before the panel list is frozen (one query)."""
    S = Application.Status
    counts = Application.objects.filter(round=round).aggregate(
        to_freeze=Count("pk", filter=Q(status=S.ASSESSED)),
        unmarked=Count("pk", filter=Q(status=S.ASSESSED, mark="")),
        unscreened=Count("pk", filter=Q(status=S.SUBMITTED)),
        in_assessment=Count("pk", filter=Q(status__in=[S.ELIGIBLE, S.IN_ASSESSMENT])),
    )
    return FreezeCheck(round_open=round.is_open, **counts)


def submitted_only(assessments) -> list[Assessment]:
    """The submitted ones of already-loaded assessments (no query)."""
    return [a for a in assessments if a.status == Assessment.Status.SUBMITTED]


def letter_counts(messages) -> dict[str, int]:
    return {
        state: sum(1 for m in messages if m.state == state)
        for state in ("sent", "pending", "failed")
    }


def screening_checklist(*, round: Round) -> list[ScreeningCheck]:
    """The round's screening checks in order (rounds get the standard ones when created)."""
    return list(round.screening_checks.all())
