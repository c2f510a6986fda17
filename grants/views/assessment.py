"""Assessment: the officer's page for a submitted bid (assessors, moderation, history), the
round's criteria and assignment; the assessor's queue, conflict declaration and scores."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import permission_required, rule_required
from core.errors import ApplicationError
from core.forms import apply_errors, run_form
from grants import services
from grants.access import (
    access_assessment_by_uuid,
    access_staff_application_by_uuid,
    access_staff_round_by_uuid,
)
from grants.forms.assessment import (
    AssignForm,
    BulkAssignForm,
    CriterionForm,
    DeclarationForm,
    ModerationForm,
    ReasonForm,
    ScoringForm,
)
from grants.models import Assessment, Criterion
from grants.selectors.applications import application_for_form, timeline_for_application
from grants.selectors.assessment import (
    assessments_for_assessor,
    assessor_queue_counts,
    assessor_workload,
    criteria_with_scores,
    other_assessments,
    submitted_only,
)

RUNS = "grants.run_assessment"
QUEUE_PAGE_SIZE = 50


# Officers ---------------------------------------------------------------------------------


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
            "submitted_assessments": submitted_only(assessments),
            "criteria": list(application.round.criteria.all()),
            "assign_form": assign_form or AssignForm(),
            "timeline": timeline_for_application(application=application),
        },
        status=status,
    )


@permission_required(RUNS)
def application_review(request, application_uuid):
    return _render_review(request, access_staff_application_by_uuid(request.user, application_uuid))


@permission_required(RUNS)
@require_POST
def application_assign(request, application_uuid):
    application = access_staff_application_by_uuid(request.user, application_uuid)
    form = AssignForm(request.POST)
    done = run_form(
        request,
        form,
        lambda data: services.assessment_assign(
            application=application, assessor=data["assessor"], actor=request.user
        ),
        _review_url(application),
        "Assessor assigned.",
        # The form is only offered while the bid takes assessors, so a refusal is about the
        # person chosen: show it on that field.
        field="assessor",
    )
    return done or _render_review(request, application, assign_form=form, status=400)


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
    # A button on the bid's page, with no form of its own: the answer goes back as a message.
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
        # The remove button has no form of its own: a refusal goes back to the list as a message.
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
    # Not call_service: the page shows what the service returns (who got which bids) in place.
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
    workload = assessor_workload(round=round)
    return render(
        request,
        "grants/staff_round_assign.html",
        {"round": round, "form": form, "result": result, "workload": workload},
        status=400 if form.errors else 200,
    )


# The assessor's pages ----------------------------------------------------------------------


@rule_required("grants.assess")
def queue(request):
    """What the assessor still has to do, paged; what they have done on a second tab."""
    done = request.GET.get("show") == "done"
    assessments = assessments_for_assessor(user=request.user, done=done)
    counts = assessor_queue_counts(user=request.user)
    paginator = Paginator(assessments, QUEUE_PAGE_SIZE)
    paginator.count = counts["done" if done else "to_do"]  # known already: no COUNT query
    page = paginator.get_page(request.GET.get("page"))
    # Links built from one reversed pattern, not one {% url %} per row.
    placeholder = "00000000-0000-0000-0000-000000000000"
    return render(
        request,
        "grants/assess_queue.html",
        {
            "page": page,
            "done": done,
            "counts": counts,
            "assess_url": reverse("grants:assess", args=[placeholder]).replace(
                placeholder + "/", ""
            ),
        },
    )


@rule_required("grants.assess")
@require_http_methods(["GET", "POST"])
def assessment(request, assessment_uuid):
    assessment = access_assessment_by_uuid(request.user, assessment_uuid)
    if assessment.status == Assessment.Status.ASSIGNED:
        return _declare(request, assessment)
    if assessment.status == Assessment.Status.IN_PROGRESS:
        return _score(request, assessment)
    return _submitted(request, assessment)


def _declare(request, assessment):
    form = DeclarationForm(request.POST if request.method == "POST" else None)
    done = run_form(
        request,
        form,
        lambda data: services.assessment_declare(
            assessment=assessment,
            actor=request.user,
            conflict=data["conflict"] == "yes",
            reason=data["reason"],
        ),
        lambda declared: (
            "grants:assess-queue"
            if declared.status == Assessment.Status.RECUSED
            else ("grants:assess", assessment.uuid)
        ),
        lambda declared: (
            "Thank you. Your conflict is recorded and the bid has been taken off your list; "
            "a grants officer will reassign it."
            if declared.status == Assessment.Status.RECUSED
            else ""
        ),
    )
    # Only what is needed to judge a conflict: no answers, scores or documents yet.
    return done or render(
        request, "grants/assess_declare.html", {"assessment": assessment, "form": form}
    )


def _saved_scores(assessment, pairs) -> dict[str, str]:
    """The draft as the scoring form's initial values."""
    initial = {
        "overall_comment": assessment.overall_comment,
        "recommendation": assessment.recommendation,
    }
    for criterion, score in pairs:
        if score is not None:
            initial[f"score_{criterion.pk}"] = (
                "na"
                if score.not_applicable
                else (str(score.value) if score.value is not None else "")
            )
            initial[f"comment_{criterion.pk}"] = score.comment
    return initial


def _scores_save(assessment, actor, form, *, submit: bool):
    """Save (or submit) the scores; problems with them come back as a ValidationError, so
    they land on the form beside the form's own."""
    result = services.assessment_save(
        assessment=assessment,
        actor=actor,
        scores=form.score_inputs(),
        overall_comment=form.cleaned_data["overall_comment"],
        recommendation=form.cleaned_data["recommendation"],
        submit=submit,
    )
    if result.errors:
        raise ValidationError(result.errors)
    return result


def _score(request, assessment):
    application = application_for_form(assessment.application_id)
    pairs = criteria_with_scores(assessment=assessment)
    criteria = [criterion for criterion, _ in pairs]
    form = ScoringForm(
        request.POST if request.method == "POST" else None,
        criteria=criteria,
        initial=_saved_scores(assessment, pairs),
    )
    done = run_form(
        request,
        form,
        lambda data: _scores_save(assessment, request.user, form, submit="submit" in request.POST),
        lambda result: (
            "grants:assess-queue" if result.submitted else ("grants:assess", assessment.uuid)
        ),
        lambda result: (
            f"Your scores for {application.reference} are submitted."
            if result.submitted
            else "Your scores are saved as a draft."
        ),
    )
    return done or render(
        request,
        "grants/assess_score.html",
        {
            "assessment": assessment,
            "application": application,
            "form": form,
            "criteria": criteria,
        },
    )


def _submitted(request, assessment):
    application = application_for_form(assessment.application_id)
    return render(
        request,
        "grants/assess_submitted.html",
        {
            "assessment": assessment,
            "application": application,
            "pairs": criteria_with_scores(assessment=assessment),
            "others": other_assessments(assessment=assessment),
            "criteria": list(Criterion.objects.filter(round_id=application.round_id)),
        },
    )
