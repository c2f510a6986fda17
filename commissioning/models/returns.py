"""Quarterly monitoring returns: the provider fills them in, a commissioner reviews them."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.models import User
from commissioning.models.contracts import Contract
from commissioning.models.measures import Measure, MeasureSet
from commissioning.quarters import Quarter


class Rating(models.TextChoices):
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"


class MonitoringReturn(models.Model):
    """One contract's return for one financial-year quarter. An accepted return is locked;
    a correction is a new version (with a reason) that replaces it once accepted."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        ACCEPTED = "accepted", "Accepted"

    TRANSITIONS: dict[str, set[str]] = {
        Status.NOT_STARTED: {Status.DRAFT, Status.SUBMITTED},
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.CHANGES_REQUESTED, Status.ACCEPTED},
        Status.CHANGES_REQUESTED: {Status.SUBMITTED},
        Status.ACCEPTED: set(),
    }
    EDITABLE = frozenset({Status.NOT_STARTED, Status.DRAFT, Status.CHANGES_REQUESTED})

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="returns")
    measure_set = models.ForeignKey(MeasureSet, on_delete=models.PROTECT, related_name="returns")
    financial_year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    version = models.PositiveSmallIntegerField(default=1)
    # A correction names the accepted version it corrects and why.
    corrects = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="correction"
    )
    correction_reason = models.TextField(max_length=2000, blank=True)
    # The quarter's newest version: no correction has been started on it. Stored (one per
    # contract and quarter, a partial unique index) so the dashboard and lists read the
    # newest versions without joining returns to themselves; return_correct clears it on
    # the version it corrects as it creates the correction.
    is_newest = models.BooleanField(default=True, editable=False)
    # Set on an accepted version once its correction is accepted in its place.
    superseded_at = models.DateTimeField(null=True, blank=True)
    due_date = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    opened_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rating = models.CharField(max_length=6, choices=Rating.choices, blank=True)
    review_comment = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["updated_at", "is_newest"])

    class Meta:
        ordering = ["contract", "financial_year", "quarter", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "financial_year", "quarter", "version"],
                name="one_return_version_per_quarter",
            ),
            models.UniqueConstraint(
                fields=["contract", "financial_year", "quarter"],
                condition=Q(is_newest=True),
                name="one_newest_return_per_quarter",
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="return_quarter_1_to_4"
            ),
            models.CheckConstraint(
                condition=Q(version=1, corrects__isnull=True)
                | Q(version__gt=1, corrects__isnull=False),
                name="correction_names_what_it_corrects",
            ),
        ]
        indexes = [
            models.Index(fields=["financial_year", "quarter", "status"]),
            models.Index(fields=["status", "due_date"]),
            # The dashboard's two lists of newest versions, each read in its order so a
            # page reads its 50 rows whatever the number of returns.
            models.Index(
                fields=["submitted_at", "id"],
                condition=Q(is_newest=True, status="submitted"),
                name="return_awaiting_review",
            ),
            models.Index(
                fields=["due_date", "id"],
                condition=Q(
                    is_newest=True,
                    submitted_at__isnull=True,
                    status__in=["changes_requested", "draft", "not_started"],
                ),
                name="return_never_submitted",
            ),
        ]

    def __str__(self) -> str:
        version = f" (version {self.version})" if self.version > 1 else ""
        return f"{self.contract.reference} {self.period.label} return{version}"

    @property
    def period(self) -> Quarter:
        return Quarter(self.financial_year, self.quarter)

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def is_late(self) -> bool:
        """Never submitted and past its due date (late is derived, never stored). A return
        sent back for changes was in on time: it is not late."""
        return (
            self.status in self.EDITABLE
            and self.submitted_at is None
            and timezone.localdate() > self.due_date
        )

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None

    def can_be_corrected(self) -> bool:
        """Accepted, not replaced, and no correction started on it yet (no query: a
        started correction takes the newest-version marker from it)."""
        return self.status == self.Status.ACCEPTED and self.is_current and self.is_newest


class ReturnValue(models.Model):
    """One figure (or text) of a return: a measure's total (category "") or one category
    of its breakdown."""

    monitoring_return = models.ForeignKey(
        MonitoringReturn, on_delete=models.CASCADE, related_name="values"
    )
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=40, blank=True)
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["monitoring_return", "measure__position", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["monitoring_return", "measure", "category"], name="one_value_per_cell"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure_id}/{self.category or 'total'} = {self.value}"


class ReturnReview(models.Model):
    """A commissioner's verdict on a submitted return: accepted, or changes requested
    with comments on the measures that need them."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"

    monitoring_return = models.ForeignKey(
        MonitoringReturn, on_delete=models.CASCADE, related_name="reviews"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    rating = models.CharField(max_length=6, choices=Rating.choices, blank=True)
    comment = models.TextField(blank=True)
    reviewer = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    reviewed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["monitoring_return", "-reviewed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} {self.monitoring_return_id}"


class MeasureComment(models.Model):
    review = models.ForeignKey(ReturnReview, on_delete=models.CASCADE, related_name="comments")
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="+")
    comment = models.TextField(max_length=2000)

    class Meta:
        ordering = ["review", "measure__position"]

    def __str__(self) -> str:
        return f"On {self.measure_id}: {self.comment[:40]}"
