from django.contrib import admin
from django.urls import include, path

from accounts.views import home
from config.views import accessibility, healthz, privacy, terms

admin.site.site_header = "Safer Communities Grants administration"

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("privacy/", privacy, name="privacy"),
    path("accessibility/", accessibility, name="accessibility"),
    path("terms/", terms, name="terms"),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("", include("outcomes.urls")),
    path("", include("grants.urls")),
    path("", include("commissioning.urls")),
    path("delivery/", include("delivery.urls")),
    path("", include("opendata.urls")),
    path("api/", include("config.api_urls")),
    path("admin/", admin.site.urls),
]

# Under /api/ a missing address answers with a problem document, like every API error.
handler404 = "config.views.not_found"
