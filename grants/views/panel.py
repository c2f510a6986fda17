"""The frozen panel list, the decision maker's decisions, and the awards they make."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import permission_required, rule_required
from core.errors import ApplicationError
from core.forms import apply_errors
from documents.formatting import count_text, money
from grants import selectors, services
from grants.access import access_award_by_uuid, access_panel_by_uuid, access_staff_round_by_uuid
from grants.permissions import runs_grants
from grants.review_forms import DecisionForm, InstalmentFormSet
from grants.services.panel import InstalmentInput


@permission_required("grants.run_assessment")
@require_http_methods(["GET", "POST"])
def round_freeze(request, round_uuid):
    """Ask before freezing the panel list, warning of bids still on their way."""
    round = access_staff_round_by_uuid(request.user, round_uuid)
    if request.method == "POST":
        if request.POST.get("confirmed") != "yes":
            return redirect("grants:staff-round-freeze", round.uuid)
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
        {"round": round, "check": selectors.panel_freeze_check(round=round)},
    )


@rule_required("grants.view_panels")
def panel_list(request):
    return render(request, "grants/panel_list.html", {"panels": selectors.panels_for_decision()})


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
    if request.method == "POST" and form.is_valid():
        try:
            award = services.panel_item_decide(item=item, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        except ApplicationError as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _decided(item, award))
            return redirect(
                f"{reverse('grants:panel-detail', args=[panel.uuid])}#{item.application.reference}"
            )
    return _decide_page(request, panel, item, form)


def _decided(item, award) -> str:
    if award is not None:
        return f"{award.reference} approved: {money(award.amount)} awarded."
    return f"{item.application.reference} declined; the feedback will be sent."


def _decide_page(request, panel, item, form):
    application = selectors.application_for_staff(application_uuid=item.application.uuid)
    assessments = list(application.assessments.all())
    return render(
        request,
        "grants/panel_decide.html",
        {
            "panel": panel,
            "item": item,
            "form": form,
            "application": application,
            "submitted_assessments": selectors.submitted_only(assessments),
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


@rule_required("grants.view_panels")
def award_detail(request, award_uuid):
    award = access_award_by_uuid(request.user, award_uuid)
    instalments = list(award.instalments.all())
    return render(
        request,
        "grants/award_detail.html",
        {
            "award": award,
            "can_change": request.user.has_perm("grants.run_assessment"),
            "can_manage": request.user.has_perm("grants.manage_awards"),
            "instalments": instalments,
            "any_paid": any(i.is_paid for i in instalments),
            "bank_details": list(award.bank_details.all()),
            "reports": list(award.reports.all()),
            # Decision makers see the award but not the group's reports: no dead links.
            "can_open_reports": runs_grants(request.user),
        },
    )


@permission_required("grants.run_assessment")
@require_http_methods(["GET", "POST"])
def award_schedule(request, award_uuid):
    award = access_award_by_uuid(request.user, award_uuid)
    rows = [{"due_date": i.due_date, "amount": i.amount} for i in award.instalments.all()]
    rows += [{}] * (4 - len(rows)) if len(rows) < 4 else []
    formset = InstalmentFormSet(
        request.POST if request.method == "POST" else None, initial=rows, prefix="payment"
    )
    problem = None
    if request.method == "POST" and formset.is_valid():
        instalments = [
            InstalmentInput(due_date=f.cleaned_data["due_date"], amount=f.cleaned_data["amount"])
            for f in formset.forms
            if f.cleaned_data.get("due_date") or f.cleaned_data.get("amount")
        ]
        try:
            services.award_schedule_set(award=award, actor=request.user, instalments=instalments)
        except ValidationError as error:
            problem = " ".join(error.messages)
        except ApplicationError as refusal:
            problem = refusal.message
        else:
            messages.success(request, "Payment schedule saved.")
            return redirect("grants:award-detail", award.uuid)
    return render(
        request,
        "grants/award_schedule.html",
        {"award": award, "formset": formset, "problem": problem},
    )
