from django.urls import path

from bench.bare import views

urlpatterns = [path("", views.bids)]
