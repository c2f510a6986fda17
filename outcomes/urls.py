from django.urls import path

from outcomes import reading_views, views

app_name = "outcomes"

urlpatterns = [
    path("plan/", views.plan_detail, name="plan"),
    path("plan/<slug:code>/", views.plan_detail, name="plan-version"),
    path("indicators/", reading_views.current_indicators, name="current-indicators"),
    path("plan/<slug:code>/indicators/", reading_views.indicator_list, name="indicator-list"),
    path(
        "plan/<slug:code>/indicators/<slug:indicator_code>/",
        reading_views.indicator_detail,
        name="indicator",
    ),
    path(
        "plan/<slug:code>/indicators/<slug:indicator_code>/readings/add/",
        reading_views.reading_add,
        name="reading-add",
    ),
    path(
        "plan/<slug:code>/readings/<uuid:reading_uuid>/",
        reading_views.reading_edit,
        name="reading-edit",
    ),
    path(
        "plan/<slug:code>/readings/upload/", reading_views.readings_upload, name="readings-upload"
    ),
    path(
        "plan/<slug:code>/readings/template.csv",
        reading_views.readings_template,
        name="readings-template",
    ),
    path(
        "plan/<slug:code>/readings/uploads/<uuid:upload_uuid>/",
        reading_views.readings_upload_detail,
        name="readings-upload-detail",
    ),
]
