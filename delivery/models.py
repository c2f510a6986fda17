"""The Police and Crime Panel's performance report: each request is a version, built by a
Celery task into a stored PDF."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from commissioning.quarters import financial_year_label
from outcomes.models import Plan


class Section(models.TextChoices):
    """What a report may hold, in the order it prints them."""

    INDICATORS = "indicators", "Indicators for each priority"
    GRANTS = "grants", "Safer Communities Fund"
    CONTRACTS = "contracts", "Commissioned services"
    GAPS = "gaps", "Gaps: outcomes with no funded activity"


SECTION_ORDER = [choice.value for choice in Section]


def _report_path(instance: PanelReport, filename: str) -> str:
    return f"panel-reports/{instance.plan.uuid.hex}/{uuid.uuid4().hex}.pdf"


class PanelReport(models.Model):
    """One version of the Panel report for a plan and a period (a financial year, or a
    quarter of one). Regenerating makes the next version; a failed build keeps its reason
    and leaves earlier versions as they were."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting to start"
        BUILDING = "building", "Being built"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    TRANSITIONS: dict[str, set[str]] = {
        Status.WAITING: {Status.BUILDING, Status.FAILED},
        Status.BUILDING: {Status.READY, Status.FAILED},
        Status.READY: set(),
        Status.FAILED: set(),
    }
    IN_PROGRESS = frozenset({Status.WAITING, Status.BUILDING})

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="panel_reports")
    year = models.PositiveSmallIntegerField(help_text="The financial year's first calendar year")
    quarter = models.PositiveSmallIntegerField(default=0, help_text="1-4, or 0 for the year")
    sections = models.JSONField(default=list)
    version = models.PositiveIntegerField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    failure_reason = models.TextField(blank=True)
    file = models.FileField(upload_to=_report_path, max_length=200, blank=True)
    size = models.PositiveIntegerField(default=0)
    built_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "year", "quarter", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "year", "quarter", "version"], name="one_panel_report_version"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=0, quarter__lte=4), name="panel_report_quarter_0_to_4"
            ),
        ]

    def __str__(self) -> str:
        return f"Panel report {self.period_label}, version {self.version}"

    @property
    def period_label(self) -> str:
        year = financial_year_label(self.year)
        return f"Q{self.quarter} {year}" if self.quarter else year

    @property
    def in_progress(self) -> bool:
        return self.status in self.IN_PROGRESS

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def has_failed(self) -> bool:
        return self.status == self.Status.FAILED

    @property
    def section_labels(self) -> list[str]:
        labels = dict(Section.choices)
        return [labels[s] for s in SECTION_ORDER if s in self.sections]

    @property
    def filename(self) -> str:
        period = self.period_label.replace("/", "-").replace(" ", "-")
        return f"panel-report-{self.plan.code}-{period}-v{self.version}.pdf"
