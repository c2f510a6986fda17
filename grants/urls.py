from django.urls import path

from grants import staff_views, views

app_name = "grants"

urlpatterns = [
    path("funding/", views.round_list, name="round-list"),
    path("funding/<uuid:round_uuid>/", views.round_detail, name="round-detail"),
    path("funding/<uuid:round_uuid>/eligibility/", views.eligibility, name="eligibility"),
    path("funding/<uuid:round_uuid>/apply/", views.application_start, name="application-start"),
    path("applications/", views.dashboard, name="dashboard"),
    path(
        "applications/<uuid:application_uuid>/", views.application_detail, name="application-detail"
    ),
    path(
        "applications/<uuid:application_uuid>/budget/",
        views.application_budget,
        name="application-budget",
    ),
    path(
        "applications/<uuid:application_uuid>/documents/",
        views.application_documents,
        name="application-documents",
    ),
    path(
        "applications/<uuid:application_uuid>/documents/<uuid:document_uuid>/",
        views.document_download,
        name="document-download",
    ),
    path(
        "applications/<uuid:application_uuid>/check/",
        views.application_check,
        name="application-check",
    ),
    path(
        "applications/<uuid:application_uuid>/submit/",
        views.application_submit,
        name="application-submit",
    ),
    path(
        "applications/<uuid:application_uuid>/submitted/",
        views.application_submitted,
        name="application-submitted",
    ),
    path(
        "applications/<uuid:application_uuid>/withdraw/",
        views.application_withdraw,
        name="application-withdraw",
    ),
    path(
        "applications/<uuid:application_uuid>/copy/",
        views.application_copy,
        name="application-copy",
    ),
    path(
        "applications/<uuid:application_uuid>/<slug:section>/",
        views.application_section,
        name="application-section",
    ),
    path(
        "applications/<uuid:application_uuid>/<slug:section>/autosave/",
        views.application_autosave,
        name="application-autosave",
    ),
    path("staff/rounds/", staff_views.round_list, name="staff-round-list"),
    path("staff/funds/new/", staff_views.fund_edit, name="staff-fund-create"),
    path("staff/funds/<uuid:fund_uuid>/edit/", staff_views.fund_edit, name="staff-fund-edit"),
    path("staff/rounds/new/", staff_views.round_edit, name="staff-round-create"),
    path("staff/rounds/<uuid:round_uuid>/edit/", staff_views.round_edit, name="staff-round-edit"),
    path("staff/rounds/<uuid:round_uuid>/pots/new/", staff_views.pot_edit, name="staff-pot-create"),
    path(
        "staff/rounds/<uuid:round_uuid>/pots/<int:pot_id>/edit/",
        staff_views.pot_edit,
        name="staff-pot-edit",
    ),
    path(
        "staff/rounds/<uuid:round_uuid>/applications/",
        staff_views.round_applications,
        name="staff-round-applications",
    ),
]
