"""The panel: the officer's ranking, marks and freeze of the panel list; the frozen lists and
the decision maker's decisions on them."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import permission_required, rule_required
from core.errors import ApplicationError
from core.forms import run_form
from documents.formatting import count_text, money
from grants import scoring, services
from grants.access import access_panel_by_uuid, access_staff_round_by_uuid
from grants.forms.panel import BULK_MARKS, DecisionForm, MarkForm, RankingFilterForm
from grants.listing import refusal_errors, uuids_from
from grants.models import Application
from grants.selectors.applications import application_for_staff
from grants.selectors.assessment import submitted_only
from grants.selectors.choices import round_filter_choices
from grants.selectors.panel import (
    assessed_waiting_count,
    panel_freeze_check,
    panels_for_decision,
    ranking_page,
)

RUNS = "grants.run_assessment"


@permission_required(RUNS)
@require_http_methods(["GET", "POST"])
def round_ranking(request, round_uuid):
    round = access_staff_round_by_uuid(request.user, round_uuid)
    if request.method == "POST":
        return _mark_selected(request, round)
    return _ranking_page(request, round, request.GET)


def _ranking_page(request, round, query: QueryDict, *, errors: list | None = None, form_data=None):
    filters = RankingFilterForm(query or None, choices=round_filter_choices(round=round))
    chosen = filters.cleaned_data if filters.is_valid() else {}
    ranking = ranking_page(
        round=round,
        page_number=query.get("page"),
        pot_id=chosen.get("pot"),
        district_id=chosen.get("district"),
        priority_id=chosen.get("priority"),
    )
    # Freezing takes every assessed bid in the round, whatever the filters show.
    waiting = assessed_waiting_count(round=round)
    # Links built from one reversed pattern, not one {% url %} per row.
    placeholder = "00000000-0000-0000-0000-000000000000"
    return render(
        request,
        "grants/staff_round_ranking.html",
        {
            "round": round,
            "filters": filters,
            "rankings": ranking.rankings,
            "page": ranking.page,
            "bulk_marks": BULK_MARKS,
            "tie_break_rule": scoring.TIE_BREAK_RULE,
            "waiting": waiting,
            "query": query.urlencode(),
            "errors": errors or [],
            "selected": set(form_data.getlist("application")) if form_data else set(),
            "chosen_mark": form_data.get("mark", "") if form_data else "",
            "bid_url": reverse("grants:staff-application", args=[placeholder]).replace(
                placeholder + "/", ""
            ),
            "mark_url": reverse("grants:staff-round-mark", args=[round.uuid, placeholder]).replace(
                placeholder + "/mark/", ""
            ),
        },
        status=400 if errors else 200,
    )


def _mark_selected(request, round):
    """Mark every selected bid the same way; refusals are listed by reference, all at once."""
    selected = uuids_from(request.POST.getlist("application"))
    mark = request.POST.get("mark", "")
    errors = []
    if not selected:
        errors.append({"anchor": "selected-bids", "message": "Select at least one bid to mark."})
    if mark not in Application.Mark.values and mark != "clear":
        errors.append(
            {"anchor": "bulk-mark", "message": "Choose a recommendation for the selected bids."}
        )
    query = QueryDict(request.POST.get("query", ""))
    if not errors:
        result = services.applications_mark_bulk(
            round=round,
            application_uuids=selected,
            actor=request.user,
            mark="" if mark == "clear" else mark,
        )
        errors = refusal_errors(result.refused)
        if not errors:
            messages.success(request, f"{count_text(result.done, 'bid')} marked.")
            url = reverse("grants:staff-round-ranking", args=[round.uuid])
            return redirect(f"{url}?{query.urlencode()}" if query else url)
    return _ranking_page(request, round, query, errors=errors, form_data=request.POST)


@permission_required(RUNS)
@require_http_methods(["GET", "POST"])
def application_mark(request, round_uuid, application_uuid):
    """One bid's mark with a recommended amount and a note, opened from its ranking row."""
    round = access_staff_round_by_uuid(request.user, round_uuid)
    application = Application.objects.filter(round=round, uuid=application_uuid).first()
    if application is None:
        raise Http404("No such application")
    form = MarkForm(
        request.POST if request.method == "POST" else None,
        initial={
            "mark": application.mark,
            "recommended_amount": application.recommended_amount or "",
            "note": application.mark_note,
        },
    )
    done = run_form(
        request,
        form,
        lambda data: services.application_mark(application=application, actor=request.user, **data),
        f"{reverse('grants:staff-round-ranking', args=[round.uuid])}#{application.reference}",
        f"{application.reference} marked.",
    )
    return done or render(
        request,
        "grants/staff_round_mark.html",
        {"round": round, "application": application, "form": form},
        status=400 if form.errors else 200,
    )


