from __future__ import annotations

import time

from allauth.core.exceptions import ReauthenticationRequired
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from accounts import selectors, services
from accounts.areas import areas_for_user
from accounts.decorators import permission_required
from accounts.forms import ApiTokenForm, InvitationForm, OrganisationForm, OrganisationSearchForm
from accounts.landing import landing_for
from accounts.permissions import (
    access_api_token_by_uuid,
    access_invitation_by_token,
    access_organisation_by_uuid,
    is_staff_member,
)
from accounts.security import LAST_ACTIVITY_SESSION_KEY, idle_timeout_for, recently_authenticated
from core.errors import ApplicationError
from core.forms import call_service


def home(request):
    landing = landing_for(request.user) if request.user.is_authenticated else None
    return render(request, "home.html", {"landing": landing})


@require_http_methods(["POST"])
def session_keep_alive(request):
    """The timeout warning's "Stay signed in": the request itself is the activity."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False}, status=401)
    request.session[LAST_ACTIVITY_SESSION_KEY] = time.time()
    return JsonResponse({"signed_in": True, "timeout": idle_timeout_for(request.user)})


@login_required
def after_login(request):
    """Send each person to where their work is (see accounts.landing)."""
    return redirect(landing_for(request.user).url)


@login_required
def organisation_mine(request):
    organisations = list(selectors.organisations_of_member(request.user))
    if len(organisations) == 1:
        return redirect("accounts:organisation-detail", organisations[0].uuid)
    return render(request, "accounts/organisation_mine.html", {"organisations": organisations})


def _form_errors_from(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create(request):
    form = OrganisationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(
                actor=request.user, data=form.service_data()
            )
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, f"{organisation.name} has been set up.")
            next_url = request.GET.get("next", "")
            if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
                return redirect(next_url)
            return redirect("accounts:organisation-detail", organisation.uuid)
    return render(request, "accounts/organisation_form.html", {"form": form, "creating": True})


@login_required
def organisation_detail(request, organisation_uuid):
    organisation = access_organisation_by_uuid(
        request.user, organisation_uuid, "accounts.view_organisation"
    )
    context = {
        "organisation": organisation,
        "memberships": selectors.organisation_memberships(organisation),
        "invitations": selectors.organisation_open_invitations(organisation),
        "can_edit": request.user.has_perm("accounts.change_organisation", organisation),
        "can_invite": request.user.has_perm("accounts.invite_to_organisation", organisation),
    }
    return render(request, "accounts/organisation_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request, organisation_uuid):
    organisation = access_organisation_by_uuid(
        request.user, organisation_uuid, "accounts.change_organisation"
    )
    form = OrganisationForm(
        request.POST if request.method == "POST" else None, instance=organisation
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                organisation=organisation, actor=request.user, data=form.service_data()
            )
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, "Your organisation's details have been saved.")
            return redirect("accounts:organisation-detail", organisation.uuid)
    return render(
        request,
        "accounts/organisation_form.html",
        {"form": form, "organisation": organisation, "creating": False},
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_invite(request, organisation_uuid):
    organisation = access_organisation_by_uuid(
        request.user, organisation_uuid, "accounts.invite_to_organisation"
    )
    form = InvitationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                organisation=organisation, actor=request.user, email=form.cleaned_data["email"]
            )
        except ValidationError as error:
            _form_errors_from(form, error)
        else:
            messages.success(request, f"We have emailed an invitation to {invitation.email}.")
            return redirect("accounts:organisation-detail", organisation.uuid)
    return render(
        request, "accounts/organisation_invite.html", {"form": form, "organisation": organisation}
    )


@login_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    invitation = access_invitation_by_token(request.user, token)
    error = None
    if request.method == "POST":
        # No form here, only a button: the page shows the refusal in place of it.
        try:
            services.invitation_accept(invitation=invitation, user=request.user)
        except ApplicationError as refused:
            error = refused.message
        else:
            messages.success(request, f"You are now a member of {invitation.organisation.name}.")
            return redirect("accounts:organisation-detail", invitation.organisation.uuid)
    return render(
        request, "accounts/invitation_accept.html", {"invitation": invitation, "error": error}
    )


@permission_required("accounts.view_staff_home")
def staff_home(request):
    return render(request, "accounts/staff_home.html", {"areas": areas_for_user(request.user)})


@permission_required("accounts.list_organisations")
def staff_organisation_list(request):
    form = OrganisationSearchForm(request.GET or None)
    organisations = selectors.organisation_list_for_staff(**form.filters())
    page = Paginator(organisations, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/staff_organisation_list.html",
        {"form": form, "page": page},
        status=400 if form.errors else 200,
    )


# API access --------------------------------------------------------------------------------


def second_factor_confirmed_for_staff_token(request) -> bool:
    """Has this person proved who they are in the last few minutes (staff: with their
    second factor)? Anyone making a token must have (accounts.security)."""
    return recently_authenticated(request)


def _api_token_form(request):
    return ApiTokenForm(
        request.POST if request.method == "POST" else None,
        organisations=selectors.organisations_of_member(request.user),
        staff=is_staff_member(request.user),
    )


@login_required
@require_http_methods(["GET", "POST"])
def api_access(request):
    """The person's API tokens: make one (its key shown once) and see and revoke them."""
    if request.method == "POST" and not second_factor_confirmed_for_staff_token(request):
        # allauth asks for a code (staff) or the password, then carries out this POST.
        raise ReauthenticationRequired()
    form = _api_token_form(request)
    if request.method == "POST" and form.is_valid():
        created = []
        if call_service(
            form,
            lambda data: created.append(
                services.api_token_create(
                    actor=request.user,
                    organisation=form.chosen_organisation(),
                    name=data["name"],
                    scopes=data["scopes"],
                    days=data["days"],
                )
            ),
            form.cleaned_data,
        ):
            response = render(request, "accounts/api_token_created.html", {"new": created[0]})
            response["Cache-Control"] = "no-store"
            return response
    return render(
        request,
        "accounts/api_access.html",
        {"form": form, "tokens": selectors.api_tokens_of(request.user)},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["POST"])
def api_token_revoke(request, token_uuid):
    token = access_api_token_by_uuid(request.user, token_uuid)
    try:
        services.api_token_revoke(token=token, actor=request.user)
    except ApplicationError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, f"“{token.name}” is revoked: it no longer works.")
    return redirect("accounts:api-access")
