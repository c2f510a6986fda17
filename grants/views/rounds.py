"""Rounds: the public list, a round's page and its eligibility checker; for officers, funds,
rounds and pots, the bids to a round, and the round's summary."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import permission_required
from core.links import fixed_url
from documents.formatting import count_text
from grants import services
from grants.access import (
    access_fund_by_uuid,
    access_pot_by_id,
    access_round_by_uuid,
    access_staff_round_by_uuid,
)
from grants.eligibility import QUESTIONS, EligibilityForm
from grants.exports import applications_csv
from grants.forms.assessment import AssignForm
from grants.forms.common import form_data
from grants.forms.rounds import ApplicationFilterForm, FundForm, PotForm, RoundForm
from grants.listing import (
    application_list_links,
    application_rows_html,
    refusal_errors,
    uuids_from,
)
from grants.models import Pot
from grants.selectors.application_list import application_list_page, bids_by_uuid
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
    filters = form.filters()
    # A download with a wrong filter is refused on the page that names it, not sent with
    # that filter left out.
    if request.GET.get("format") == "csv" and not form.errors:
        return applications_csv(round, applications_for_round(round=round, **filters))
    return _applications_page(request, round, form, filters, sort=form.sort_key())


def _applications_page(
    request, round, form, filters, *, sort, query=None, errors=None, chosen=None
):
    query = request.GET if query is None else query
    page = application_list_page(round=round, sort=sort, cursor=query.get("cursor", ""), **filters)
    links = _row_links(round)
    return render(
        request,
        "grants/staff_round_applications.html",
        {
            "round": round,
            "form": form,
            "page": page,
            "rows_html": application_rows_html(
                page, selected=(chosen or {}).get("selected", set()), bid_url=links["bid_url"]
            ),
            "listing": application_list_links(
                query,
                page=page,
                sort=sort,
                view=filters.get("view", ""),
                address=links["list_url"],
            ),
            "bulk_actions": BULK_ACTIONS,
            "errors": errors or [],
            "chosen": chosen or {},
            "pots": form.pots,
            **links,
        },
        status=400 if errors or form.errors else 200,
    )


def _row_links(round) -> dict:
    """Each row's link from one reversed pattern, not one {% url %} per row; and the list's
    own address, which its links and filters go to even on a refused bulk action's page
    (shown at the bulk action's address, where a bare "?..." link would be refused)."""
    return {
        "bid_url": fixed_url("grants:staff-application", ZERO_UUID).removesuffix(f"{ZERO_UUID}/"),
        "list_url": fixed_url("grants:staff-round-applications", round.uuid),
    }


ZERO_UUID = uuid.UUID(int=0)


BULK_ACTIONS = [
    ("", "Choose an action"),
    ("recommended", "Mark recommended"),
    ("reserve", "Mark reserve"),
    ("not_recommended", "Mark not recommended"),
    ("assign", "Assign an assessor"),
]


@permission_required("grants.run_assessment")
@require_POST
def round_applications_bulk(request, round_uuid):
    """Act on the bids selected on the list: mark them, or give them to one assessor.

    Every refusal is listed by reference at once and nothing changes; what was selected
    stays selected."""
    round = access_staff_round_by_uuid(request.user, round_uuid)
    selected = uuids_from(request.POST.getlist("application"))
    action = request.POST.get("action", "")
    query = QueryDict(request.POST.get("query", ""))
    back = f"{reverse('grants:staff-round-applications', args=[round.uuid])}?{query.urlencode()}"
    errors = []
    if not selected:
        errors.append({"anchor": "select-all", "message": "Select at least one bid."})
    if action not in dict(BULK_ACTIONS) or not action:
        errors.append({"anchor": "bulk-action", "message": "Choose what to do with the bids."})
    if not errors and action == "assign":
        return _bulk_assign(request, round, selected, back)
    if not errors:
        result = services.applications_mark_bulk(
            round=round, application_uuids=selected, actor=request.user, mark=action
        )
        errors = refusal_errors(result.refused)
        if not errors:
            messages.success(request, f"{count_text(result.done, 'bid')} marked.")
            return redirect(back)
    form = ApplicationFilterForm(query or None, round=round)
    filters = form.filters()
    chosen = {"selected": {str(u) for u in selected}, "action": action}
    return _applications_page(
        request,
        round,
        form,
        filters,
        sort=form.sort_key(),
        query=query,
        errors=errors,
        chosen=chosen,
    )


def _bulk_assign(request, round, selected, back):
    form = AssignForm(request.POST if "assessor" in request.POST else None)
    errors = []
    if form.is_valid():
        result = services.assessment_assign_bulk(
            round=round,
            application_uuids=selected,
            assessor=form.cleaned_data["assessor"],
            actor=request.user,
        )
        errors = refusal_errors(result.refused)
        if not errors:
            who = form.cleaned_data["assessor"]
            messages.success(
                request,
                f"{count_text(result.done, 'bid')} given to {who.full_name or who.email}.",
            )
            return redirect(back)
    return render(
        request,
        "grants/staff_round_bulk_assign.html",
        {
            "round": round,
            "form": form,
            "errors": errors,
            "selected": selected,
            "references": bids_by_uuid(round=round, uuids=selected),
            "query": request.POST.get("query", ""),
        },
        status=400 if errors or form.errors else 200,
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
