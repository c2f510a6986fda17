"""The application form's sections, one page each (the budget and the documents included),
and the autosave the section pages call as the group types."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.forms import OrganisationForm
from accounts.services import organisation_update
from core.forms import call_service
from core.parsers import parse_uuid
from documents.formatting import clock_text
from grants import services
from grants.access import access_application_by_uuid, lock_application_to_change
from grants.forms.applications import BudgetLineForm, DocumentForm
from grants.forms.common import form_data, posted_id
from grants.forms.sections import SECTION_FORMS
from grants.sections import SECTION_SLUGS, SECTION_TITLES, application_problems
from grants.selectors.applications import application_for_form

RETURN_TO_CHECK = "return=check"


def _returning(request) -> bool:
    """The user came from "Check your answers" by a Change link and goes back there."""
    return request.GET.get("return") == "check"


def _next_url(application, section: str, request=None) -> str:
    if request is not None and _returning(request):
        return reverse("grants:application-check", args=[application.uuid])
    index = SECTION_SLUGS.index(section)
    if index + 1 < len(SECTION_SLUGS):
        return reverse(
            "grants:application-section", args=[application.uuid, SECTION_SLUGS[index + 1]]
        )
    return reverse("grants:application-check", args=[application.uuid])


def _after_save(request, application, section: str) -> str:
    if "continue" in request.POST or _returning(request):
        return _next_url(application, section, request)
    return reverse("grants:application-detail", args=[application.uuid])


def _back_url(request, application) -> str:
    name = "grants:application-check" if _returning(request) else "grants:application-detail"
    return reverse(name, args=[application.uuid])


def _section_response(
    request, application, section: str, form, template="grants/application_section.html"
):
    return render(
        request,
        template,
        {
            "application": application,
            "section": section,
            "section_title": SECTION_TITLES[section],
            "form": form,
            "back_url": _back_url(request, application),
            "returning": _returning(request),
            "kept": _kept_text(application, section),
            "autosave_url": reverse(
                "grants:application-autosave", args=[application.uuid, section]
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_section(request, application_uuid, section):
    application = access_application_by_uuid(
        request.user, application_uuid, "grants.change_application"
    )
    if section == "organisation":
        return _organisation_section(request, application)
    if section in ("budget", "documents"):
        page = reverse(f"grants:application-{section}", args=[application.uuid])
        return redirect(f"{page}?{RETURN_TO_CHECK}" if _returning(request) else page)
    if section not in SECTION_FORMS:
        raise Http404("No such section")
    application = application_for_form(application.pk)
    form_class = SECTION_FORMS[section]
    if request.method == "POST":
        form = form_class(request.POST, application=application)
        form.is_valid()
        services.application_save_section(
            application=application,
            actor=request.user,
            section=section,
            values=form.values(),
            unsaved=form.unsaved_text(),
        )
        if not form.errors:
            return redirect(_after_save(request, application, section))
        application = application_for_form(application.pk)
    else:
        form = form_class(application=application)
        for name, text in _kept_text(application, section).items():
            form.initial[name] = text
    return _section_response(request, application, section, form)


def _kept_text(application, section):
    return {
        key.split(".", 1)[1]: text
        for key, text in application.unsaved_input.items()
        if key.startswith(f"{section}.")
    }


def _organisation_section(request, application):
    organisation = application.organisation
    form = OrganisationForm(*form_data(request), instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            organisation_update(
                organisation=organisation, actor=request.user, data=form.service_data()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            services.application_save_section(
                application=application, actor=request.user, section="organisation", values={}
            )
            return redirect(_after_save(request, application, "organisation"))
    return _section_response(request, application, "organisation", form)


@login_required
@require_POST
def application_autosave(request, application_uuid, section):
    """Save what is typed so far (called by the page's script); answer with the time.
    The draft is loaded once, under its row lock, and checked on that row; no history row
    is written (a few queries, whatever the group has typed)."""
    if section not in SECTION_FORMS:
        raise Http404("No such section")
    with transaction.atomic():
        application = lock_application_to_change(request.user, application_uuid)
        form = SECTION_FORMS[section](request.POST, application=application)
        form.is_valid()
        services.application_autosave(
            application=application,
            actor=request.user,
            section=section,
            values=form.values(),
            unsaved=form.unsaved_text(),
        )
    return JsonResponse(
        {
            "saved_at": clock_text(timezone.now()),
            "errors": {name: [str(e) for e in errors] for name, errors in form.errors.items()},
        }
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_budget(request, application_uuid):
    application = access_application_by_uuid(
        request.user, application_uuid, "grants.change_application"
    )
    form = BudgetLineForm(*form_data(request))
    if request.method == "POST":
        if "remove" in request.POST:
            services.budget_line_remove(
                application=application, actor=request.user, line_id=posted_id(request, "remove")
            )
            return redirect(request.get_full_path())
        if form.is_valid():
            try:
                services.budget_line_add(
                    application=application, actor=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return redirect(request.get_full_path())
    application = application_for_form(application.pk)
    lines = list(application.budget_lines.all())
    total = sum((line.amount for line in lines), 0)
    problems = [p for p in application_problems(application) if p.section == "budget"]
    return render(
        request,
        "grants/application_budget.html",
        {
            "application": application,
            "form": form,
            "lines": lines,
            "total": total,
            "problems": problems,
            "section_title": SECTION_TITLES["budget"],
            "next_url": _next_url(application, "budget", request),
            "back_url": _back_url(request, application),
            "returning": _returning(request),
            "return_query": RETURN_TO_CHECK if _returning(request) else "",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def budget_line_edit(request, application_uuid, line_id):
    application = access_application_by_uuid(
        request.user, application_uuid, "grants.change_application"
    )
    line = application.budget_lines.filter(pk=line_id).first()
    if line is None:
        raise Http404("No such budget line")
    form = BudgetLineForm(
        *form_data(request),
        initial={"description": line.description, "category": line.category, "amount": line.amount},
    )
    budget_page = reverse("grants:application-budget", args=[application.uuid])
    if _returning(request):
        budget_page += f"?{RETURN_TO_CHECK}"
    if request.method == "POST" and form.is_valid():
        try:
            services.budget_line_update(
                application=application, actor=request.user, line_id=line.pk, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(budget_page)
    return render(
        request,
        "grants/application_budget_line.html",
        {"application": application, "line": line, "form": form, "budget_page": budget_page},
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_documents(request, application_uuid):
    application = access_application_by_uuid(
        request.user, application_uuid, "grants.change_application"
    )
    form = DocumentForm(*form_data(request, files=True))
    if request.method == "POST":
        if "remove" in request.POST:
            document_uuid = parse_uuid(request.POST["remove"])
            if document_uuid is None:
                raise Http404("No such file")
            services.document_remove(
                application=application, actor=request.user, document_uuid=document_uuid
            )
            return redirect(request.get_full_path())
        if form.is_valid() and call_service(
            form,
            lambda data: services.document_upload(
                application=application,
                actor=request.user,
                kind=data["kind"],
                uploaded=data["file"],
            ),
            form.cleaned_data,
            field="file",
        ):
            messages.success(request, f"“{form.cleaned_data['file'].name}” has been uploaded.")
            return redirect(request.get_full_path())
    application = application_for_form(application.pk)
    problems = [p for p in application_problems(application) if p.section == "documents"]
    return render(
        request,
        "grants/application_documents.html",
        {
            "application": application,
            "form": form,
            "documents": list(application.documents.all()),
            "problems": problems,
            "section_title": SECTION_TITLES["documents"],
            "next_url": _next_url(application, "documents", request),
            "back_url": _back_url(request, application),
            "returning": _returning(request),
        },
    )
