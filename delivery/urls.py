from django.urls import path

from delivery import views

app_name = "delivery"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("awards/", views.awards, name="awards"),
    path("awards/<uuid:award_uuid>/", views.award, name="award"),
    path("contracts/", views.contracts, name="contracts"),
    path("contracts/<uuid:contract_uuid>/", views.contract, name="contract"),
    path("bids/", views.bids, name="bids"),
]
