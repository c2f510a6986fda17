from django.urls import path

from outcomes import views

app_name = "outcomes"

urlpatterns = [
    path("plan/", views.plan_detail, name="plan"),
    path("plan/<slug:code>/", views.plan_detail, name="plan-version"),
]
