"""Grants officer pages for a submitted bid and a round: screening to the panel list."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import permission_required
from accounts.models import District
from core.errors import ApplicationError
from core.forms import apply_errors, run_form
from core.govuk import GovukFormMixin
from grants import scoring, selectors, services
from grants.access import access_staff_application_by_uuid, access_staff_round_by_uuid
from grants.forms import posted_id
from grants.models import Application, Assessment, Round
from grants.review_forms import (
    AssignForm,
    BulkAssignForm,
    CriterionForm,
    MarkForm,
    ModerationForm,
    ReasonForm,
    ScreeningCheckForm,
    ScreeningForm,
)
from outcomes.models import Priority

RUNS = "grants.run_assessment"


def _review_url(application) -> str:
    return reverse("grants:staff-application", args=[application.uuid])


def _render_review(request, application, *, assign_form=None, status=200):
    assessments = list(application.assessments.all())
    return render(
        request,
        "grants/staff_application.html",
        {
            "application": application,
            "assessments": assessments,
            "submitted_assessments": selectors.submitted_only(assessments),
            "criteria": list(application.round.criteria.all()),
            "assign_form": assign_form or AssignForm(),
            "timeline": selectors.timeline_for_application(application=application),
        },
        status=status,
    )


@permission_required(RUNS)
def application_review(request, application_uuid):
    return _render_review(request, access_staff_application_by_uuid(request.user, application_uuid))


@permission_required(RUNS)
@require_http_methods(["GET", "POST"])
def application_screen(request, application_uuid):
    application = access_staff_application_by_uuid(request.user, application_uuid)
    checks = selectors.screening_checklist(round=application.round)
    form = ScreeningForm(request.POST if request.method == "POST" else None, checks=checks)
    done = run_form(
        request,
        form,
        lambda data: services.application_screen(
            application=application,
            actor=request.user,
            answers=form.answers(),
            outcome=data["outcome"],
            reason=data["reason"],
        ),
        _review_url(application),
        "Screening recorded.",
    )
    return done or render(
        request, "grants/staff_screen.html", {"application": application, "form": form}
    )


@permission_required(RUNS)
@require_POST
def application_assign(request, application_uuid):
    application = access_staff_application_by_uuid(request.user, application_uuid)
    form = AssignForm(request.POST)
    if form.is_valid():
        try:
            services.assessment_assign(
                application=application, assessor=form.cleaned_data["assessor"], actor=request.user
            )
        except ApplicationError as refusal:
            # The form is only offered while the bid takes assessors, so a refusal is
            # about the person chosen: show it on that field.
            form.add_error("assessor", refusal.message)
        else:
            messages.success(request, "Assessor assigned.")
            return redirect(_review_url(application))
    return _render_review(request, application, assign_form=form, status=400)


def _assessment(application, assessment_uuid) -> Assessment:
    assessment = next(
        (a for a in application.assessments.all() if str(a.uuid) == str(assessment_uuid)), None
    )
    if assessment is None:
        raise Http404("No such assessment")
    return assessment


@permission_required(RUNS)
@require_POST
def assessment_remove(request, application_uuid, assessment_uuid):
    application = access_staff_application_by_uuid(request.user, application_uuid)
    assessment = _assessment(application, assessment_uuid)
    try:
        services.assessment_remove(
            assessment=assessment, actor=request.user, reason="Removed by an officer"
        )
    except ApplicationError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, "Assessor removed from this bid.")
    return redirect(_review_url(application))


@permission_required(RUNS)
@require_http_methods(["GET", "POST"])
def assessment_reopen(request, application_uuid, assessment_uuid):
    application = access_staff_application_by_uuid(request.user, application_uuid)
    assessment = _assessment(application, assessment_uuid)
    form = ReasonForm(request.POST if request.method == "POST" else None)
    done = run_form(
        request,
        form,
        lambda data: services.assessment_reopen(
            assessment=assessment, actor=request.user, reason=data["reason"]
        ),
        _review_url(application),
        "Assessment reopened: the assessor can change it and submit again.",
    )
    return done or render(
        request,
        "grants/staff_reason.html",
        {
            "application": application,
            "form": form,
            "heading": f"Reopen {assessment.assessor.full_name or assessment.assessor.email}'s assessment",
            "button": "Reopen assessment",
        },
    )


@permission_required(RUNS)
@require_http_methods(["GET", "POST"])
def application_moderate(request, application_uuid):
    application = access_staff_application_by_uuid(request.user, application_uuid)
    initial = {"score": application.moderated_score or "", "reason": application.moderation_reason}
    form = ModerationForm(request.POST if request.method == "POST" else None, initial=initial)
    done = run_form(
        request,
        form,
        lambda data: services.application_moderate(
            application=application, actor=request.user, score=data["score"], reason=data["reason"]
        ),
        _review_url(application),
        "Moderated score saved.",
    )
    return done or render(
        request,
        "grants/staff_moderate.html",
        {
            "application": application,
            "form": form,
            "assessments": list(application.assessments.all()),
        },
    )


@permission_required(RUNS)
@require_http_methods(["GET", "POST"])
def round_checks(request, round_uuid):
    round = access_staff_round_by_uuid(request.user, round_uuid)
    if request.method == "POST" and "remove" in request.POST:
        services.screening_check_remove(
            round=round, actor=request.user, check_id=posted_id(request, "remove")
        )
        messages.success(request, "Check removed.")
        return redirect("grants:staff-round-checks", round.uuid)
    form = ScreeningCheckForm(request.POST if request.method == "POST" else None)
    done = run_form(
        request,
        form,
        lambda data: services.screening_check_add(round=round, actor=request.user, **data),
        reverse("grants:staff-round-checks", args=[round.uuid]),
        "Check added.",
    )
    checks = selectors.screening_checklist(round=round)
    return done or render(
        request, "grants/staff_round_checks.html", {"round": round, "form": form, "checks": checks}
    )


@permission_required(RUNS)
def round_criteria(request, round_uuid):
    round = access_staff_round_by_uuid(request.user, round_uuid)
    criteria = list(round.criteria.all())
    total = sum(c.weight for c in criteria)
    return render(
        request,
        "grants/staff_round_criteria.html",
        {"round": round, "criteria": criteria, "total_weight": total},
    )


@permission_required(RUNS)
@require_http_methods(["GET", "POST"])
def criterion_edit(request, round_uuid, criterion_id=None):
    round = access_staff_round_by_uuid(request.user, round_uuid)
    criterion = round.criteria.filter(pk=criterion_id).first() if criterion_id else None
    if criterion_id and criterion is None:
        raise Http404("No such criterion")
    if request.method == "POST" and "remove" in request.POST and criterion is not None:
        try:
            services.criterion_remove(round=round, actor=request.user, criterion_id=criterion.pk)
        except ApplicationError as refusal:
            messages.error(request, refusal.message)
        return redirect("grants:staff-round-criteria", round.uuid)
    form = CriterionForm(request.POST if request.method == "POST" else None, instance=criterion)
    done = run_form(
        request,
        form,
        lambda data: services.criterion_save(
            details=form.details(), round=round, criterion=criterion, actor=request.user
        ),
        reverse("grants:staff-round-criteria", args=[round.uuid]),
        "Criterion saved.",
    )
    return done or render(
        request,
        "grants/staff_criterion_edit.html",
        {"round": round, "form": form, "criterion": criterion},
    )


@permission_required(RUNS)
@require_http_methods(["GET", "POST"])
def round_assign(request, round_uuid):
    round = access_staff_round_by_uuid(request.user, round_uuid)
    form = BulkAssignForm(
        request.POST if request.method == "POST" else None,
        initial={"per_application": round.assessors_per_application},
    )
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = services.assessors_assign_balanced(
                round=round,
                assessors=list(form.cleaned_data["assessors"]),
                per_application=form.cleaned_data["per_application"],
                actor=request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        except ApplicationError as refusal:
            form.add_error(None, refusal.message)
    workload = selectors.assessor_workload(round=round)
    return render(
        request,
        "grants/staff_round_assign.html",
        {"round": round, "form": form, "result": result, "workload": workload},
    )


class RankingFilterForm(GovukFormMixin, forms.Form):
    pot = forms.ModelChoiceField(required=False, queryset=None, empty_label="Every pot")
    district = forms.ModelChoiceField(
        required=False, queryset=District.objects.all(), empty_label="Any district"
    )
    priority = forms.ModelChoiceField(required=False, queryset=None, empty_label="Any priority")

    def __init__(self, *args, round: Round, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pot"].queryset = round.pots.all()
        self.fields["priority"].queryset = Priority.objects.filter(plan=round.plan_id)
        self.fields["priority"].label_from_instance = lambda p: f"{p.code} {p.title}"


@permission_required(RUNS)
@require_http_methods(["GET", "POST"])
def round_ranking(request, round_uuid):
    round = access_staff_round_by_uuid(request.user, round_uuid)
    if request.method == "POST":
        return _mark(request, round)
    return _ranking_page(request, round, request.GET)


def _ranking_page(request, round, query: QueryDict, *, unsaved: dict | None = None):
    filters = RankingFilterForm(query or None, round=round)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    rankings = selectors.ranking_for_round(
        round=round,
        pot_id=chosen["pot"].pk if chosen.get("pot") else None,
        district_id=chosen["district"].pk if chosen.get("district") else None,
        priority_id=chosen["priority"].pk if chosen.get("priority") else None,
    )
    # Freezing takes every assessed bid in the round, whatever the filters show.
    waiting = selectors.assessed_waiting_count(round=round)
    return render(
        request,
        "grants/staff_round_ranking.html",
        {
            "round": round,
            "filters": filters,
            "rankings": rankings,
            "marks": Application.Mark.choices,
            "tie_break_rule": scoring.TIE_BREAK_RULE,
            "waiting": waiting,
            "query": query.urlencode(),
            "unsaved": unsaved,
        },
        status=400 if unsaved else 200,
    )


def _mark_errors(application: Application, problem: Exception) -> list[dict]:
    """A refused mark as error-summary rows, each linked to the row's select or amount box."""
    field_ids = {"recommended_amount": "amount", "mark": "mark"}
    if isinstance(problem, ApplicationError):
        pairs = [("mark", problem.message)]
    elif hasattr(problem, "error_dict"):
        pairs = [(name, m) for name, errors in problem.message_dict.items() for m in errors]
    else:
        pairs = [("mark", m) for m in problem.messages]
    return [
        {
            "field": field_ids.get(name, "mark"),
            "anchor": f"{field_ids.get(name, 'mark')}-{application.reference}",
            "message": f"{application.reference}: {message}",
        }
        for name, message in pairs
    ]


