"""Administrators edit measure sets here (measures are data); contracts and returns are
read-mostly here and changed through the commissioning pages, which apply the rules.

Returns hold victim-service figures and narratives: only a commissioner sees them here
(a superuser who is not one is refused, as on the pages and in the API)."""

from django.contrib import admin

from commissioning.models import (
    Contract,
    Measure,
    MeasureSet,
    MonitoringReturn,
    ReturnExport,
    Service,
)
from commissioning.permissions import reads_returns
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


class ReturnContentsAdmin(admin.ModelAdmin):
    """Hidden from, and refused to, anyone who is not a commissioner (superusers too)."""

    def _reads(self, request) -> bool:
        return bool(reads_returns(request.user))

    def has_module_permission(self, request) -> bool:
        return self._reads(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._reads(request) and super().has_view_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._reads(request) and super().has_change_permission(request, obj)

    def has_add_permission(self, request) -> bool:
        return False  # returns open by themselves; exports are logged, never made here

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._reads(request) and super().has_delete_permission(request, obj)


@admin.register(MonitoringReturn)
class MonitoringReturnAdmin(SingleLineAdminMixin, ReturnContentsAdmin):
    list_display = ["contract", "financial_year", "quarter", "version", "status", "due_date"]
    list_filter = ["status", "financial_year", "quarter"]
    readonly_fields = [f.name for f in MonitoringReturn._meta.fields]


@admin.register(ReturnExport)
class ReturnExportAdmin(SingleLineAdminMixin, ReturnContentsAdmin):
    list_display = ["exported_at", "actor_name", "description", "format", "rows"]
    readonly_fields = [f.name for f in ReturnExport._meta.fields]

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # the log is never edited

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
