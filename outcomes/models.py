"""The plan framework as versioned data: a Plan owns its priorities, outcomes,
indicators and cross-cutting themes. A new plan is loaded beside the old one."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from outcomes.figures import DECIMAL_PLACES, MAX_DIGITS, Unit
from outcomes.periods import Period, PeriodKind


class PlanQuerySet(models.QuerySet):
    def current(self) -> Plan | None:
        return self.filter(is_current=True).first()


class Plan(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(max_length=40, unique=True)
    title = models.CharField(max_length=200)
    vision = models.CharField(max_length=300, blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField()
    is_current = models.BooleanField(default=False)
    commissioning_principles = models.JSONField(default=list, blank=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")), name="plan_dates_in_order"
            ),
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="one_current_plan"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Priority(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="priorities")
    code = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    focus = models.CharField(max_length=200, blank=True)
    objectives = models.JSONField(default=list, blank=True)
    focus_areas = models.JSONField(default=list, blank=True)
    partnerships = models.JSONField(default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "position"]
        verbose_name_plural = "priorities"
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="priority_code_unique_in_plan"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Theme(models.Model):
    """A cross-cutting theme of a plan (e.g. the safety of women and girls)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="themes")
    code = models.CharField(max_length=20)
    title = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="theme_code_unique_in_plan"),
        ]

    def __str__(self) -> str:
        return self.title


class Outcome(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="outcomes")
    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="outcomes")
    code = models.CharField(max_length=20)
    title = models.CharField(max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "priority__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="outcome_code_unique_in_plan"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Indicator(models.Model):
    class Direction(models.TextChoices):
        UP = "up", "Increase"
        DOWN = "down", "Reduce"
        MONITOR = "monitor", "Monitor"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicators")
    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(max_length=20)
    title = models.CharField(max_length=300)
    source = models.CharField(max_length=200, blank=True)
    metric = models.CharField(max_length=500, blank=True)
    direction = models.CharField(max_length=10, choices=Direction.choices)
    # Its measures' unit and tolerance unless a measure has its own (outcomes.trends).
    unit = models.CharField(max_length=12, choices=Unit.choices, default=Unit.COUNT)
    tolerance = models.DecimalField(
        max_digits=MAX_DIGITS,
        decimal_places=DECIMAL_PLACES,
        default=Decimal(0),
        help_text="A change this size or smaller, in the unit (percentage points for a "
        "percentage), counts as stable.",
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "priority__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="indicator_code_unique_in_plan"),
            models.CheckConstraint(
                condition=Q(tolerance__gte=0), name="indicator_tolerance_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class IndicatorMeasure(models.Model):
    """One figure an indicator is measured by. Most indicators have one (code ""); some
    have several ("victim satisfaction" overall and for domestic abuse victims)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="measures")
    code = models.CharField(max_length=40, blank=True)
    title = models.CharField(max_length=300)
    unit = models.CharField(max_length=12, choices=Unit.choices, default=Unit.COUNT)
    tolerance = models.DecimalField(
        max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, default=Decimal(0)
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["indicator", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "code"], name="measure_code_unique_in_indicator"
            ),
            models.CheckConstraint(
                condition=Q(tolerance__gte=0), name="measure_tolerance_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ReadingUpload(models.Model):
    """One CSV file of readings that was saved: who, when, and every line it saved."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reading_uploads")
    file_name = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    uploaded_at = models.DateTimeField()
    # [{line, indicator, measure, area, period, value, outcome: added|changed|unchanged}]
    lines = models.JSONField(default=list)
    added = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.uploaded_at:%d %b %Y %H:%M})"


class IndicatorReading(models.Model):
    """One figure for one measure, one area (West Yorkshire, or a district) and one period."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    measure = models.ForeignKey(IndicatorMeasure, on_delete=models.PROTECT, related_name="readings")
    # No district: the whole of West Yorkshire.
    district = models.ForeignKey(
        "accounts.District", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    period_kind = models.CharField(max_length=20, choices=PeriodKind.choices)
    period_start = models.DateField()
    period_end = models.DateField()
    period_label = models.CharField(max_length=60)
    value = models.DecimalField(max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES)
    unit = models.CharField(max_length=12, choices=Unit.choices)
    is_baseline = models.BooleanField(default=False)
    note = models.TextField(blank=True)
    source = models.CharField(max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    entered_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    changed_at = models.DateTimeField()

    history = HistoricalRecords()

    class Meta:
        # No ordering through the district: a nullable join would stop select_for_update.
        ordering = ["measure", "period_end"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "period_start", "period_end"],
                condition=Q(district__isnull=True),
                name="one_west_yorkshire_reading_per_period",
            ),
            models.UniqueConstraint(
                fields=["measure", "district", "period_start", "period_end"],
                condition=Q(district__isnull=False),
                name="one_district_reading_per_period",
            ),
            models.UniqueConstraint(
                fields=["measure"],
                condition=Q(district__isnull=True, is_baseline=True),
                name="one_west_yorkshire_baseline",
            ),
            models.UniqueConstraint(
                fields=["measure", "district"],
                condition=Q(district__isnull=False, is_baseline=True),
                name="one_district_baseline",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gt=F("period_start")), name="reading_period_in_order"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="reading_not_negative"),
            models.CheckConstraint(
                condition=~Q(unit=Unit.PERCENTAGE) | Q(value__lte=100),
                name="reading_percentage_at_most_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.area_name} {self.period_label}: {self.value}"

    @property
    def period(self) -> Period:
        return Period.from_stored(self.period_kind, self.period_start, self.period_end)

    @property
    def area_name(self) -> str:
        return self.district.name if self.district_id else WEST_YORKSHIRE


WEST_YORKSHIRE = "West Yorkshire"


class Crosswalk(models.Model):
    """How an earlier plan's priorities, outcomes and themes map onto a later plan's, so
    awards and contracts aligned to the earlier plan can be shown under the later one
    (marked as mapped). Loaded from a file; loading it again replaces its links."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    from_plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="crosswalks_out")
    to_plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="crosswalks_in")
    file_name = models.CharField(max_length=255)
    loaded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["from_plan", "to_plan"], name="one_crosswalk_per_pair"),
            models.CheckConstraint(
                condition=~Q(from_plan=F("to_plan")), name="crosswalk_between_two_plans"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_plan.code} -> {self.to_plan.code}"


class CrosswalkLink(models.Model):
    """One line of a crosswalk: an earlier plan's code and the later plan's code it maps
    to. A priority maps to one priority; an outcome or a theme may map to several."""

    class Kind(models.TextChoices):
        PRIORITY = "priority", "Priority"
        OUTCOME = "outcome", "Outcome"
        THEME = "theme", "Theme"

    crosswalk = models.ForeignKey(Crosswalk, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    from_code = models.CharField(max_length=20)
    to_code = models.CharField(max_length=20)

    class Meta:
        ordering = ["crosswalk", "kind", "from_code", "to_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["crosswalk", "kind", "from_code", "to_code"], name="one_crosswalk_link"
            ),
            models.UniqueConstraint(
                fields=["crosswalk", "from_code"],
                condition=Q(kind="priority"),
                name="a_priority_maps_to_one_priority",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.from_code} -> {self.to_code}"
