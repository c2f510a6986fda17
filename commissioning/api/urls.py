from django.urls import path

from commissioning.api import views

# Parameters are named as on the web pages (contract_uuid, return_uuid), so every check that
# walks the URL patterns (tests/test_crawl.py) fills them the same way.
urlpatterns = [
    path("contracts/", views.ContractList.as_view(), name="contract-list"),
    path("contracts/<uuid:contract_uuid>/", views.ContractDetail.as_view(), name="contract"),
    path("measure-sets/", views.MeasureSetList.as_view(), name="measure-set-list"),
    path(
        "measure-sets/<uuid:measure_set_uuid>/",
        views.MeasureSetDetail.as_view(),
        name="measure-set",
    ),
    path("returns/", views.ReturnList.as_view(), name="return-list"),
    path("returns/<uuid:return_uuid>/", views.ReturnDetail.as_view(), name="return"),
    path(
        "returns/<uuid:return_uuid>/figures/",
        views.ReturnFigures.as_view(),
        name="return-figures",
    ),
    path("returns/<uuid:return_uuid>/submit/", views.ReturnSubmit.as_view(), name="return-submit"),
    path("returns/<uuid:return_uuid>/accept/", views.ReturnAccept.as_view(), name="return-accept"),
    path(
        "returns/<uuid:return_uuid>/request-changes/",
        views.ReturnRequestChanges.as_view(),
        name="return-request-changes",
    ),
    path("rollup/", views.Rollup.as_view(), name="rollup"),
]