def _mark(request, round):
    application = Application.objects.filter(
        round=round, uuid=request.POST.get("application")
    ).first()
    if application is None:
        raise Http404("No such application")
    form = MarkForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors.as_data())
        data = form.cleaned_data
        services.application_mark(
            application=application,
            actor=request.user,
            mark=data["mark"],
            recommended_amount=data["recommended_amount"],
            note=data["note"],
        )
    except (ValidationError, ApplicationError) as problem:
        # Keep what was typed: the row shows it again, next to the error.
        unsaved = {
            "application": str(application.uuid),
            "mark": request.POST.get("mark", ""),
            "recommended_amount": request.POST.get("recommended_amount", "")[:20],
            "errors": _mark_errors(application, problem),
        }
        return _ranking_page(
            request, round, QueryDict(request.POST.get("query", "")), unsaved=unsaved
        )
    messages.success(request, f"{application.reference} marked.")
    query = request.POST.get("query", "")
    return redirect(
        f"{reverse('grants:staff-round-ranking', args=[round.uuid])}?{query}#{application.reference}"
    )


@permission_required(RUNS)
def round_results(request, round_uuid):
    round = access_staff_round_by_uuid(request.user, round_uuid)
    return render(
        request,
        "grants/staff_round_results.html",
        {
            "round": round,
            "results": selectors.round_results(round=round),
            "panels": selectors.panels_for_round(round=round),
        },
    )


@permission_required(RUNS)
@require_http_methods(["GET", "POST"])
def round_letters(request, round_uuid):
    """Decision letters for the round: sent, pending or failed; send all; retry failures."""
    round = access_staff_round_by_uuid(request.user, round_uuid)
    if request.method == "POST":
        if "retry" in request.POST:
            count = services.letters_retry_failed(round=round, actor=request.user)
            messages.success(request, f"{count} failed letter{pluralize(count)} sent again.")
        else:
            count = services.letters_send_for_round(round=round, actor=request.user)
            messages.success(request, f"{count} letter{pluralize(count)} queued to send.")
        return redirect("grants:staff-round-letters", round.uuid)
    letters = selectors.letter_messages_for_round(round=round)
    counts = selectors.letter_counts(letters)
    return render(
        request,
        "grants/staff_round_letters.html",
        {"round": round, "letters": letters, "counts": counts},
    )
