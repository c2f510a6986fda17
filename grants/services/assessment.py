"""Criteria, assessor assignment, conflict declarations, scoring and moderation."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import Membership, User
from accounts.permissions import is_assessor
from core.errors import NotAllowed
from core.models import StatusChange
from core.parsers import InvalidInput, parse_decimal
from core.workflow import transition, transition_many
from grants import scoring
from grants.models import Application, Assessment, Criterion, Round, Score
from grants.selectors.application_list import round_status_counts_changed
from grants.selectors.assessment import assessor_workload_changed
from grants.selectors.panel import ranking_changed
from grants.services.bulk import BulkResult
from grants.services.screening import _require_officer

S = Application.Status
# Bids an officer may give assessors to.
ASSIGNABLE = frozenset({S.ELIGIBLE, S.IN_ASSESSMENT, S.ASSESSED})


def _scoring_started(round: Round) -> bool:
    return Assessment.objects.filter(
        application__round=round,
        status__in=[Assessment.Status.IN_PROGRESS, Assessment.Status.SUBMITTED],
    ).exists()


@dataclass(frozen=True, kw_only=True)
class CriterionDetails:
    name: str
    weight: int
    scale_max: int = 4
    guidance: str = ""
    descriptors: Sequence[str] = ()
    minimum_score: int | None = None
    allow_not_applicable: bool = False
    position: int = 0


@transaction.atomic
def criterion_save(
    *, details: CriterionDetails, round: Round, actor: User, criterion: Criterion | None = None
) -> Criterion:
    """Create or change one of a round's criteria, until scoring starts."""
    _require_officer(actor)
    if _scoring_started(round):
        raise NotAllowed(
            "Assessors have started scoring this round, so its criteria can no longer change."
        )
    criterion = (
        Criterion.objects.select_for_update().get(pk=criterion.pk) if criterion else Criterion()
    )
    for item in fields(details):
        setattr(criterion, item.name, getattr(details, item.name))
    criterion.descriptors = list(details.descriptors)
    criterion.round = round
    criterion.full_clean()
    criterion.save()
    return criterion


@transaction.atomic
def criterion_remove(*, round: Round, actor: User, criterion_id: int) -> None:
    _require_officer(actor)
    if _scoring_started(round):
        raise NotAllowed(
            "Assessors have started scoring this round, so its criteria can no longer change."
        )
    round.criteria.filter(pk=criterion_id).delete()


def _audit_created(assessment: Assessment, actor: User, reason: str = "") -> None:
    StatusChange.objects.create(
        content_type=ContentType.objects.get_for_model(Assessment),
        object_id=assessment.pk,
        from_status="",
        to_status=assessment.status,
        actor=actor,
        reason=reason,
    )


def _not_eligible(application: Application) -> str | None:
    if application.status in ASSIGNABLE:
        return None
    return (
        "Assessors can only be given eligible bids; this one is "
        f"{application.get_status_display().lower()}."
    )


def _why_not_assignable(application: Application, assessor: User) -> str | None:
    if problem := _not_eligible(application):
        return problem
    if not is_assessor(assessor):
        return f"{assessor.full_name or assessor.email} is not an assessor."
    member = Membership.objects.filter(
        user=assessor, organisation_id=application.organisation_id
    ).exists()
    previous = (
        Assessment.objects.filter(application=application, assessor=assessor)
        .exclude(status=Assessment.Status.REMOVED)
        .values_list("status", flat=True)
        .first()
    )
    return _refusal(application, assessor, member=member, previous=previous)


def _refusal(
    application: Application, assessor: User, *, member: bool, previous: str | None
) -> str | None:
    """Why `assessor` cannot take the bid, from what is known of it: a member of the group,
    or their assessment of it that is not removed (its status), if any."""
    name = assessor.full_name or assessor.email
    if problem := _not_eligible(application):
        return problem
    if member:
        return f"{name} belongs to {application.organisation.name}, so cannot assess its bid."
    if previous == Assessment.Status.RECUSED:
        return f"{name} declared a conflict on this bid."
    if previous is not None:
        return f"{name} is already assessing this bid."
    return None


