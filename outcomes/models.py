"""The plan framework as versioned data: a Plan owns its priorities, outcomes,
indicators and cross-cutting themes. A new plan is loaded beside the old one."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import F, Q


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
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "priority__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="indicator_code_unique_in_plan"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"
