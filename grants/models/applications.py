from __future__ import annotations

import uuid
from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.models import District, Organisation, User
from outcomes.models import Outcome, Plan, Priority, Theme

MONEY = {"max_digits": 12, "decimal_places": 2}


class Fund(models.Model):
    """A grant programme, e.g. the Mayor's Safer Communities Fund."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200, unique=True)
    code = models.SlugField(max_length=20, unique=True, help_text="Short code, e.g. mscf")
    funding_source = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RoundQuerySet(models.QuerySet):
    def open_now(self):
        now = timezone.now()
        return self.filter(status=Round.Status.OPEN, opens_at__lte=now, closes_at__gt=now)

    def published(self):
        """Rounds applicants may see: open or upcoming, not drafts and not closed."""
        return self.filter(status=Round.Status.OPEN, closes_at__gt=timezone.now())


class Round(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    # A closed round may reopen (a deadline extended); an opened round never returns to draft,
    # because applicants may already have started on it.
    TRANSITIONS: dict[str, set[str]] = {
        Status.DRAFT: {Status.OPEN},
        Status.OPEN: {Status.CLOSED},
        Status.CLOSED: {Status.OPEN},
    }

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="rounds")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    theme = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="rounds")
    priorities = models.ManyToManyField(Priority, blank=True, related_name="rounds")
    all_districts = models.BooleanField(default=True)
    districts = models.ManyToManyField(District, blank=True, related_name="rounds")
    postcodes = models.TextField(
        blank=True,
        help_text="Postcode districts or sectors, one a line, for place-restricted strands",
    )
    reference_prefix = models.CharField(max_length=20, unique=True)
    # The last reference number handed out; bumped under a row lock at submission so the
    # numbers are unique and gap-free (a failed submission rolls its number back).
    last_reference_number = models.PositiveIntegerField(default=0)
    # Assessment settings: how many independent scores each bid needs, and how far apart two
    # assessors' weighted scores (in percentage points) may be before moderation is flagged.
    assessors_per_application = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1)]
    )
    moderation_threshold = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("20"),
        validators=[MinValueValidator(0)],
        help_text="Flag a bid when its assessors' weighted scores differ by more than this many points (out of 100)",
    )

    # Assessors are reminded of unsubmitted assessments three days before this date.
    assessment_deadline = models.DateField(
        null=True,
        blank=True,
        help_text="The date assessors must submit their scores by",
    )

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="round_closes_after_opening"
            ),
            models.UniqueConstraint(fields=["fund", "number"], name="round_number_unique_in_fund"),
        ]

    def __str__(self) -> str:
        return f"{self.fund.code.upper()} round {self.number}: {self.title}"

    def is_open_at(self, instant) -> bool:
        return self.status == self.Status.OPEN and self.opens_at <= instant < self.closes_at

    @property
    def is_open(self) -> bool:
        return self.is_open_at(timezone.now())

    @property
    def is_upcoming(self) -> bool:
        return self.status == self.Status.OPEN and timezone.now() < self.opens_at

    @property
    def postcode_list(self) -> list[str]:
        return [line.strip().upper() for line in self.postcodes.splitlines() if line.strip()]


class Pot(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="pots")
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    min_award = models.DecimalField(
        **MONEY, default=Decimal("0"), validators=[MinValueValidator(0)]
    )
    max_award = models.DecimalField(**MONEY, validators=[MinValueValidator(1)])
    budget = models.DecimalField(**MONEY, validators=[MinValueValidator(1)])
    joint_bids_allowed = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["round", "position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_award__gte=F("min_award")), name="pot_min_not_above_max"
            ),
            models.CheckConstraint(
                condition=Q(budget__gte=F("max_award")), name="pot_budget_covers_an_award"
            ),
            models.CheckConstraint(
                condition=Q(min_award__gte=0), name="pot_min_award_not_negative"
            ),
            models.UniqueConstraint(fields=["round", "name"], name="pot_name_unique_in_round"),
        ]

    def __str__(self) -> str:
        return self.name


class Application(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        ELIGIBLE = "eligible", "Eligible"
        INELIGIBLE = "ineligible", "Ineligible"
        IN_ASSESSMENT = "in_assessment", "In assessment"
        ASSESSED = "assessed", "Assessed"
        RECOMMENDED = "recommended", "Recommended"
        RESERVE = "reserve", "Reserve"
        NOT_RECOMMENDED = "not_recommended", "Not recommended"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"
        OFFERED = "offered", "Offered"
        ACCEPTED = "accepted", "Accepted"
        OFFER_DECLINED = "offer_declined", "Offer declined"
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    TRANSITIONS: dict[str, set[str]] = {
        Status.DRAFT: {Status.SUBMITTED, Status.WITHDRAWN},
        Status.SUBMITTED: {Status.ELIGIBLE, Status.INELIGIBLE, Status.WITHDRAWN},
        Status.ELIGIBLE: {Status.IN_ASSESSMENT, Status.WITHDRAWN},
        Status.INELIGIBLE: set(),
        Status.IN_ASSESSMENT: {Status.ASSESSED, Status.WITHDRAWN},
        # Back to in assessment when an officer reopens an assessment or adds an assessor.
        Status.ASSESSED: {
            Status.RECOMMENDED,
            Status.RESERVE,
            Status.NOT_RECOMMENDED,
            Status.IN_ASSESSMENT,
            Status.WITHDRAWN,
        },
        Status.RECOMMENDED: {Status.APPROVED, Status.DECLINED, Status.WITHDRAWN},
        Status.RESERVE: {Status.APPROVED, Status.DECLINED, Status.WITHDRAWN},
        Status.NOT_RECOMMENDED: {Status.APPROVED, Status.DECLINED, Status.WITHDRAWN},
        # Offered once the award letter is sent; the group may accept before the email lands.
        Status.APPROVED: {Status.OFFERED, Status.ACCEPTED, Status.OFFER_DECLINED},
        Status.DECLINED: set(),
        Status.OFFERED: {Status.ACCEPTED, Status.OFFER_DECLINED},
        Status.ACCEPTED: {Status.ACTIVE},
        Status.OFFER_DECLINED: set(),
        Status.ACTIVE: {Status.COMPLETED},
        Status.COMPLETED: set(),
        Status.WITHDRAWN: set(),
    }
    # Still open to change by the applicant's side: withdrawable until a decision is made.
    UNDECIDED = frozenset(
        {
            Status.DRAFT,
            Status.SUBMITTED,
            Status.ELIGIBLE,
            Status.IN_ASSESSMENT,
            Status.ASSESSED,
            Status.RECOMMENDED,
            Status.RESERVE,
            Status.NOT_RECOMMENDED,
        }
    )
    # Statuses an officer's recommendation mark moves an assessed bid to at the panel freeze.
    MARK_STATUSES = {
        "recommended": Status.RECOMMENDED,
        "reserve": Status.RESERVE,
        "not_recommended": Status.NOT_RECOMMENDED,
    }

    class Mark(models.TextChoices):
        RECOMMENDED = "recommended", "Recommended"
        RESERVE = "reserve", "Reserve"
        NOT_RECOMMENDED = "not_recommended", "Not recommended"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="applications")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="applications"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    reference = models.CharField(max_length=40, unique=True, null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawn_reason = models.TextField(blank=True)

    # 2. Your project
    project_title = models.CharField(max_length=140, blank=True)
    summary = models.TextField(max_length=1000, blank=True)
    activities = models.TextField(max_length=3000, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    pot = models.ForeignKey(
        Pot, on_delete=models.PROTECT, null=True, blank=True, related_name="applications"
    )
    amount_requested = models.DecimalField(**MONEY, null=True, blank=True)
    # 3. Where and who
    across_west_yorkshire = models.BooleanField(default=False)
    districts = models.ManyToManyField(District, blank=True, related_name="applications")
    postcodes = models.TextField(max_length=500, blank=True)
    beneficiary_groups = models.TextField(max_length=1000, blank=True)
    beneficiary_count = models.PositiveIntegerField(null=True, blank=True)
    # 4. Plan alignment
    primary_priority = models.ForeignKey(
        Priority, on_delete=models.PROTECT, null=True, blank=True, related_name="applications"
    )
    outcomes = models.ManyToManyField(Outcome, blank=True, related_name="applications")
    themes = models.ManyToManyField(Theme, blank=True, related_name="applications")
    contribution = models.TextField(max_length=2000, blank=True)
    # 7. Declarations
    declaration_true = models.BooleanField(default=False)
    declaration_terms = models.BooleanField(default=False)
    declaration_data = models.BooleanField(default=False)
    submitter_name = models.CharField(max_length=150, blank=True)
    submitter_position = models.CharField(max_length=150, blank=True)
    # Sections saved at least once: the task list shows them "in progress" until complete.
    saved_sections = models.JSONField(default=list, blank=True)
    # Text that failed validation (too long, not a number...), kept so nothing typed is lost.
    unsaved_input = models.JSONField(default=dict, blank=True)

    # Assessment results, recomputed from submitted assessments whenever one is submitted or
    # reopened (grants.scoring), so the ranking page reads them without joining every score.
    assessments_submitted = models.PositiveSmallIntegerField(default=0)
    score_mean = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    score_spread = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    moderation_flags = models.JSONField(default=list, blank=True)
    # Moderation: the officer's calibrated score replaces the mean for ranking; both are kept.
    moderated_score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    moderation_reason = models.TextField(blank=True)
    moderated_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    # The officer's mark on the ranking page; it becomes a status when the panel list freezes.
    mark = models.CharField(max_length=20, choices=Mark.choices, blank=True)
    recommended_amount = models.DecimalField(**MONEY, null=True, blank=True)
    mark_note = models.TextField(blank=True)
    # Shown to the applicant when the bid is declined or found ineligible.
    feedback = models.TextField(blank=True)

    history = HistoricalRecords(excluded_fields=["saved_sections", "unsaved_input", "updated_at"])

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "organisation"],
                condition=~Q(status="withdrawn"),
                name="one_live_application_per_org_per_round",
            ),
            models.CheckConstraint(
                condition=Q(amount_requested__isnull=True) | Q(amount_requested__gt=0),
                name="application_amount_positive",
            ),
            models.CheckConstraint(
                condition=Q(recommended_amount__isnull=True) | Q(recommended_amount__gt=0),
                name="application_recommended_amount_positive",
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="application_dates_in_order",
            ),
        ]
        indexes = [
            models.Index(fields=["round", "status"]),
            # The officers' list in its default order (reference, drafts' none as ""), by
            # keyset: a page reads 50 rows from here instead of sorting the whole round.
            models.Index(
                F("round"),
                Coalesce("reference", Value(""), output_field=models.CharField()),
                F("id"),
                name="application_round_reference",
            ),
            # Payments due count and sum instalments on live awards only: those bids' ids
            # (a small share of every bid ever made) without reading the whole table.
            models.Index(
                fields=["id"],
                condition=Q(status__in=["approved", "offered", "accepted", "active"]),
                name="application_live_award",
            ),
            # Plan delivery's list of bids, in the order they came in: a page of 50 without
            # sorting every bid of the year.
            models.Index(fields=["submitted_at", "id"], name="application_by_submitted"),
        ]

    def __str__(self) -> str:
        return self.reference or f"Draft for {self.round} by {self.organisation}"

    def save(self, *args, **kwargs) -> None:
        fields = kwargs.get("update_fields")
        super().save(*args, **kwargs)
        if fields is None or "status" in fields:
            # The officers' list keeps the round's counts per status in the cache.
            from grants.selectors.application_list import round_status_counts_changed

            round_status_counts_changed(round_id=self.round_id)
        if fields is None or "status" in fields or self.status != self.Status.DRAFT:
            # The ranking page keeps its pages in the cache (a draft is never ranked).
            from grants.selectors.panel import ranking_changed

            ranking_changed(round_id=self.round_id)

    def delete(self, *args, **kwargs):
        round_id = self.round_id
        deleted = super().delete(*args, **kwargs)
        from grants.selectors.application_list import round_status_counts_changed
        from grants.selectors.panel import ranking_changed

        round_status_counts_changed(round_id=round_id)
        ranking_changed(round_id=round_id)
        return deleted

    @property
    def title_or_placeholder(self) -> str:
        return self.project_title or "Untitled project"

    @property
    def budget_total(self) -> Decimal:
        """The sum of the budget lines (reads prefetched lines when they are loaded)."""
        return sum((line.amount for line in self.budget_lines.all()), Decimal("0"))

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def can_be_withdrawn(self) -> bool:
        return self.status in self.UNDECIDED

    @property
    def final_score(self) -> Decimal | None:
        """The score the bid is ranked by: the moderated one when set, else the mean."""
        return self.moderated_score if self.moderated_score is not None else self.score_mean


class BudgetLine(models.Model):
    class Category(models.TextChoices):
        STAFF = "staff", "Staff and sessional workers"
        VOLUNTEERS = "volunteers", "Volunteer expenses"
        VENUE = "venue", "Venue hire"
        EQUIPMENT = "equipment", "Equipment and materials"
        TRAVEL = "travel", "Travel"
        TRAINING = "training", "Training"
        PUBLICITY = "publicity", "Publicity and printing"
        EVALUATION = "evaluation", "Monitoring and evaluation"
        OVERHEADS = "overheads", "Overheads and management"
        FOOD = "food", "Food and refreshments"
        CAPITAL = "capital", "Buildings and major capital works"
        OTHER = "other", "Other"

    # Costs the fund does not pay for, with the reason an applicant is shown.
    EXCLUDED: dict[str, str] = {
        Category.FOOD: "The fund does not pay for food and refreshments.",
        Category.CAPITAL: "The fund does not pay for buildings or major capital works.",
    }

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="budget_lines"
    )
    description = models.CharField(max_length=200)
    category = models.CharField(max_length=20, choices=Category.choices)
    amount = models.DecimalField(**MONEY)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["application", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="budget_line_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.description}: £{self.amount}"


def _document_path(instance: ApplicationDocument, filename: str) -> str:
    # Random names only: the applicant's file name is kept in the database, never on disk.
    return f"applications/{instance.application.uuid.hex}/{uuid.uuid4().hex}"


class ApplicationDocument(models.Model):
    class Kind(models.TextChoices):
        GOVERNING_DOCUMENT = "governing_document", "Governing document"
        SAFEGUARDING_POLICY = "safeguarding_policy", "Safeguarding policy"
        BANK_EVIDENCE = "bank_evidence", "Recent bank statement or letter"
        OTHER = "other", "Other supporting document"

    REQUIRED = (Kind.GOVERNING_DOCUMENT, Kind.SAFEGUARDING_POLICY, Kind.BANK_EVIDENCE)

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    file = models.FileField(upload_to=_document_path, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "kind", "uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class ReminderSent(models.Model):
    """One row per draft per milestone: the daily reminder task never emails twice."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reminders")
    milestone = models.CharField(max_length=20)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "milestone"], name="one_reminder_per_milestone"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.milestone} reminder for {self.application_id}"
