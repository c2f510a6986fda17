from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import District, Invitation, Membership, Organisation, User
from core.admin_forms import SingleLineAdminMixin, SingleLineInlineMixin


@admin.register(User)
class UserAdmin(SingleLineAdminMixin, BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "last_login"]
    search_fields = ["email", "full_name"]
    list_filter = ["is_active", "is_staff", "groups"]
    fieldsets = [
        (None, {"fields": ["email", "password", "full_name"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


class MembershipInline(SingleLineInlineMixin, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(SingleLineAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "type", "district", "is_applicant", "is_provider"]
    list_filter = ["type", "district", "is_applicant", "is_provider"]
    search_fields = ["name", "charity_number", "company_number", "postcode"]
    inlines = [MembershipInline]


@admin.register(District)
class DistrictAdmin(SingleLineAdminMixin, admin.ModelAdmin):
    list_display = ["name", "ons_code", "position"]


@admin.register(Invitation)
class InvitationAdmin(SingleLineAdminMixin, admin.ModelAdmin):
    list_display = ["email", "organisation", "created_at", "expires_at", "accepted_at"]
    search_fields = ["email", "organisation__name"]
