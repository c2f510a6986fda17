"""Screening: the officer's eligibility check of a bid, and the round's checklist."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.decorators import permission_required
from core.forms import run_form
from grants import services
from grants.access import access_staff_application_by_uuid, access_staff_round_by_uuid
from grants.forms.common import posted_id
from grants.forms.screening import ScreeningCheckForm, ScreeningForm
from grants.selectors.screening import screening_checklist

RUNS = "grants.run_assessment"


@permission_required(RUNS)
@require_http_methods(["GET", "POST"])
def application_screen(request, application_uuid):
    application = access_staff_application_by_uuid(request.user, application_uuid)
    checks = screening_checklist(round=application.round)
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
        reverse("grants:staff-application", args=[application.uuid]),
        "Screening recorded.",
    )
    return done or render(
        request, "grants/staff_screen.html", {"application": application, "form": form}
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
    checks = screening_checklist(round=round)
    return done or render(
        request, "grants/staff_round_checks.html", {"round": round, "form": form, "checks": checks}
    )
