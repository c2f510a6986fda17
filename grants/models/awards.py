"""The panel's recommendation list, the decisions on it, and the awards they make."""

from __future__ import annotations

import calendar
import datetime as dt
import uuid
from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.models import User
from grants.budget import budget_shares
from grants.models.applications import MONEY, Application, Pot, Round
from outcomes.models import Outcome, Plan, Priority, Theme


class PanelRecommendation(models.Model):
    """The officers' ranked list, frozen for the advisory board and the decision maker."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="panels")
    frozen_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    frozen_at = models.DateTimeField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-frozen_at"]

    def __str__(self) -> str:
        return f"Panel list for {self.round}, frozen {self.frozen_at:%d %B %Y}"


class PanelItemQuerySet(models.QuerySet):
    def awaiting_bulk_approval(self) -> PanelItemQuerySet:
        """What "approve all recommended" approves: recommended bids not yet decided."""
        return self.filter(mark=Application.Mark.RECOMMENDED, decision=PanelItem.Decision.PENDING)


class PanelItem(models.Model):
    """One bid as the panel saw it, and the decision made on it (a Decision)."""

    class Decision(models.TextChoices):
        PENDING = "pending", "Awaiting decision"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    panel = models.ForeignKey(PanelRecommendation, on_delete=models.CASCADE, related_name="items")
    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="panel_items"
    )
    pot = models.ForeignKey(Pot, on_delete=models.PROTECT, null=True, related_name="+")
    rank = models.PositiveIntegerField()
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    mark = models.CharField(max_length=20, choices=Application.Mark.choices)
    amount_requested = models.DecimalField(**MONEY)
    recommended_amount = models.DecimalField(**MONEY)
    within_budget = models.BooleanField()
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_amount = models.DecimalField(**MONEY, null=True, blank=True)
    conditions = models.TextField(blank=True)
    feedback = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = PanelItemQuerySet.as_manager()

    class Meta:
        ordering = ["panel", "pot__position", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["panel", "application"], name="application_once_per_panel"
            ),
            models.CheckConstraint(
                condition=Q(decided_amount__isnull=True) | Q(decided_amount__gt=0),
                name="panel_decided_amount_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application} ({self.get_mark_display()})"

    @property
    def awaits_bulk_approval(self) -> bool:
        """Whether "approve all recommended" will approve this bid (see the queryset)."""
        return (
            self.mark == Application.Mark.RECOMMENDED
            and self.decision == PanelItem.Decision.PENDING
        )


# The group has this long from the decision to accept its offer (letter, page and emails).
ACCEPT_WITHIN_DAYS = 28
# What 360Giving publishes: a title under 140 characters and a short description.
PUBLIC_TITLE_MAX = 140
PUBLIC_SUMMARY_MAX = 1000


class Award(models.Model):
    """An approved grant, aligned to the plan version it was decided under."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=40, unique=True)
    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="award")
    panel_item = models.OneToOneField(
        PanelItem, on_delete=models.PROTECT, null=True, blank=True, related_name="award"
    )
    amount = models.DecimalField(**MONEY)
    conditions = models.TextField(blank=True)
    planned_start = models.DateField()
    planned_end = models.DateField()
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="+")
    primary_priority = models.ForeignKey(Priority, on_delete=models.PROTECT, related_name="awards")
    outcomes = models.ManyToManyField(Outcome, blank=True, related_name="awards")
    themes = models.ManyToManyField(Theme, blank=True, related_name="awards")
    decided_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_at = models.DateTimeField()
    # Acceptance, online by a named signatory of the group.
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    signatory_name = models.CharField(max_length=150, blank=True)
    signatory_position = models.CharField(max_length=150, blank=True)
    terms_accepted = models.BooleanField(default=False)
    # Supplier details for the finance system: who is paid and where remittances go.
    supplier_name = models.CharField(max_length=200, blank=True)
    supplier_address = models.TextField(max_length=500, blank=True)
    supplier_email = models.EmailField(blank=True)
    # Declining the offer frees the money back to the pot.
    offer_declined_at = models.DateTimeField(null=True, blank=True)
    offer_declined_reason = models.TextField(blank=True)
    # Open data (360Giving): the group writes what is published about the grant when it
    # accepts; officers may withhold the grant, or only where it works, with a reason. Each
    # change is a PublicationChange row (who, when, why).
    public_title = models.CharField(max_length=PUBLIC_TITLE_MAX, blank=True)
    public_summary = models.TextField(max_length=PUBLIC_SUMMARY_MAX, blank=True)
    publication_withheld = models.BooleanField(default=False)
    publication_withheld_reason = models.TextField(blank=True)
    location_withheld = models.BooleanField(default=False)
    location_withheld_reason = models.TextField(blank=True)
    publication_changed_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="award_amount_positive"),
            models.CheckConstraint(
                condition=Q(planned_end__gte=F("planned_start")), name="award_dates_in_order"
            ),
        ]
        # Plan delivery's list of awards, in the order they were decided: a page of 50
        # without sorting every award of the year.
        indexes = [models.Index(fields=["decided_at", "id"], name="award_by_decided")]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_accepted(self) -> bool:
        return self.accepted_at is not None

    @property
    def accept_by(self) -> dt.date:
        """The last day the group may accept the offer: 28 days after the decision."""
        return timezone.localdate(self.decided_at) + dt.timedelta(days=ACCEPT_WITHIN_DAYS)

    @property
    def budget_rows(self) -> list[tuple[object, Decimal]]:
        """(budget line, its share of the award) for each line the group asked for: scaled
        in proportion when the award is less than the budget. Reads prefetched lines."""

        lines = list(self.application.budget_lines.all())
        shares = budget_shares([line.amount for line in lines], self.amount)
        return list(zip(lines, shares, strict=True))

    @property
    def budget_requested(self) -> Decimal:
        return sum((line.amount for line in self.application.budget_lines.all()), Decimal(0))

    @property
    def budget_reduction(self) -> Decimal:
        """How much less than the budget asked for was awarded (0 for a full award)."""
        return max(self.budget_requested - self.amount, Decimal(0))

    @property
    def paid_total(self) -> Decimal:
        """Paid so far; reads prefetched instalments when the page loaded them."""
        return sum((i.paid_amount or Decimal(0) for i in self.instalments.all()), Decimal(0))

    @property
    def newest_bank_details(self) -> BankDetails | None:
        """The details payments go to (BankDetails' ordering puts the newest first); reads
        prefetched rows when the page loaded them."""
        return next(iter(self.bank_details.all()), None)

    @property
    def monitoring_due_dates(self) -> list[tuple[str, dt.date]]:
        """The 6-month report (six months into the project) and the end-of-grant report
        (one month after the planned end), as shown in the award letter."""
        return [
            ("6-month report", add_months(self.planned_start, 6)),
            ("End-of-grant report", add_months(self.planned_end, 1)),
        ]


