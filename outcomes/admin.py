from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.admin_forms import SingleLineAdminMixin
from outcomes.models import (
    Indicator,
    IndicatorMeasure,
    IndicatorReading,
    Outcome,
    Plan,
    Priority,
    ReadingUpload,
    Theme,
)


@admin.register(Plan)
class PlanAdmin(SingleLineAdminMixin, admin.ModelAdmin):
    list_display = ["code", "title", "starts_on", "ends_on", "is_current"]


@admin.register(Priority)
class PriorityAdmin(SingleLineAdminMixin, admin.ModelAdmin):
    list_display = ["code", "title", "plan"]
    list_filter = ["plan"]


@admin.register(Outcome, Indicator, Theme)
class PlanPartAdmin(SingleLineAdminMixin, admin.ModelAdmin):
    list_display = ["code", "title", "plan"]
    list_filter = ["plan"]


@admin.register(IndicatorMeasure)
class IndicatorMeasureAdmin(SingleLineAdminMixin, admin.ModelAdmin):
    list_display = ["indicator", "code", "title", "unit", "tolerance"]
    list_filter = ["indicator__plan", "unit"]


@admin.register(IndicatorReading)
class IndicatorReadingAdmin(SingleLineAdminMixin, SimpleHistoryAdmin):
    list_display = ["measure", "district", "period_label", "value", "unit", "changed_by"]
    list_filter = ["measure__indicator__plan", "district", "period_kind"]
    list_select_related = ["measure", "district", "changed_by"]
    readonly_fields = ["entered_by", "entered_at", "changed_by", "changed_at"]


@admin.register(ReadingUpload)
class ReadingUploadAdmin(SingleLineAdminMixin, admin.ModelAdmin):
    list_display = ["file_name", "plan", "uploaded_by", "uploaded_at", "added", "changed"]
    readonly_fields = ["lines"]