def _assign(application: Application, assessor: User, actor: User) -> Assessment:
    assessment = Assessment.objects.create(
        application=application, assessor=assessor, assigned_by=actor
    )
    _audit_created(assessment, actor)
    if application.status in (S.ELIGIBLE, S.ASSESSED):
        transition(
            application,
            to_status=S.IN_ASSESSMENT,
            actor=actor,
            reason=f"Assessor assigned: {assessor.full_name or assessor.email}",
        )
    return assessment


@transaction.atomic
def assessment_assign(*, application: Application, assessor: User, actor: User) -> Assessment:
    """Give one eligible bid to one assessor."""
    _require_officer(actor)
    application = (
        Application.objects.select_for_update()
        .select_related("organisation")
        .get(pk=application.pk)
    )
    problem = _why_not_assignable(application, assessor)
    if problem:
        raise NotAllowed(problem)
    return _assign(application, assessor, actor)


@dataclass
class AssignmentResult:
    assigned: int = 0
    # References of bids that could not reach the target, with the reason.
    short: list[tuple[str, str]] = field(default_factory=list)


@transaction.atomic
def assessors_assign_balanced(
    *, round: Round, assessors: list[User], per_application: int, actor: User
) -> AssignmentResult:
    """Bring every eligible bid in the round up to `per_application` assessors.

    Each bid goes to the chosen assessors with the fewest active assignments in this round
    so far (ties: the earliest-created user), never to a member of the applicant's
    organisation or to someone already on it or recused from it. Bids are taken in
    reference order, so the same inputs always give the same assignments.
    """
    _require_officer(actor)
    if per_application < 1:
        raise ValidationError({"per_application": "Each bid needs at least one assessor."})
    if not assessors:
        raise ValidationError({"assessors": "Choose at least one assessor."})
    not_assessors = [a.full_name or a.email for a in assessors if not is_assessor(a)]
    if not_assessors:
        raise ValidationError({"assessors": f"Not assessors: {', '.join(not_assessors)}."})
    assessors = sorted(assessors, key=lambda user: user.pk)
    applications = list(
        Application.objects.select_for_update()
        .filter(round=round, status__in=ASSIGNABLE)
        .select_related("organisation")
        .order_by("reference")
    )
    existing = Assessment.objects.filter(application__round=round).exclude(
        status=Assessment.Status.REMOVED
    )
    workload = Counter(
        existing.filter(status__in=Assessment.ACTIVE).values_list("assessor_id", flat=True)
    )
    taken: dict[int, set[int]] = {}
    active_count: Counter = Counter()
    for application_id, assessor_id, status in existing.values_list(
        "application_id", "assessor_id", "status"
    ):
        taken.setdefault(application_id, set()).add(assessor_id)
        if status in Assessment.ACTIVE:
            active_count[application_id] += 1
    members: dict[int, set[int]] = {}
    for user_id, organisation_id in Membership.objects.filter(user__in=assessors).values_list(
        "user_id", "organisation_id"
    ):
        members.setdefault(organisation_id, set()).add(user_id)

    result = AssignmentResult()
    for application in applications:
        needed = per_application - active_count[application.pk]
        if needed <= 0:
            continue
        excluded = taken.get(application.pk, set()) | members.get(
            application.organisation_id, set()
        )
        candidates = sorted(
            (a for a in assessors if a.pk not in excluded), key=lambda a: (workload[a.pk], a.pk)
        )
        for assessor in candidates[:needed]:
            _assign(application, assessor, actor)
            workload[assessor.pk] += 1
            result.assigned += 1
        if len(candidates) < needed:
            result.short.append(
                (
                    application.reference or str(application.pk),
                    f"only {active_count[application.pk] + len(candidates)} of {per_application} "
                    "assessors are free of conflicts for it",
                )
            )
    return result


@transaction.atomic
def assessment_remove(*, assessment: Assessment, actor: User, reason: str = "") -> Assessment:
    """Take a bid away from an assessor who has not submitted (an officer's call)."""
    _require_officer(actor)
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    transition(assessment, to_status=Assessment.Status.REMOVED, actor=actor, reason=reason)
    _application_settle(assessment.application_id, actor)
    return assessment


