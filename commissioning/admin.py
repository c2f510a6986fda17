"""Administrators edit measure sets here (measures are data); contracts and returns are
read-mostly here and changed through the commissioning pages, which apply the rules."""

from django.contrib import admin

from commissioning.models import Contract, Measure, MeasureSet, MonitoringReturn, Service
from core.admin_forms import SingleLineAdminMixin, SingleLineInlineMixin


class MeasureInline(SingleLineInlineMixin, admin.TabularInline):
    model = Measure
    fk_name = "measure_set"
    extra = 0
    fields = [
        "position",
        "code",
        "label",
        "kind",
        "breakdown",
        "categories",
        "total_matches",
        "required",
        "max_length",
        "help_text",
    ]


@admin.register(MeasureSet)
class MeasureSetAdmin(SingleLineAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "financial_year"]
    inlines = [MeasureInline]


@admin.register(Service)
class ServiceAdmin(SingleLineAdminMixin, admin.ModelAdmin):
    list_display = ["name", "category"]
    list_filter = ["category"]


@admin.register(Contract)
class ContractAdmin(SingleLineAdminMixin, admin.ModelAdmin):
    list_display = ["reference", "provider", "service", "status", "start_date", "end_date"]
    list_filter = ["status", "service__category"]
    search_fields = ["reference", "provider__name"]
    readonly_fields = [f.name for f in Contract._meta.fields]


@admin.register(MonitoringReturn)
class MonitoringReturnAdmin(SingleLineAdminMixin, admin.ModelAdmin):
    list_display = ["contract", "financial_year", "quarter", "version", "status", "due_date"]
    list_filter = ["status", "financial_year", "quarter"]
    readonly_fields = [f.name for f in MonitoringReturn._meta.fields]
