"""The log of every export of return data: who took which figures away, when, and how."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from accounts.models import User
from commissioning.models.contracts import Contract


class ReturnExport(models.Model):
    """One download of return data (a return's CSV, the roll-up as CSV or XLSX, the roll-up
    through the API). Written by `return_export_record`; never changed; listed for
    commissioners on "Exports of return data"."""

    class Kind(models.TextChoices):
        RETURN = "return", "One return's figures"
        ROLLUP = "rollup", "Roll-up for the MoJ"

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel (XLSX)"
        API = "api", "API (JSON)"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    exported_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Kept when the person's account goes: the name and email are copied at export time.
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(max_length=300)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    format = models.CharField(max_length=10, choices=Format.choices)
    # What was exported: the contract (one return), the period, and the other filters.
    contract = models.ForeignKey(
        Contract, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    financial_year = models.PositiveSmallIntegerField(null=True, blank=True)
    period = models.CharField(max_length=20, blank=True)
    description = models.CharField(max_length=300)
    filters = models.JSONField(default=dict, blank=True)
    rows = models.PositiveIntegerField()

    class Meta:
        ordering = ["-exported_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.description} ({self.get_format_display()}) by {self.actor_name}"
