from __future__ import annotations

import uuid

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import District
from outcomes.models import Plan, Priority


class Fund(models.Model):
    """A grant programme, e.g. the Mayor's Safer Communities Fund."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200, unique=True)
    code = models.SlugField(max_length=20, unique=True, help_text="Short code, e.g. MSCF")
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


class Round(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

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
    postcodes = models.TextField(blank=True, help_text="Postcode districts or sectors, one a line")
    reference_prefix = models.CharField(max_length=20, unique=True)

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
