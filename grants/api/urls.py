from django.urls import path

from grants.api import views

# Parameters are named as on the web pages (round_uuid, application_uuid, line_id, award_uuid),
# so every check that walks the URL patterns (tests/test_crawl.py) fills them the same way.
urlpatterns = [
    path("funds/", views.FundList.as_view(), name="fund-list"),
    path("rounds/", views.RoundList.as_view(), name="round-list"),
    path("rounds/<uuid:round_uuid>/", views.RoundDetail.as_view(), name="round"),
    path(
        "rounds/<uuid:round_uuid>/applications/",
        views.RoundApplications.as_view(),
        name="round-applications",
    ),
    path(
        "rounds/<uuid:round_uuid>/assessments/",
        views.RoundAssessments.as_view(),
        name="round-assessments",
    ),
    path("organisations/", views.OrganisationList.as_view(), name="organisation-list"),
    path("applications/", views.ApplicationList.as_view(), name="application-list"),
    path(
        "applications/<uuid:application_uuid>/",
        views.ApplicationDetail.as_view(),
        name="application",
    ),
    path(
        "applications/<uuid:application_uuid>/sections/<str:section>/",
        views.ApplicationSection.as_view(),
        name="application-section",
    ),
    path(
        "applications/<uuid:application_uuid>/budget-lines/",
        views.BudgetLines.as_view(),
        name="budget-lines",
    ),
    path(
        "applications/<uuid:application_uuid>/budget-lines/<int:line_id>/",
        views.BudgetLine.as_view(),
        name="budget-line",
    ),
    path(
        "applications/<uuid:application_uuid>/documents/",
        views.Documents.as_view(),
        name="documents",
    ),
    path(
        "applications/<uuid:application_uuid>/submit/",
        views.ApplicationSubmit.as_view(),
        name="application-submit",
    ),
    path(
        "applications/<uuid:application_uuid>/withdraw/",
        views.ApplicationWithdraw.as_view(),
        name="application-withdraw",
    ),
    path(
        "applications/<uuid:application_uuid>/grant/",
        views.ApplicationGrant.as_view(),
        name="application-grant",
    ),
    path("awards/", views.AwardList.as_view(), name="award-list"),
    path("awards/<uuid:award_uuid>/", views.AwardDetail.as_view(), name="award"),
    path("payments-due/", views.PaymentsDue.as_view(), name="payments-due"),
]