class PublicationChange(models.Model):
    """One change to what is published about a grant: the audit of its open data."""

    class Change(models.TextChoices):
        TEXT = "text", "Public title and summary written"
        GRANT_WITHHELD = "grant_withheld", "Grant withheld from publication"
        GRANT_RELEASED = "grant_released", "Grant published again"
        LOCATION_WITHHELD = "location_withheld", "Location withheld from publication"
        LOCATION_RELEASED = "location_released", "Location published again"

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="publication_changes")
    change = models.CharField(max_length=20, choices=Change.choices)
    reason = models.TextField(blank=True)
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["award", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_change_display()} for {self.award}"


class AwardCondition(models.Model):
    """One condition of a grant, as the decision maker set it. Those marked
    `before_first_payment` must be confirmed met by an officer before anything is paid."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="award_conditions")
    position = models.PositiveSmallIntegerField()
    text = models.TextField()
    before_first_payment = models.BooleanField(default=False)
    met_at = models.DateTimeField(null=True, blank=True)
    met_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["award", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["award", "position"], name="award_condition_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_met(self) -> bool:
        return self.met_at is not None


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day (31 August + 6 = 28 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class PaymentInstalment(models.Model):
    """A planned payment; a new award has one, the whole amount, paid up front.

    Finance records it paid with the date, the amount actually paid and the payment
    reference; the amounts paid on an award never add up to more than the award."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="instalments")
    position = models.PositiveSmallIntegerField()
    due_date = models.DateField()
    amount = models.DecimalField(**MONEY)
    paid_on = models.DateField(null=True, blank=True)
    paid_amount = models.DecimalField(**MONEY, null=True, blank=True)
    payment_reference = models.CharField(max_length=60, blank=True)
    recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["award", "position"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="instalment_amount_positive"),
            models.UniqueConstraint(
                fields=["award", "position"], name="instalment_position_unique"
            ),
            models.CheckConstraint(
                condition=Q(paid_amount__isnull=True) | Q(paid_amount__gt=0),
                name="instalment_paid_amount_positive",
            ),
            models.CheckConstraint(
                condition=Q(paid_on__isnull=True, paid_amount__isnull=True)
                | Q(paid_on__isnull=False, paid_amount__isnull=False),
                name="instalment_paid_date_and_amount_together",
            ),
        ]
        indexes = [
            models.Index(fields=["paid_on", "due_date"]),
            # The payments page reads unpaid instalments in due-date order and stops at a
            # page: a small index of the unpaid ones only, read from its start (or a cursor).
            models.Index(
                fields=["due_date", "award"],
                condition=Q(paid_on__isnull=True),
                name="instalment_unpaid_due",
            ),
        ]

    def __str__(self) -> str:
        return f"Instalment {self.position}: £{self.amount} on {self.due_date}"

    @property
    def is_paid(self) -> bool:
        return self.paid_on is not None