@transaction.atomic
def assessment_declare(
    *, assessment: Assessment, actor: User, conflict: bool, reason: str = ""
) -> Assessment:
    """The assessor's declaration: no conflict opens the bid; a conflict recuses them."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.assessor_id != actor.pk:
        raise NotAllowed("Only the assessor given this bid can declare on it.")
    if conflict and not reason.strip():
        raise ValidationError({"reason": "Say what the conflict is, for example “I am a trustee”."})
    assessment.declared_at = timezone.now()
    if conflict:
        assessment.conflict_reason = reason.strip()
        transition(
            assessment,
            to_status=Assessment.Status.RECUSED,
            actor=actor,
            reason=reason.strip(),
            extra_fields=("declared_at", "conflict_reason"),
        )
        _application_settle(assessment.application_id, actor)
    else:
        transition(
            assessment,
            to_status=Assessment.Status.IN_PROGRESS,
            actor=actor,
            reason="Declared no conflict of interest",
            extra_fields=("declared_at",),
        )
    return assessment


@dataclass(frozen=True)
class ScoreInput:
    value: int | None
    not_applicable: bool = False
    comment: str = ""


def _criteria(application_id: int) -> list[Criterion]:
    return list(Criterion.objects.filter(round__applications=application_id))


@dataclass
class ScoringResult:
    assessment: Assessment
    submitted: bool = False
    # Why a requested submit was refused ({form field: message}); the draft is saved anyway.
    errors: dict[str, str] = field(default_factory=dict)


@transaction.atomic
def assessment_save(
    *,
    assessment: Assessment,
    actor: User,
    scores: dict[int, ScoreInput],
    overall_comment: str,
    recommendation: str,
    submit: bool = False,
) -> ScoringResult:
    """Save the assessor's scores as a draft and, if asked, submit them, in one transaction.

    A score that cannot be saved raises ValidationError and saves nothing. A submit refused
    because something is missing still saves the draft: the refusal is in the result."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.assessor_id != actor.pk:
        raise NotAllowed("Only the assessor given this bid can score it.")
    if assessment.status != Assessment.Status.IN_PROGRESS:
        raise NotAllowed(
            f"This assessment is {assessment.get_status_display().lower()} and cannot be changed."
        )
    errors = {}
    for criterion in _criteria(assessment.application_id):
        given = scores.get(criterion.pk)
        if given is None:
            continue
        if given.not_applicable and not criterion.allow_not_applicable:
            errors[f"score_{criterion.pk}"] = (
                f"“{criterion.name}” must be scored; it cannot be not applicable."
            )
            continue
        if given.value is not None and not 0 <= given.value <= criterion.scale_max:
            errors[f"score_{criterion.pk}"] = (
                f"Score “{criterion.name}” from 0 to {criterion.scale_max}."
            )
            continue
        Score.objects.update_or_create(
            assessment=assessment,
            criterion=criterion,
            defaults={
                "value": None if given.not_applicable else given.value,
                "not_applicable": given.not_applicable,
                "comment": given.comment.strip(),
            },
        )
    if recommendation and recommendation not in Assessment.Recommendation.values:
        errors["recommendation"] = "Choose fund, fund with conditions or do not fund."
    if errors:
        raise ValidationError(errors)
    assessment.overall_comment = overall_comment.strip()
    assessment.recommendation = recommendation
    assessment.save(update_fields=["overall_comment", "recommendation"])
    if not submit:
        return ScoringResult(assessment=assessment)
    try:
        with transaction.atomic():
            submitted = assessment_submit(assessment=assessment, actor=actor)
    except ValidationError as missing:
        errors = {key: messages[0] for key, messages in missing.message_dict.items()}
        return ScoringResult(assessment=assessment, errors=errors)
    return ScoringResult(assessment=submitted, submitted=True)


