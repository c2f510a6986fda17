"""Screening, criteria and independent assessments of submitted applications."""

from __future__ import annotations

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from accounts.models import User
from grants.models.applications import Application, Round

# The due-diligence gates a new round starts with; officers edit them per round.
DEFAULT_SCREENING_CHECKS = [
    (
        "Governing document present",
        "A constitution, set of rules or articles that are signed and dated.",
    ),
    (
        "Two unrelated signatories",
        "The bank account is in the group's name and needs two unrelated people to sign.",
    ),
    ("Safeguarding policy", "A current safeguarding policy, adopted by the committee."),
    ("Within West Yorkshire", "The work and the people it helps are in West Yorkshire."),
    ("No excluded costs", "Nothing in the budget that the fund does not pay for."),
    (
        "Earlier grant reports up to date",
        "Monitoring reports for any earlier grant from us have been received.",
    ),
]


class ScreeningCheck(models.Model):
    """One yes/no due-diligence question asked of every bid in a round."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="screening_checks")
    question = models.CharField(max_length=200)
    guidance = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["round", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "question"], name="screening_question_unique_in_round"
            ),
        ]

    def __str__(self) -> str:
        return self.question


class Screening(models.Model):
    """The officer's due-diligence record for one application."""

    class Outcome(models.TextChoices):
        ELIGIBLE = "eligible", "Eligible: goes to assessment"
        INELIGIBLE = "ineligible", "Ineligible"

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="screening"
    )
    # A snapshot of the questions asked and answers given:
    # [{"question": ..., "passed": bool, "note": ...}], so later edits to the round's
    # checklist never rewrite what was decided.
    results = models.JSONField(default=list)
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    reason = models.TextField(blank=True)
    screened_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    screened_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Screening of {self.application}: {self.outcome}"

    @property
    def failed(self) -> list[dict]:
        return [result for result in self.results if not result["passed"]]


class Criterion(models.Model):
    """A weighted scoring criterion; scores run from 0 to `scale_max`."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(max_length=120)
    guidance = models.TextField(blank=True)
    weight = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Relative importance, e.g. 30 for 30%",
    )
    scale_max = models.PositiveSmallIntegerField(
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="Scores run from 0 to this number",
    )
    # One descriptor per point of the scale, from 0 upwards.
    descriptors = models.JSONField(default=list, blank=True)
    minimum_score = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Flag a bid scored below this on this criterion"
    )
    allow_not_applicable = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["round", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "name"], name="criterion_name_unique_in_round"
            ),
            models.CheckConstraint(condition=Q(weight__gte=1), name="criterion_weight_positive"),
            models.CheckConstraint(
                condition=Q(scale_max__gte=1) & Q(scale_max__lte=10),
                name="criterion_scale_one_to_ten",
            ),
            models.CheckConstraint(
                condition=Q(minimum_score__isnull=True) | Q(minimum_score__lte=F("scale_max")),
                name="criterion_minimum_within_scale",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def descriptor(self, point: int) -> str:
        return self.descriptors[point] if 0 <= point < len(self.descriptors) else ""

    @property
    def points(self) -> list[tuple[int, str]]:
        return [(point, self.descriptor(point)) for point in range(self.scale_max + 1)]


class Assessment(models.Model):
    """One assessor's independent scoring of one application."""

    class Status(models.TextChoices):
        ASSIGNED = "assigned", "Awaiting conflict declaration"
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted"
        RECUSED = "recused", "Conflict declared"
        REMOVED = "removed", "Removed"

    TRANSITIONS: dict[str, set[str]] = {
        Status.ASSIGNED: {Status.IN_PROGRESS, Status.RECUSED, Status.REMOVED},
        Status.IN_PROGRESS: {Status.SUBMITTED, Status.REMOVED},
        # Only an officer reopens a submitted assessment.
        Status.SUBMITTED: {Status.IN_PROGRESS},
        Status.RECUSED: set(),
        Status.REMOVED: set(),
    }
    # Assignments that count towards a bid's assessors and an assessor's workload.
    ACTIVE = frozenset({Status.ASSIGNED, Status.IN_PROGRESS, Status.SUBMITTED})

    class Recommendation(models.TextChoices):
        FUND = "fund", "Fund"
        FUND_WITH_CONDITIONS = "fund_with_conditions", "Fund with conditions"
        DO_NOT_FUND = "do_not_fund", "Do not fund"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="assessments"
    )
    assessor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="assessments")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ASSIGNED)
    assigned_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)
    declared_at = models.DateTimeField(null=True, blank=True)
    conflict_reason = models.TextField(blank=True)
    overall_comment = models.TextField(blank=True)
    recommendation = models.CharField(max_length=24, choices=Recommendation.choices, blank=True)
    weighted_score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["application", "assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "assessor"],
                condition=~Q(status="removed"),
                name="one_live_assessment_per_assessor_per_application",
            ),
        ]
        indexes = [models.Index(fields=["assessor", "status"])]

    def __str__(self) -> str:
        return f"{self.assessor} on {self.application}"

    def save(self, *args, **kwargs) -> None:
        fields = kwargs.get("update_fields")
        super().save(*args, **kwargs)
        if fields is None or "status" in fields:
            # The assign page keeps each assessor's workload in the cache.
            from grants.selectors.assessment import assessor_workload_changed

            assessor_workload_changed()

    def delete(self, *args, **kwargs):
        deleted = super().delete(*args, **kwargs)
        from grants.selectors.assessment import assessor_workload_changed

        assessor_workload_changed()
        return deleted

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


class Score(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    value = models.PositiveSmallIntegerField(null=True, blank=True)
    not_applicable = models.BooleanField(default=False)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["assessment", "criterion__position", "criterion_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion"], name="one_score_per_criterion"
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(not_applicable=False),
                name="score_not_both_value_and_not_applicable",
            ),
        ]

    def __str__(self) -> str:
        return "n/a" if self.not_applicable else str(self.value)