def _bank_evidence_path(instance: BankDetails, filename: str) -> str:
    return f"bank/{instance.award.uuid.hex}/{uuid.uuid4().hex}"


class BankDetails(models.Model):
    """Where a grant is paid, with evidence (a statement or paying-in slip in the group's
    name). A second person checks them: the verifier can never be the one who entered them.

    The newest row is the award's current details; earlier rows are kept as history."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be checked"
        VERIFIED = "verified", "Verified"
        REJECTED = "rejected", "Rejected"

    # Checked once: new details are a new row, so the history of each check stays.
    TRANSITIONS: dict[str, set[str]] = {
        Status.PENDING: {Status.VERIFIED, Status.REJECTED},
        Status.VERIFIED: set(),
        Status.REJECTED: set(),
    }

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="bank_details")
    account_name = models.CharField(max_length=140)
    sort_code = models.CharField(max_length=6)
    account_number = models.CharField(max_length=8)
    evidence = models.FileField(upload_to=_bank_evidence_path, max_length=200)
    evidence_name = models.CharField(max_length=200)
    evidence_type = models.CharField(max_length=100)
    evidence_size = models.PositiveIntegerField()
    entered_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    entered_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    checked_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["award", "-entered_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(checked_by=F("entered_by")), name="bank_details_checked_by_another"
            ),
        ]

    def __str__(self) -> str:
        return f"Bank details for {self.award} ({self.get_status_display()})"

    @property
    def sort_code_display(self) -> str:
        return "-".join(self.sort_code[i : i + 2] for i in (0, 2, 4))

    @property
    def account_number_masked(self) -> str:
        return "••••" + self.account_number[-4:]


def _letter_path(instance: Letter, filename: str) -> str:
    return f"letters/{instance.application.uuid.hex}/{uuid.uuid4().hex}.pdf"


class Letter(models.Model):
    """A decision letter as sent: the PDF is rendered once, stored, and emailed once."""

    class Kind(models.TextChoices):
        AWARD = "award", "Offer of grant"
        DECLINE = "decline", "Decision letter"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    file = models.FileField(upload_to=_letter_path, max_length=200)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["application", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["application", "kind"], name="one_letter_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.application}"

    @property
    def filename(self) -> str:
        return f"{self.application.reference}-{self.kind}-letter.pdf"