@transaction.atomic
def assessment_submit(*, assessment: Assessment, actor: User) -> Assessment:
    """Submit a complete assessment: every criterion scored (or n/a where allowed) with a
    comment, an overall comment and a recommendation."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.assessor_id != actor.pk:
        raise NotAllowed("Only the assessor given this bid can submit its scores.")
    if assessment.status != Assessment.Status.IN_PROGRESS:
        raise NotAllowed(f"This assessment is {assessment.get_status_display().lower()}.")
    criteria = _criteria(assessment.application_id)
    if not criteria:
        raise NotAllowed("This round has no scoring criteria yet. Ask a grants officer.")
    given = {score.criterion_id: score for score in assessment.scores.all()}
    errors = {}
    for criterion in criteria:
        score = given.get(criterion.pk)
        if score is None or (score.value is None and not score.not_applicable):
            errors[f"score_{criterion.pk}"] = f"Give “{criterion.name}” a score."
        elif not score.comment:
            errors[f"comment_{criterion.pk}"] = f"Explain your score for “{criterion.name}”."
    if not assessment.overall_comment:
        errors["overall_comment"] = "Write an overall comment."
    if not assessment.recommendation:
        errors["recommendation"] = "Choose your recommendation."
    if errors:
        raise ValidationError(errors)
    assessment.weighted_score = scoring.weighted_score(
        scoring.CriterionScore(c.weight, c.scale_max, given[c.pk].value) for c in criteria
    )
    assessment.submitted_at = timezone.now()
    transition(
        assessment,
        to_status=Assessment.Status.SUBMITTED,
        actor=actor,
        extra_fields=("weighted_score", "submitted_at"),
    )
    _application_settle(assessment.application_id, actor)
    return assessment


@transaction.atomic
def assessment_reopen(*, assessment: Assessment, actor: User, reason: str) -> Assessment:
    """Give a submitted assessment back to its assessor (officers only, with a reason)."""
    _require_officer(actor)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the assessment is reopened."})
    assessment = (
        Assessment.objects.select_for_update().select_related("application").get(pk=assessment.pk)
    )
    if assessment.application.status not in ASSIGNABLE:
        raise NotAllowed(
            "This bid is already on the panel list, so its assessments can no longer be reopened."
        )
    assessment.submitted_at = None
    assessment.weighted_score = None
    transition(
        assessment,
        to_status=Assessment.Status.IN_PROGRESS,
        actor=actor,
        reason=reason.strip(),
        extra_fields=("submitted_at", "weighted_score"),
    )
    _application_settle(assessment.application_id, actor)
    return assessment


def application_rescore(*, application: Application) -> Application:
    """Recompute the bid's mean, spread and moderation flags from submitted assessments."""
    submitted = list(
        application.assessments.filter(status=Assessment.Status.SUBMITTED).prefetch_related(
            "scores__criterion"
        )
    )
    weighted = [a.weighted_score for a in submitted if a.weighted_score is not None]
    mean, spread = scoring.mean_and_spread(weighted)
    misses = [
        scoring.MinimumMiss(score.criterion.name, score.value, score.criterion.minimum_score)
        for assessment in submitted
        for score in assessment.scores.all()
        if score.criterion.minimum_score is not None
        and score.value is not None
        and score.value < score.criterion.minimum_score
    ]
    application.assessments_submitted = len(submitted)
    application.score_mean = mean
    application.score_spread = spread
    application.moderation_flags = scoring.moderation_flags(
        spread=spread, threshold=application.round.moderation_threshold, misses=misses
    )
    application.save(
        update_fields=["assessments_submitted", "score_mean", "score_spread", "moderation_flags"]
    )
    return application


def _application_settle(application_id: int, actor: User) -> None:
    """Rescore the bid and move it between in assessment and assessed as the scores stand.

    A bid is assessed when it has the round's number of submitted assessments and nobody
    it is assigned to is still working on it.
    """
    application = (
        Application.objects.select_for_update().select_related("round").get(pk=application_id)
    )
    application_rescore(application=application)
    statuses = list(
        application.assessments.filter(status__in=Assessment.ACTIVE).values_list(
            "status", flat=True
        )
    )
    submitted = statuses.count(Assessment.Status.SUBMITTED)
    complete = submitted >= application.round.assessors_per_application and submitted == len(
        statuses
    )
    if application.status == S.IN_ASSESSMENT and complete:
        transition(
            application, to_status=S.ASSESSED, actor=actor, reason="All assessments submitted"
        )
    elif application.status == S.ASSESSED and not complete:
        transition(
            application, to_status=S.IN_ASSESSMENT, actor=actor, reason="Assessment reopened"
        )


