"""Commissioned services and the contracts that fund them."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from accounts.models import District, Organisation, User
from commissioning.models.measures import Measure, MeasureSet
from commissioning.quarters import financial_year_label
from outcomes.models import Outcome, Plan, Priority, Theme

MONEY = {"max_digits": 12, "decimal_places": 2}


class Service(models.Model):
    class Category(models.TextChoices):
        ISVA = "isva", "ISVA (independent sexual violence adviser)"
        IDVA = "idva", "IDVA (independent domestic violence adviser)"
        SEXUAL_VIOLENCE = "sexual_violence", "Sexual violence support"
        DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse support"
        STALKING = "stalking", "Stalking"
        RESTORATIVE_JUSTICE = "restorative_justice", "Restorative justice"
        PERPETRATOR = "perpetrator", "Perpetrator programme"
        CORE_REFERRAL = "core_referral", "Core referral and support"
        CHILDREN = "children", "Children and young people"
        MODERN_SLAVERY = "modern_slavery", "Modern slavery"
        OTHER = "other", "Other"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200, unique=True)
    category = models.CharField(max_length=30, choices=Category.choices)
    description = models.TextField(max_length=2000, blank=True)
    areas = models.ManyToManyField(District, blank=True, related_name="services")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FundingStream(models.TextChoices):
    MOJ = "moj_victims", "MoJ victims grant"
    CSF = "community_safety", "Community Safety Fund"
    HOME_OFFICE = "home_office", "Home Office"
    VRP = "vrp", "Violence Reduction Partnership"
    MATCH = "match", "Match funding"


class Contract(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        ENDED = "ended", "Ended"
        TERMINATED = "terminated", "Terminated"

    TRANSITIONS: dict[str, set[str]] = {
        Status.DRAFT: {Status.ACTIVE},
        Status.ACTIVE: {Status.ENDED, Status.TERMINATED},
        Status.ENDED: set(),
        Status.TERMINATED: set(),
    }

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=40, unique=True)
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="contracts")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="contracts")
    start_date = models.DateField()
    end_date = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    activated_on = models.DateField(null=True, blank=True)
    lead_commissioner = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="contracts_led"
    )
    measure_set = models.ForeignKey(MeasureSet, on_delete=models.PROTECT, related_name="contracts")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="+")
    primary_priority = models.ForeignKey(
        Priority, on_delete=models.PROTECT, related_name="contracts"
    )
    outcomes = models.ManyToManyField(Outcome, blank=True, related_name="contracts")
    themes = models.ManyToManyField(Theme, blank=True, related_name="contracts")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[outcomes, themes])

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="contract_dates_in_order"
            ),
        ]
        indexes = [models.Index(fields=["status", "end_date"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.service.name}"


class ContractFunding(models.Model):
    """What one funding stream puts into a contract in one financial year."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="funding")
    stream = models.CharField(max_length=20, choices=FundingStream.choices)
    financial_year = models.PositiveSmallIntegerField()
    amount = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["contract", "financial_year", "stream"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "stream", "financial_year"], name="one_funding_line_per_year"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="funding_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_stream_display()} {self.year_label}: {self.amount}"

    @property
    def year_label(self) -> str:
        return financial_year_label(self.financial_year)


class ContractAmendment(models.Model):
    """A dated variation or extension: what changed, the new end date or value, why, and
    who approved it. The contract's history lists these."""

    class Kind(models.TextChoices):
        VARIATION = "variation", "Variation"
        EXTENSION = "extension", "Extension"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="amendments")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    effective_on = models.DateField()
    description = models.TextField(max_length=2000)
    previous_end_date = models.DateField(null=True, blank=True)
    new_end_date = models.DateField(null=True, blank=True)
    stream = models.CharField(max_length=20, choices=FundingStream.choices, blank=True)
    financial_year = models.PositiveSmallIntegerField(null=True, blank=True)
    previous_amount = models.DecimalField(**MONEY, null=True, blank=True)
    new_amount = models.DecimalField(**MONEY, null=True, blank=True)
    reason = models.TextField(max_length=2000)
    approved_by = models.CharField(max_length=200)
    recorded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["contract", "effective_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.contract_id} on {self.effective_on}"

    @property
    def year_label(self) -> str:
        return financial_year_label(self.financial_year) if self.financial_year else ""


class Target(models.Model):
    """A contract's target for a measure in a quarter (1-4) or the whole year (0)."""

    YEAR = 0

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="targets")
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="targets")
    financial_year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    value = models.DecimalField(max_digits=14, decimal_places=2)

    history = HistoricalRecords()

    class Meta:
        ordering = ["contract", "financial_year", "measure__position", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "measure", "financial_year", "quarter"],
                name="one_target_per_period",
            ),
            models.CheckConstraint(condition=Q(quarter__lte=4), name="target_quarter_0_to_4"),
            models.CheckConstraint(condition=Q(value__gte=0), name="target_not_negative"),
        ]

    def __str__(self) -> str:
        period = "year" if self.quarter == self.YEAR else f"Q{self.quarter}"
        return f"{self.measure.code} {financial_year_label(self.financial_year)} {period}"
