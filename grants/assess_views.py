"""The assessor's pages: a queue, the conflict declaration, and the scoring form."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.decorators import rule_required
from core.errors import ApplicationError
from core.forms import apply_errors
from grants import selectors, services
from grants.access import access_assessment_by_uuid
from grants.models import Assessment, Criterion
from grants.review_forms import DeclarationForm, ScoringForm


@rule_required("grants.assess")
def queue(request):
    assessments = selectors.assessments_for_assessor(user=request.user)
    return render(request, "grants/assess_queue.html", {"assessments": assessments})


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
    if request.method == "POST" and form.is_valid():
        conflict = form.cleaned_data["conflict"] == "yes"
        try:
            services.assessment_declare(
                assessment=assessment,
                actor=request.user,
                conflict=conflict,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        except ApplicationError as refusal:
            form.add_error(None, refusal.message)
        else:
            if conflict:
                messages.success(
                    request,
                    "Thank you. Your conflict is recorded and the bid has been taken off your list; "
                    "a grants officer will reassign it.",
                )
                return redirect("grants:assess-queue")
            return redirect("grants:assess", assessment.uuid)
    # Only what is needed to judge a conflict: no answers, scores or documents yet.
    return render(request, "grants/assess_declare.html", {"assessment": assessment, "form": form})


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


def _score(request, assessment):
    application = selectors.application_for_form(assessment.application_id)
    pairs = selectors.criteria_with_scores(assessment=assessment)
    criteria = [criterion for criterion, _ in pairs]
    form = ScoringForm(
        request.POST if request.method == "POST" else None,
        criteria=criteria,
        initial=_saved_scores(assessment, pairs),
    )
    if request.method == "POST" and form.is_valid():
        try:
            result = services.assessment_save(
                assessment=assessment,
                actor=request.user,
                scores=form.score_inputs(),
                overall_comment=form.cleaned_data["overall_comment"],
                recommendation=form.cleaned_data["recommendation"],
                submit="submit" in request.POST,
            )
            if result.errors:
                raise ValidationError(result.errors)
        except ValidationError as error:
            apply_errors(form, error)
        except ApplicationError as refusal:
            form.add_error(None, refusal.message)
        else:
            if result.submitted:
                messages.success(request, f"Your scores for {application.reference} are submitted.")
                return redirect("grants:assess-queue")
            messages.success(request, "Your scores are saved as a draft.")
            return redirect("grants:assess", assessment.uuid)
    return render(
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
    application = selectors.application_for_form(assessment.application_id)
    return render(
        request,
        "grants/assess_submitted.html",
        {
            "assessment": assessment,
            "application": application,
            "pairs": selectors.criteria_with_scores(assessment=assessment),
            "others": selectors.other_assessments(assessment=assessment),
            "criteria": list(Criterion.objects.filter(round_id=application.round_id)),
        },
    )
