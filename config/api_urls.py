"""The REST API: /api/v1/ (every app's endpoints, namespace "api"), /api/schema/ (OpenAPI
3.1) and /api/docs/ (Swagger UI from the drf-spectacular-sidecar package)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

v1 = [
    path("", include("outcomes.api")),
    path("", include("grants.api.urls")),
    path("", include("commissioning.api.urls")),
    path("", include("delivery.api")),
]

urlpatterns = [
    path("v1/", include((v1, "api"))),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
