from django.urls import path

from commissioning import export_views, return_views, views

app_name = "commissioning"

urlpatterns = [
    path("commissioning/", views.dashboard, name="dashboard"),
    path("commissioning/services/", views.service_list, name="service-list"),
    path("commissioning/services/new/", views.service_edit, name="service-new"),
    path("commissioning/services/<uuid:service_uuid>/", views.service_edit, name="service-edit"),
    path("commissioning/contracts/", views.contract_list, name="contract-list"),
    path("commissioning/contracts/new/", views.contract_edit, name="contract-new"),
    path("commissioning/contracts/<uuid:contract_uuid>/", views.contract, name="contract"),
    path(
        "commissioning/contracts/<uuid:contract_uuid>/edit/",
        views.contract_edit,
        name="contract-edit",
    ),
    path(
        "commissioning/contracts/<uuid:contract_uuid>/activate/",
        views.contract_activate,
        name="contract-activate",
    ),
    path(
        "commissioning/contracts/<uuid:contract_uuid>/close/",
        views.contract_close,
        name="contract-close",
    ),
    path(
        "commissioning/contracts/<uuid:contract_uuid>/amend/",
        views.contract_amend,
        name="contract-amend",
    ),
    path(
        "commissioning/contracts/<uuid:contract_uuid>/targets/<int:year>/",
        views.contract_targets,
        name="contract-targets",
    ),
    path("commissioning/roll-up/", views.rollup, name="rollup"),
    path("commissioning/exports/", export_views.return_exports, name="return-exports"),
    path("your-contracts/", return_views.my_contracts, name="my-contracts"),
    path("returns/<uuid:return_uuid>/", return_views.monitoring_return, name="return"),
    path("returns/<uuid:return_uuid>/upload/", return_views.return_upload, name="return-upload"),
    path("returns/<uuid:return_uuid>/csv/", return_views.return_csv, name="return-csv"),
    path("returns/<uuid:return_uuid>/correct/", return_views.return_correct, name="return-correct"),
    path("returns/<uuid:return_uuid>/review/", return_views.return_review, name="return-review"),
]
