"""The versions of the 360Giving file, and the grants of the newest one for /funded/."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

MONEY_TOTAL = {"max_digits": 14, "decimal_places": 2}
FORMATS = ("json", "csv", "xlsx")
FORMAT_NAMES = {
    "json": "JSON (the 360Giving data package)",
    "csv": "CSV (a spreadsheet, 360Giving's column titles)",
    "xlsx": "Excel (XLSX, 360Giving's column titles)",
}


def _file_path(instance: PackageVersion, filename: str) -> str:
    return f"open-data/{instance.uuid.hex}/{filename}"


class PackageVersion(models.Model):
    """One run of the publisher: a published version of the file, or one refused.

    A published version has a number (1, 2, 3...), its JSON, CSV and XLSX files, and the
    grants and totals in them. A refused run keeps no file, only the problems that stopped
    it, so officers can put them right; the version before it stays up."""

    class Status(models.TextChoices):
        PUBLISHED = "published", "Published"
        REFUSED = "refused", "Not published"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.PositiveIntegerField(null=True, blank=True, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    created_at = models.DateTimeField(default=timezone.now)
    # Who asked for it; none for the nightly run.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    grants_count = models.PositiveIntegerField(default=0)
    total_awarded = models.DecimalField(**MONEY_TOTAL, default=0)
    total_disbursed = models.DecimalField(**MONEY_TOTAL, default=0)
    # A hash of the grants as published: the same grants make no new version.
    content_hash = models.CharField(max_length=64)
    # When the newest grant in the file last changed.
    modified = models.DateTimeField(null=True, blank=True)
    json_file = models.FileField(upload_to=_file_path, max_length=200, blank=True)
    csv_file = models.FileField(upload_to=_file_path, max_length=200, blank=True)
    xlsx_file = models.FileField(upload_to=_file_path, max_length=200, blank=True)
    json_size = models.PositiveIntegerField(default=0)
    csv_size = models.PositiveIntegerField(default=0)
    xlsx_size = models.PositiveIntegerField(default=0)
    # Which awards the file holds, and those whose location it gives: a grant or location
    # withheld later takes the version down (opendata.selectors).
    award_ids = models.JSONField(default=list, blank=True)
    located_award_ids = models.JSONField(default=list, blank=True)
    # [{check, grant, field, message}]: errors stop publication, notices do not.
    errors = models.JSONField(default=list, blank=True)
    notices = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="published", number__isnull=False)
                | Q(status="refused", number__isnull=True),
                name="package_version_numbered_when_published",
            ),
        ]

    def __str__(self) -> str:
        if self.number:
            return f"Version {self.number}"
        return f"Refused run of {self.created_at:%d %B %Y %H:%M}"

    def file_for(self, extension: str) -> tuple[models.fields.files.FieldFile, int]:
        return getattr(self, f"{extension}_file"), getattr(self, f"{extension}_size")

    @property
    def files(self) -> list[tuple[str, str, int]]:
        """(extension, what it is, size) of each file, for the public page."""
        return [
            (extension, FORMAT_NAMES[extension], getattr(self, f"{extension}_size"))
            for extension in FORMATS
        ]


class PublishedGrant(models.Model):
    """A grant as the newest published version gives it, one row each, for the public
    page: filtered and totalled by the database, never by reading the file."""

    version = models.ForeignKey(PackageVersion, on_delete=models.CASCADE, related_name="grants")
    award = models.ForeignKey("grants.Award", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField()
    grant_id = models.CharField(max_length=120)
    title = models.CharField(max_length=300)
    description = models.TextField()
    recipient = models.CharField(max_length=300)
    amount_awarded = models.DecimalField(**MONEY_TOTAL)
    amount_disbursed = models.DecimalField(**MONEY_TOTAL)
    award_date = models.DateField()
    # The financial year of the award: 2024 for April 2024 to March 2025.
    financial_year = models.PositiveSmallIntegerField()
    round_code = models.CharField(max_length=40)
    round_title = models.CharField(max_length=300)
    # The Panel report's area: a district, Multi-District, Across West Yorkshire, or none
    # when the location is not published.
    area = models.CharField(max_length=100)
    # "|Bradford|Leeds|": each district named, for the district filter.
    district_names = models.CharField(max_length=600, blank=True)
    priority_code = models.CharField(max_length=20, blank=True)
    priority_title = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["version", "position"]
        indexes = [
            models.Index(fields=["version", "financial_year"]),
            models.Index(fields=["version", "round_code"]),
            models.Index(fields=["version", "priority_code"]),
        ]

    def __str__(self) -> str:
        return self.grant_id

    @property
    def district_list(self) -> list[str]:
        return [name for name in self.district_names.split("|") if name]
