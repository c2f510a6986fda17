"""Applicant pages: rounds, the eligibility checker, the application form and dashboard."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.forms import OrganisationForm
from accounts.permissions import memberships_of
from accounts.services import organisation_update
from core.downloads import private_file_response
from core.errors import ApplicationError
from documents.formatting import clock_text
from grants import letters, selectors, services
from grants.access import (
    access_application_by_uuid,
    access_document_by_uuid,
    access_round_by_uuid,
)
from grants.eligibility import QUESTIONS, EligibilityForm
from grants.errors import IncompleteApplication
from grants.forms import (
    SECTION_FORMS,
    BudgetLineForm,
    CopyForm,
    DocumentForm,
    WithdrawForm,
    posted_id,
)
from grants.models import Application
from grants.permissions import can
from grants.sections import (
    SECTION_SLUGS,
    SECTION_TITLES,
    SECTIONS,
    application_problems,
    section_states,
)


def _posted(request, *, files: bool = False) -> tuple:
    """A form's data: bound on every POST, even an empty one, so an empty POST shows errors."""
    if request.method != "POST":
        return (None, None) if files else (None,)
    return (request.POST, request.FILES) if files else (request.POST,)


def round_list(request):
    return render(request, "grants/round_list.html", {"rounds": selectors.rounds_for_public_list()})


def round_detail(request, round_uuid):
    round = access_round_by_uuid(request.user, round_uuid)
    apply = selectors.round_apply_state(round=round, user=request.user)
    return render(request, "grants/round_detail.html", {"round": round, "apply": apply})


@require_http_methods(["GET", "POST"])
def eligibility(request, round_uuid):
    round = access_round_by_uuid(request.user, round_uuid)
    form = EligibilityForm(*_posted(request))
    if request.method == "POST" and form.is_valid():
        failed = form.failed()
        return render(request, "grants/eligibility_result.html", {"round": round, "failed": failed})
    return render(
        request, "grants/eligibility.html", {"round": round, "form": form, "questions": QUESTIONS}
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_start(request, round_uuid):
    round = access_round_by_uuid(request.user, round_uuid)
    organisations = selectors.organisations_for_applicant(request.user)
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
        selectors.applications_for_dashboard(organisation_ids=list(memberships_of(request.user)))
    )
    return render(
        request,
        "grants/dashboard.html",
        {
            "drafts": [a for a in applications if a.status == Application.Status.DRAFT],
            "others": [a for a in applications if a.status != Application.Status.DRAFT],
            "open_rounds": list(selectors.rounds_open_for_copy()),
        },
    )


def _loaded_application(request, application_uuid, rule: str) -> Application:
    """The application if the user passes `rule`, with everything the pages read."""
    application = access_application_by_uuid(request.user, application_uuid, rule)
    return selectors.application_for_form(application.pk)


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
            "award": selectors.award_for_application(application=application),
        },
    )


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
    application = selectors.application_for_form(application.pk)
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
        application = selectors.application_for_form(application.pk)
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
    form = OrganisationForm(*_posted(request), instance=organisation)
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
    """Save what is typed so far (called by the page's script); answer with the time."""
    application = access_application_by_uuid(
        request.user, application_uuid, "grants.change_application"
    )
    if section not in SECTION_FORMS:
        raise Http404("No such section")
    application = selectors.application_for_form(application.pk)
    form = SECTION_FORMS[section](request.POST, application=application)
    form.is_valid()
    services.application_save_section(
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
    form = BudgetLineForm(*_posted(request))
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
    application = selectors.application_for_form(application.pk)
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
        *_posted(request),
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
    form = DocumentForm(*_posted(request, files=True))
    if request.method == "POST":
        if "remove" in request.POST:
            services.document_remove(
                application=application, actor=request.user, document_uuid=request.POST["remove"]
            )
            return redirect(request.get_full_path())
        if form.is_valid():
            try:
                services.document_upload(
                    application=application,
                    actor=request.user,
                    kind=form.cleaned_data["kind"],
                    uploaded=form.cleaned_data["file"],
                )
            except ApplicationError as refused:
                form.add_error("file", refused.message)
            else:
                messages.success(request, f"“{form.cleaned_data['file'].name}” has been uploaded.")
                return redirect(request.get_full_path())
    application = selectors.application_for_form(application.pk)
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
    try:
        services.application_submit(application=application, actor=request.user)
    except IncompleteApplication:
        messages.error(request, "Your application is not finished yet: see what is missing below.")
        return redirect("grants:application-check", application.uuid)
    except ApplicationError as refused:
        application = selectors.application_for_form(application.pk)
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
    form = WithdrawForm(*_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.application_withdraw(
                application=application, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, "Your application has been withdrawn.")
            return redirect("grants:dashboard")
    return render(
        request, "grants/application_withdraw.html", {"application": application, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_copy(request, application_uuid):
    source = access_application_by_uuid(request.user, application_uuid, "grants.view_application")
    if not can(request.user, "grants.copy_application", source):
        raise Http404("No such application")  # the copy page is the group's own
    rounds = selectors.rounds_open_for_copy().exclude(pk=source.round_id)
    form = CopyForm(*_posted(request), rounds=rounds)
    if request.method == "POST" and form.is_valid():
        try:
            draft = services.application_copy(
                source=source, round=form.cleaned_data["round"], actor=request.user
            )
        except ApplicationError as refused:
            form.add_error("round", refused.message)
        else:
            messages.success(
                request,
                "We have copied your answers and documents into a new application. Check each section before you submit.",
            )
            return redirect("grants:application-detail", draft.uuid)
    return render(
        request,
        "grants/application_copy.html",
        {"application": source, "form": form, "has_rounds": rounds.exists()},
    )


def _decided_letter(request, application_uuid):
    """The bid (if the user may see it) and its decision letter; 404 before a decision."""
    application = access_application_by_uuid(
        request.user, application_uuid, "grants.view_application"
    )
    kind = services.letter_kind_for(application)
    if kind is None:
        raise Http404("No letter yet")
    return application, *services.letter_for_reading(application=application, kind=kind)


@login_required
def letter(request, application_uuid):
    """The decision letter as an accessible page, with a link to the PDF."""
    application, letter, _ = _decided_letter(request, application_uuid)
    award = selectors.award_for_application(application=application)
    return render(
        request,
        "grants/letter.html",
        {
            "application": application,
            "letter": letter,
            "award": award,
            "decided_on": award.decided_at if award else letter.created_at,
            "accept_by": letters.accept_by(award) if award else None,
            "standard_conditions": letters.STANDARD_CONDITIONS,
            "contact": settings.LETTER_CONTACT,
            "signatory": settings.LETTER_SIGNATORY,
            "signatory_role": settings.LETTER_SIGNATORY_ROLE,
        },
    )


@login_required
def letter_pdf(request, application_uuid):
    _, letter, content = _decided_letter(request, application_uuid)
    return private_file_response(content, letter.filename, "application/pdf")
