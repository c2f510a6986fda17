from django.urls import path

from opendata import views

app_name = "opendata"

urlpatterns = [
    path("open-data/", views.index, name="index"),
    path("open-data/<int:version>/grants.<str:extension>", views.download, name="file"),
    path("funded/", views.funded, name="funded"),
    path("staff/open-data/", views.staff, name="staff"),
    path("staff/open-data/publish/", views.staff_publish, name="staff-publish"),
]
