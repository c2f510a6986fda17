"""The group's application from start to submission: starting one, the dashboard, the
application's page, checking and submitting it, withdrawing or copying it, and its PDF."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import permission_required
from accounts.permissions import memberships_of
from core.downloads import private_file_response
from core.errors import ApplicationError
from core.forms import run_form
from grants import services
from grants.access import (
    access_application_by_uuid,
    access_document_by_uuid,
    access_round_by_uuid,
    access_staff_application_by_uuid,
    award_for_application,
)
from grants.application_pdf import application_pdf, filename
from grants.errors import IncompleteApplication
from grants.forms.applications import CopyForm, WithdrawForm
from grants.forms.common import form_data
from grants.models import Application
from grants.permissions import can
from grants.sections import SECTIONS, application_problems, section_states
from grants.selectors.applications import (
    application_for_form,
    applications_for_dashboard,
    organisations_for_applicant,
    rounds_open_for_copy,
)


@login_required
@require_http_methods(["GET", "POST"])
def application_start(request, round_uuid):
    round = access_round_by_uuid(request.user, round_uuid)
    organisations = organisations_for_applicant(request.user)
    if not organisations:
        messages.info(
            request, "Tell us about your organisation first. Then you can start your application."
        )
        return redirect(f"{reverse('accounts:organisation-create')}?next={request.path}")
    chosen = organisations[0] if len(organisations) == 1 else None
    if request.method == "POST" and len(organisations) > 1:
        chosen = next(
            (o for o in organisations if str(o.uuid) == request.POST.get("organisation")), None
        )
    if request.method == "POST" and chosen is not None:
        # No form to show a refusal on: it goes back to the round's page as a message.
        try:
            application = services.application_start(
                round=round, organisation=chosen, actor=request.user
            )
        except ApplicationError as refused:
            messages.error(request, refused.message)
            return redirect("grants:round-detail", round.uuid)
        return redirect("grants:application-detail", application.uuid)
    return render(
        request,
        "grants/application_start.html",
        {
            "round": round,
            "organisations": organisations,
            "chosen": chosen,
            "choice_missing": request.method == "POST",
        },
    )


@login_required
def dashboard(request):
    applications = list(
        applications_for_dashboard(organisation_ids=list(memberships_of(request.user)))
    )
    return render(
        request,
        "grants/dashboard.html",
        {
            "drafts": [a for a in applications if a.status == Application.Status.DRAFT],
            "others": [a for a in applications if a.status != Application.Status.DRAFT],
            "open_rounds": list(rounds_open_for_copy()),
        },
    )


def _loaded_application(request, application_uuid, rule: str) -> Application:
    """The application if the user passes `rule`, with everything the pages read."""
    application = access_application_by_uuid(request.user, application_uuid, rule)
    return application_for_form(application.pk)


@login_required
def application_detail(request, application_uuid):
    application = _loaded_application(request, application_uuid, "grants.view_application")
    problems = application_problems(application)
    states = section_states(application, problems)
    return render(
        request,
        "grants/application_detail.html",
        {
            "application": application,
            "sections": [(s, states[s.slug]) for s in SECTIONS],
            "completed": sum(1 for state in states.values() if state == "completed"),
            "can_edit": can(request.user, "grants.change_application", application),
            "can_withdraw": can(request.user, "grants.withdraw_application", application),
            "award": award_for_application(application),
        },
    )


@login_required
def document_download(request, application_uuid, document_uuid):
    document = access_document_by_uuid(request.user, application_uuid, document_uuid)
    return private_file_response(document.file, document.original_name, document.content_type)


@login_required
def application_check(request, application_uuid):
    application = _loaded_application(request, application_uuid, "grants.view_application")
    problems = application_problems(application)
    return render(
        request,
        "grants/application_check.html",
        {
            "application": application,
            "problems": problems,
            "can_submit": can(request.user, "grants.submit_application", application),
            "can_change_answers": can(request.user, "grants.change_application", application),
        },
    )


@login_required
@require_POST
def application_submit(request, application_uuid):
    application = access_application_by_uuid(
        request.user, application_uuid, "grants.submit_application"
    )
    # Two kinds of refusal, two answers: unfinished goes back to the check page with what is
    # missing; any other (the deadline passed) shows that page again with the reason, as 409.
    try:
        services.application_submit(application=application, actor=request.user)
    except IncompleteApplication:
        messages.error(request, "Your application is not finished yet: see what is missing below.")
        return redirect("grants:application-check", application.uuid)
    except ApplicationError as refused:
        application = application_for_form(application.pk)
        return render(
            request,
            "grants/application_check.html",
            {
                "application": application,
                "problems": application_problems(application),
                "refusal": refused.message,
                "can_submit": False,
            },
            status=409,
        )
    return redirect("grants:application-submitted", application.uuid)


@login_required
def application_submitted(request, application_uuid):
    application = access_application_by_uuid(
        request.user, application_uuid, "grants.view_application"
    )
    if application.reference is None:
        return redirect("grants:application-detail", application.uuid)
    return render(request, "grants/application_submitted.html", {"application": application})


@login_required
@require_http_methods(["GET", "POST"])
def application_withdraw(request, application_uuid):
    application = access_application_by_uuid(
        request.user, application_uuid, "grants.withdraw_application"
    )
    form = WithdrawForm(*form_data(request))
    done = run_form(
        request,
        form,
        lambda data: services.application_withdraw(
            application=application, actor=request.user, reason=data["reason"]
        ),
        "grants:dashboard",
        "Your application has been withdrawn.",
    )
    return done or render(
        request, "grants/application_withdraw.html", {"application": application, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_copy(request, application_uuid):
    source = access_application_by_uuid(request.user, application_uuid, "grants.view_application")
    if not can(request.user, "grants.copy_application", source):
        raise Http404("No such application")  # the copy page is the group's own
    rounds = rounds_open_for_copy().exclude(pk=source.round_id)
    form = CopyForm(*form_data(request), rounds=rounds)
    done = run_form(
        request,
        form,
        lambda data: services.application_copy(
            source=source, round=data["round"], actor=request.user
        ),
        lambda draft: ("grants:application-detail", draft.uuid),
        "We have copied your answers and documents into a new application. Check each section before you submit.",
        field="round",
    )
    return done or render(
        request,
        "grants/application_copy.html",
        {"application": source, "form": form, "has_rounds": rounds.exists()},
    )


def _pdf_response(application_id: int) -> HttpResponse:
    application = application_for_form(application_id)
    response = HttpResponse(application_pdf(application), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename(application)}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def application_pdf_for_group(request, application_uuid):
    """A draft has no PDF: it is not an application until it is submitted."""
    application = access_application_by_uuid(
        request.user, application_uuid, "grants.view_application"
    )
    if application.submitted_at is None:
        raise Http404("No such application")
    return _pdf_response(application.pk)


@permission_required("grants.run_assessment")
def application_pdf_for_staff(request, application_uuid):
    application = access_staff_application_by_uuid(request.user, application_uuid)
    return _pdf_response(application.pk)
