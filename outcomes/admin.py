from django.contrib import admin

from outcomes.models import Indicator, Outcome, Plan, Priority, Theme


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "starts_on", "ends_on", "is_current"]


@admin.register(Priority)
class PriorityAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "plan"]
    list_filter = ["plan"]


@admin.register(Outcome, Indicator, Theme)
class PlanPartAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "plan"]
    list_filter = ["plan"]
