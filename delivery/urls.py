from django.urls import path

from delivery import report_views, views

app_name = "delivery"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("awards/", views.awards, name="awards"),
    path("awards/<uuid:award_uuid>/", views.award, name="award"),
    path("contracts/", views.contracts, name="contracts"),
    path("contracts/<uuid:contract_uuid>/", views.contract, name="contract"),
    path("bids/", views.bids, name="bids"),
    path("panel-reports/", report_views.panel_reports, name="panel-reports"),
    path("panel-reports/<uuid:panel_report_uuid>/", report_views.panel_report, name="panel-report"),
    path(
        "panel-reports/<uuid:panel_report_uuid>/again/",
        report_views.panel_report_regenerate,
        name="panel-report-regenerate",
    ),
    path(
        "panel-reports/<uuid:panel_report_uuid>/download/",
        report_views.panel_report_download,
        name="panel-report-download",
    ),
    path(
        "panel-reports/<uuid:panel_report_uuid>/report/",
        report_views.panel_report_page,
        name="panel-report-page",
    ),
]
