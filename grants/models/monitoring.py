"""Grant monitoring: the 6-month and end-of-grant reports each accepted award owes."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.models import User
from grants.models.applications import MONEY, BudgetLine
from grants.models.awards import Award
from outcomes.models import Outcome

# Spend more than this share above or below a budget line needs an explanation.
VARIANCE_LIMIT = Decimal("0.15")

BENEFICIARY_GROUPS = [
    ("under_18", "Children and young people under 18"),
    ("18_24", "Young adults aged 18 to 24"),
    ("25_64", "Adults aged 25 to 64"),
    ("65_plus", "Older people aged 65 and over"),
]


def people_in(beneficiaries) -> int:
    """The people a report's beneficiary counts add up to (its whole numbers)."""
    if not isinstance(beneficiaries, dict):
        return 0
    return sum(v for v in beneficiaries.values() if isinstance(v, int))


class PeopleReachedField(models.IntegerField):
    """The total of the report's beneficiary counts, stored beside them: worked out again
    whenever the report is written (save, create, bulk_create), as auto_now is, so the
    dashboards add people up in the database without reading the JSON."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", 0)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance, add):
        value = people_in(model_instance.beneficiaries)
        setattr(model_instance, self.attname, value)
        return value


class MonitoringReport(models.Model):
    """A report the group owes on its grant; late is derived from the due date."""

    class Kind(models.TextChoices):
        SIX_MONTH = "six_month", "6-month report"
        FINAL = "final", "End-of-grant report"

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
    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    due_date = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    # {group key: people reached}; the groups are BENEFICIARY_GROUPS.
    beneficiaries = models.JSONField(default=dict, blank=True)
    # Their total (people_in), kept with them on every write.
    people_reached = PeopleReachedField()
    case_study = models.TextField(max_length=3000, blank=True)
    successes = models.TextField(max_length=2000, blank=True)
    challenges = models.TextField(max_length=2000, blank=True)
    # Text that failed validation, kept so nothing typed is lost.
    unsaved_input = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The officer's review.
    reviewed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)
    underspend = models.DecimalField(**MONEY, null=True, blank=True)
    clawback_amount = models.DecimalField(**MONEY, null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["unsaved_input", "updated_at"])

    class Meta:
        ordering = ["due_date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["award", "kind"], name="one_report_per_kind"),
            models.CheckConstraint(
                condition=Q(clawback_amount__isnull=True) | Q(clawback_amount__gte=0),
                name="report_clawback_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.award}"

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def is_late(self) -> bool:
        """Still owed after its due date (late is derived, never stored)."""
        return self.status in self.EDITABLE and timezone.localdate() > self.due_date


class SpendLine(models.Model):
    """Money spent so far on one line of the approved budget."""

    report = models.ForeignKey(MonitoringReport, on_delete=models.CASCADE, related_name="spend")
    budget_line = models.ForeignKey(BudgetLine, on_delete=models.CASCADE, related_name="+")
    # The line's share of the award: as requested, or scaled in proportion when the award
    # is less than the budget asked for (grants.budget.budget_shares).
    approved_amount = models.DecimalField(**MONEY, null=True, blank=True)
    spent = models.DecimalField(**MONEY, null=True, blank=True)
    explanation = models.TextField(max_length=1000, blank=True)

    class Meta:
        ordering = ["report", "budget_line__pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "budget_line"], name="one_spend_line_per_budget_line"
            ),
            models.CheckConstraint(
                condition=Q(spent__isnull=True) | Q(spent__gte=0), name="spend_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"Spend on {self.budget_line_id} in {self.report_id}"

    @property
    def approved(self) -> Decimal:
        """What the group may spend on this line (its share of the award)."""
        if self.approved_amount is not None:
            return self.approved_amount
        return self.budget_line.amount

    @property
    def is_reduced(self) -> bool:
        return self.approved != self.budget_line.amount

    @property
    def variance(self) -> Decimal | None:
        """Spent minus approved, as a share of approved (0.2 is 20% over)."""
        if self.spent is None or not self.approved:
            return None
        return (self.spent - self.approved) / self.approved

    @property
    def needs_explanation(self) -> bool:
        return self.variance is not None and abs(self.variance) > VARIANCE_LIMIT

    @property
    def is_over(self) -> bool:
        return self.variance is not None and self.variance > 0

    @property
    def explanation_required(self) -> bool:
        """Whether the group must explain this line: spending far over the budget on any
        report, or far under it on the end-of-grant report (an underspend mid-grant may
        still be spent)."""
        final = self.report.kind == MonitoringReport.Kind.FINAL
        return self.needs_explanation and (final or self.is_over)


class OutcomeProgress(models.Model):
    """What the project achieved towards one of the plan outcomes the award is aligned to."""

    report = models.ForeignKey(
        MonitoringReport, on_delete=models.CASCADE, related_name="outcome_progress"
    )
    outcome = models.ForeignKey(Outcome, on_delete=models.PROTECT, related_name="+")
    progress = models.TextField(max_length=1500, blank=True)

    class Meta:
        ordering = ["report", "outcome__code"]
        constraints = [
            models.UniqueConstraint(fields=["report", "outcome"], name="one_progress_per_outcome"),
        ]

    def __str__(self) -> str:
        return f"Progress on {self.outcome_id} in {self.report_id}"


def _evidence_path(instance: MonitoringEvidence, filename: str) -> str:
    return f"monitoring/{instance.report.uuid.hex}/{uuid.uuid4().hex}"


class MonitoringEvidence(models.Model):
    """A photo or document backing a report: sniffed, size-limited, stored privately."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    report = models.ForeignKey(MonitoringReport, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=_evidence_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["report", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name