@permission_required("grants.run_assessment")
@require_http_methods(["GET", "POST"])
def round_freeze(request, round_uuid):
    """Ask before freezing the panel list, warning of bids still on their way."""
    round = access_staff_round_by_uuid(request.user, round_uuid)
    if request.method == "POST":
        if request.POST.get("confirmed") != "yes":
            return redirect("grants:staff-round-freeze", round.uuid)
        # A confirmation page with no form to show a refusal on (nothing to mark yet, say):
        # it goes back to the ranking, where the officer can act on it, as a message.
        try:
            panel = services.panel_freeze(
                round=round, actor=request.user, note=request.POST.get("note", "")
            )
        except ApplicationError as refusal:
            messages.error(request, refusal.message)
            return redirect("grants:staff-round-ranking", round.uuid)
        count = panel.items.count()
        messages.success(request, f"The panel list is frozen: {count_text(count, 'bid')}.")
        return redirect("grants:panel-detail", panel.uuid)
    return render(
        request,
        "grants/panel_freeze_confirm.html",
        {"round": round, "check": panel_freeze_check(round=round)},
    )


@rule_required("grants.view_panels")
def panel_list(request):
    return render(request, "grants/panel_list.html", {"panels": panels_for_decision()})


@rule_required("grants.view_panels")
def panel_detail(request, panel_uuid):
    panel = access_panel_by_uuid(request.user, panel_uuid)
    items = list(panel.items.all())
    pending_recommended = [item for item in items if item.awaits_bulk_approval]
    return render(
        request,
        "grants/panel_detail.html",
        {
            "panel": panel,
            "items": items,
            "can_decide": rules.test_rule("grants.decide", request.user),
            "pending_recommended": pending_recommended,
            "pending_recommended_total": sum(i.recommended_amount for i in pending_recommended),
        },
    )


@rule_required("grants.decide")
@require_http_methods(["GET", "POST"])
def panel_item_decide(request, panel_uuid, item_id):
    panel = access_panel_by_uuid(request.user, panel_uuid)
    item = next((i for i in panel.items.all() if i.pk == item_id), None)
    if item is None:
        raise Http404("No such bid on this list")
    form = DecisionForm(
        request.POST if request.method == "POST" else None,
        initial={"amount": item.recommended_amount},
    )
    done = run_form(
        request,
        form,
        lambda data: services.panel_item_decide(item=item, actor=request.user, **data),
        f"{reverse('grants:panel-detail', args=[panel.uuid])}#{item.application.reference}",
        lambda award: _decided(item, award),
    )
    return done or _decide_page(request, panel, item, form)


def _decided(item, award) -> str:
    if award is not None:
        return f"{award.reference} approved: {money(award.amount)} awarded."
    return f"{item.application.reference} declined; the feedback will be sent."


def _decide_page(request, panel, item, form):
    application = application_for_staff(application_uuid=item.application.uuid)
    assessments = list(application.assessments.all())
    return render(
        request,
        "grants/panel_decide.html",
        {
            "panel": panel,
            "item": item,
            "form": form,
            "application": application,
            "submitted_assessments": submitted_only(assessments),
            "criteria": list(application.round.criteria.all()),
        },
    )


@rule_required("grants.decide")
@require_POST
def panel_approve_recommended(request, panel_uuid):
    panel = access_panel_by_uuid(request.user, panel_uuid)
    result = services.panel_approve_recommended(panel=panel, actor=request.user)
    messages.success(
        request,
        f"{count_text(result.approved, 'bid')} approved, {money(result.total)} in all.",
    )
    for reference, why in result.skipped:
        messages.error(request, f"{reference} was not approved: {why}")
    return redirect("grants:panel-detail", panel.uuid)
