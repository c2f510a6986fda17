from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("signed-in/", views.after_login, name="after-login"),
    path("session/keep-alive/", views.session_keep_alive, name="session-keep-alive"),
    path("organisation/", views.organisation_mine, name="organisation-mine"),
    path("organisation/new/", views.organisation_create, name="organisation-create"),
    path(
        "organisation/<uuid:organisation_uuid>/",
        views.organisation_detail,
        name="organisation-detail",
    ),
    path(
        "organisation/<uuid:organisation_uuid>/edit/",
        views.organisation_edit,
        name="organisation-edit",
    ),
    path(
        "organisation/<uuid:organisation_uuid>/invite/",
        views.organisation_invite,
        name="organisation-invite",
    ),
    path("invitations/<uuid:token>/", views.invitation_accept, name="invitation-accept"),
    path("api-access/", views.api_access, name="api-access"),
    path("api-access/<uuid:token_uuid>/revoke/", views.api_token_revoke, name="api-token-revoke"),
    path("staff/", views.staff_home, name="staff-home"),
    path("staff/organisations/", views.staff_organisation_list, name="staff-organisation-list"),
]
