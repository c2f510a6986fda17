"""Rounds: the public list, a round's page and its eligibility checker; for officers, funds,
rounds and pots, the bids to a round, and the round's summary."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.decorators import permission_required
from grants import services
from grants.access import (
    access_fund_by_uuid,
    access_pot_by_id,
    access_round_by_uuid,
    access_staff_round_by_uuid,
)
from grants.eligibility import QUESTIONS, EligibilityForm
from grants.exports import applications_csv
from grants.forms.common import form_data
from grants.forms.rounds import ApplicationFilterForm, FundForm, PotForm, RoundForm
from grants.models import Pot
from grants.selectors.panel import panels_for_round
from grants.selectors.rounds import (
    applications_for_round,
    round_apply_state,
    round_results,
    rounds_for_public_list,
    rounds_for_staff_list,
)

# The public pages -------------------------------------------------------------------------


def round_list(request):
    return render(request, "grants/round_list.html", {"rounds": rounds_for_public_list()})


def round_detail(request, round_uuid):
    round = access_round_by_uuid(request.user, round_uuid)
    apply = round_apply_state(round=round, user=request.user)
    return render(request, "grants/round_detail.html", {"round": round, "apply": apply})


@require_http_methods(["GET", "POST"])
def eligibility(request, round_uuid):
    round = access_round_by_uuid(request.user, round_uuid)
    form = EligibilityForm(*form_data(request))
    if request.method == "POST" and form.is_valid():
        failed = form.failed()
        return render(request, "grants/eligibility_result.html", {"round": round, "failed": failed})
    return render(
        request, "grants/eligibility.html", {"round": round, "form": form, "questions": QUESTIONS}
    )


# Officers ---------------------------------------------------------------------------------


@permission_required("grants.manage_rounds")
def staff_round_list(request):
    rounds = rounds_for_staff_list()
    return render(request, "grants/staff_round_list.html", {"rounds": rounds})


@permission_required("grants.list_round_applications")
def round_applications(request, round_uuid):
    round = access_staff_round_by_uuid(request.user, round_uuid)
    form = ApplicationFilterForm(request.GET or None, round=round)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "search": data["q"],
            "status": data["status"],
            "district_id": data["district"].pk if data["district"] else None,
            "pot_id": data["pot"].pk if data["pot"] else None,
            "priority_id": data["priority"].pk if data["priority"] else None,
        }
    applications = applications_for_round(round=round, **filters)
    if request.GET.get("format") == "csv":
        return applications_csv(round, applications)
    page = Paginator(applications, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query["format"] = "csv"
    return render(
        request,
        "grants/staff_round_applications.html",
        {"round": round, "form": form, "page": page, "csv_query": query.urlencode()},
    )


def _edit(request, *, form, save, template: str, context: dict, done):
    """Shared GET/POST handling for the officer's create and edit pages."""

    if request.method == "POST" and form.is_valid():
        try:
            saved = save()
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(done(saved))
    return render(request, template, {"form": form, **context})


@permission_required("grants.manage_rounds")
def fund_edit(request, fund_uuid=None):

    fund = access_fund_by_uuid(request.user, fund_uuid) if fund_uuid else None
    form = FundForm(request.POST if request.method == "POST" else None, instance=fund)
    return _edit(
        request,
        form=form,
        save=lambda: services.fund_save(details=form.details(), fund=fund, actor=request.user),
        template="grants/staff_edit.html",
        context={"heading": f"Change {fund}" if fund else "New fund"},
        done=lambda saved: "grants:staff-round-list",
    )


@permission_required("grants.manage_rounds")
def round_edit(request, round_uuid=None):

    round = access_staff_round_by_uuid(request.user, round_uuid) if round_uuid else None
    form = RoundForm(request.POST if request.method == "POST" else None, instance=round)
    return _edit(
        request,
        form=form,
        save=lambda: services.round_save(details=form.details(), round=round, actor=request.user),
        template="grants/staff_edit.html",
        context={
            "heading": f"Change round {round.number}" if round else "New round",
            "round": round,
        },
        done=lambda saved: reverse("grants:staff-round-applications", args=[saved.uuid]),
    )


@permission_required("grants.manage_rounds")
def pot_edit(request, round_uuid, pot_id=None):

    pot = access_pot_by_id(request.user, round_uuid, pot_id) if pot_id else None
    round = pot.round if pot else access_staff_round_by_uuid(request.user, round_uuid)
    form = PotForm(
        request.POST if request.method == "POST" else None, instance=pot or Pot(round=round)
    )
    return _edit(
        request,
        form=form,
        save=lambda: services.pot_save(
            details=form.details(), round=round, pot=pot, actor=request.user
        ),
        template="grants/staff_edit.html",
        context={
            "heading": f"Change {pot}" if pot else f"New pot for round {round.number}",
            "round": round,
        },
        done=lambda saved: reverse("grants:staff-round-applications", args=[round.uuid]),
    )


@permission_required("grants.run_assessment")
def round_summary(request, round_uuid):
    round = access_staff_round_by_uuid(request.user, round_uuid)
    return render(
        request,
        "grants/staff_round_results.html",
        {
            "round": round,
            "results": round_results(round=round),
            "panels": panels_for_round(round=round),
        },
    )