@transaction.atomic
def application_moderate(
    *, application: Application, actor: User, score: str | Decimal | None, reason: str
) -> Application:
    """Set (or clear, with an empty score) the moderated score; the reason is required and
    the assessors' scores stay as they were."""
    _require_officer(actor)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status not in (S.IN_ASSESSMENT, S.ASSESSED):
        raise NotAllowed("Only bids in assessment can be moderated.")
    if application.assessments_submitted == 0:
        raise NotAllowed("No assessor has submitted scores for this bid yet.")
    errors = {}
    value = None
    if score not in (None, ""):
        try:
            value = parse_decimal(
                score,
                name="The moderated score",
                max_digits=5,
                decimal_places=2,
                max_value=100,
            )
        except InvalidInput:
            errors["score"] = "Enter the moderated score as a number from 0 to 100, like 72.5."
    if not reason.strip():
        errors["reason"] = "Say why you moderated the score. The panel sees this."
    if errors:
        raise ValidationError(errors)
    application.moderated_score = value
    application.moderation_reason = reason.strip()
    application.moderated_by = actor
    application.moderated_at = timezone.now()
    application.save(
        update_fields=["moderated_score", "moderation_reason", "moderated_by", "moderated_at"]
    )
    return application


@transaction.atomic
def assessment_assign_bulk(
    *, round: Round, application_uuids: list, assessor: User, actor: User
) -> BulkResult:
    """Give every chosen bid to one assessor, all or none.

    When any bid cannot take the assessor (not eligible, a member of the group, already on
    it) nothing changes and every refusal is returned with its bid's reference. The same
    rules as assessment_assign, checked and written for all the bids at once: the number of
    queries does not grow with the number of bids.
    """
    _require_officer(actor)
    applications = list(
        Application.objects.select_for_update(of=("self",))
        .filter(round=round, uuid__in=application_uuids)
        .select_related("organisation")
        .order_by("reference")
    )
    result = BulkResult()
    if not applications:
        return result
    if not is_assessor(assessor):
        not_one = f"{assessor.full_name or assessor.email} is not an assessor."
        result.refused = [(a.reference or "", _not_eligible(a) or not_one) for a in applications]
        return result
    members = set(
        Membership.objects.filter(
            user=assessor, organisation_id__in={a.organisation_id for a in applications}
        ).values_list("organisation_id", flat=True)
    )
    previous = dict(
        Assessment.objects.filter(application__in=applications, assessor=assessor)
        .exclude(status=Assessment.Status.REMOVED)
        .values_list("application_id", "status")
    )
    for application in applications:
        why = _refusal(
            application,
            assessor,
            member=application.organisation_id in members,
            previous=previous.get(application.pk),
        )
        if why:
            result.refused.append((application.reference or "", why))
    if result.refused:
        return result
    assessments = bulk_create_with_history(
        [
            Assessment(application=application, assessor=assessor, assigned_by=actor)
            for application in applications
        ],
        Assessment,
        default_user=actor,
    )
    StatusChange.objects.bulk_create(
        StatusChange(
            content_type=ContentType.objects.get_for_model(Assessment),
            object_id=assessment.pk,
            from_status="",
            to_status=assessment.status,
            actor=actor,
        )
        for assessment in assessments
    )
    transition_many(
        [a for a in applications if a.status in (S.ELIGIBLE, S.ASSESSED)],
        to_status=S.IN_ASSESSMENT,
        actor=actor,
        reason=f"Assessor assigned: {assessor.full_name or assessor.email}",
    )
    # Written in bulk, past the models' save(): the cached counts are told here instead.
    round_status_counts_changed(round_id=round.pk)
    ranking_changed(round_id=round.pk)
    assessor_workload_changed()
    result.done = len(applications)
    return result
