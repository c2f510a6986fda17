"""Reads for assessing: the assessor's queue and scores, and the officers' view of who
assesses what."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Case, Count, Q, QuerySet, Value, When

from accounts.models import User
from accounts.roles import Role
from core.versioned import forget_on_commit, read_through
from grants.models import Application, Assessment, Criterion, Round, Score
from grants.selectors.panel import RANKED_STATUSES

TO_DO = [Assessment.Status.ASSIGNED, Assessment.Status.IN_PROGRESS]
DONE = [Assessment.Status.SUBMITTED, Assessment.Status.RECUSED]


def assessments_for_assessor(*, user, done: bool = False) -> QuerySet[Assessment]:
    """The assessor's queue: what is still to do (conflicts to declare first, then scoring),
    or with `done` what they have submitted or recused from, newest deadline first."""
    order: tuple[Any, ...]
    if done:
        statuses, order = DONE, ("-application__round__closes_at", "application__reference")
    else:
        to_do_order = Case(
            When(status=Assessment.Status.ASSIGNED, then=Value(0)),
            default=Value(1),
        )
        statuses = TO_DO
        order = (to_do_order, "application__round__closes_at", "application__reference")
    return (
        Assessment.objects.filter(assessor=user, status__in=statuses)
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
        .order_by(*order)
    )


def assessor_queue_counts(*, user) -> dict[str, int]:
    """How many of the assessor's bids are still to do and done, in one query."""
    return Assessment.objects.filter(assessor=user).aggregate(
        to_do=Count("pk", filter=Q(status__in=TO_DO)),
        done=Count("pk", filter=Q(status__in=DONE)),
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


def submitted_only(assessments) -> list[Assessment]:
    """The submitted ones of already-loaded assessments (no query)."""
    return [a for a in assessments if a.status == Assessment.Status.SUBMITTED]


# Assessments change status a few times each (assigned, started, submitted): the counts
# are kept until any does, anywhere, and read afresh then (Assessment.save).
WORKLOAD_VERSION = "grants:assessments-version"
WORKLOAD_TIMEOUT = 24 * 3600


def _workload_counts(round: Round) -> dict[int, dict[str, int]]:
    rows = (
        Assessment.objects.filter(application__round=round)
        .order_by()
        .values("assessor_id")
        .annotate(
            active=Count("pk", filter=Q(status__in=Assessment.ACTIVE)),
            submitted=Count("pk", filter=Q(status=Assessment.Status.SUBMITTED)),
        )
    )
    return {
        row["assessor_id"]: {"active": row["active"], "submitted": row["submitted"]} for row in rows
    }


def assessor_workload_changed() -> None:
    """An assessment was made, changed status or was deleted: count afresh on commit."""
    forget_on_commit(WORKLOAD_VERSION)


def assessor_workload(*, round: Round) -> list[Mapping[str, Any]]:
    """Every assessor with their live and submitted assessments in this round.

    The counts are summed over the round's assessments only (not every assessor's whole
    history) and kept in the cache until an assessment changes; the assessors are read
    each time."""
    counts: dict[int, Mapping[str, Any]] = read_through(
        version_key=WORKLOAD_VERSION,
        key=f"grants:workload:{round.pk}",
        tag=str(round.uuid),
        compute=lambda: _workload_counts(round),
        timeout=WORKLOAD_TIMEOUT,
    )
    assessors = (
        User.objects.filter(groups__name=Role.ASSESSOR.label)
        .order_by("full_name", "email")
        .values("pk", "full_name", "email")
    )
    return [
        {
            "full_name": person["full_name"],
            "email": person["email"],
            "active": counts.get(person["pk"], {}).get("active", 0),
            "submitted": counts.get(person["pk"], {}).get("submitted", 0),
        }
        for person in assessors
    ]


def assessment_summary(*, round: Round) -> QuerySet[Application]:
    """A round's ranked bids with their scores and how many assessors each has (1 query)."""
    return (
        Application.objects.filter(round=round, status__in=RANKED_STATUSES)
        .select_related("organisation")
        .annotate(
            assessors=Count("assessments", filter=Q(assessments__status__in=Assessment.ACTIVE))
        )
        .order_by("reference")
    )
