"""The panel: the officer's ranking, marks and freeze of the panel list; the frozen lists and
the decision maker's decisions on them."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import permission_required, rule_required
from core.errors import ApplicationError
from core.forms import run_form
from core.parsers import parse_uuid
from documents.formatting import count_text, money
from grants import scoring, services
from grants.access import access_panel_by_uuid, access_staff_round_by_uuid
from grants.forms.panel import DecisionForm, MarkForm, RankingFilterForm
from grants.models import Application
from grants.selectors.applications import application_for_staff
from grants.selectors.assessment import submitted_only
from grants.selectors.panel import (
    assessed_waiting_count,
    panel_freeze_check,
    panels_for_decision,
    ranking_for_round,
)

RUNS = "grants.run_assessment"


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
    rankings = ranking_for_round(
        round=round,
        pot_id=chosen["pot"].pk if chosen.get("pot") else None,
        district_id=chosen["district"].pk if chosen.get("district") else None,
        priority_id=chosen["priority"].pk if chosen.get("priority") else None,
    )
    # Freezing takes every assessed bid in the round, whatever the filters show.
    waiting = assessed_waiting_count(round=round)
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
    application_uuid = parse_uuid(request.POST.get("application", ""))
    application = (
        Application.objects.filter(round=round, uuid=application_uuid).first()
        if application_uuid
        else None
    )
    if application is None:
        raise Http404("No such application")
    form = MarkForm(request.POST)
    # Not run_form: the ranking page has no form to hold the errors. They go to the bid's row
    # (each linked from the summary), beside what was typed.
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
