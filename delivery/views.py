"""Plan-delivery pages: the dashboard, the list behind each figure, and read-only award
and contract summaries. Views parse, fetch with permission, call one selector, render."""

from __future__ import annotations

import rules
from django.core.paginator import Paginator
from django.shortcuts import render

from accounts.decorators import rule_required
from delivery import exports, selectors
from delivery.charts import dashboard_charts
from delivery.forms import DashboardForm, DrilldownForm
from delivery.permissions import VIEW, access_award_by_uuid, access_contract_by_uuid
from delivery.selectors import COPE_MEASURES, TABLES

FORMATS = ("csv", "xlsx")
PAGE_SIZE = 50


def _form(request, form_class):
    options = selectors.dashboard_options(plan_code=request.GET.get("plan") or None)
    return form_class(request.GET, options=options)


def _status(form) -> int:
    """400 for filters that name nothing; with no plan loaded there is nothing to filter."""
    return 400 if form.options.plan and form.errors else 200


def _described(form) -> str:
    scope = form.scope()
    return ", ".join([f"{scope.plan.title}, {scope.period_label}", *form.described()])


@rule_required(VIEW)
def dashboard(request):
    form = _form(request, DashboardForm)
    data = (
        selectors.cached_dashboard(form.scope()) if form.options.plan and form.is_valid() else None
    )
    export, table = request.GET.get("export"), request.GET.get("table")
    if data is not None and export in FORMATS and table in TABLES:
        return exports.table_download(data, name=table, fmt=export, described=_described(form))
    return render(
        request,
        "delivery/dashboard.html",
        {
            "form": form,
            "d": data,
            "charts": dashboard_charts(data) if data else {},
            "query": form.query(),
            "described": _described(form) if data else "",
            "cope_measures": COPE_MEASURES,
        },
        status=_status(form),
    )


def _drilldown(request, kind: str):
    form = _form(request, DrilldownForm)
    drill = None
    if form.options.plan and form.is_valid():
        data = form.cleaned_data
        drill = selectors.drilldown(
            form.scope(), dimension=data["by"], key=data["key"], kind=kind, kept=True
        )
        if drill is None:
            form.figure_missing()
    export = request.GET.get("export")
    if drill is not None and export in FORMATS:
        return exports.drilldown_download(drill, fmt=export, described=_described(form))
    return render(
        request,
        f"delivery/drilldown_{kind}.html",
        {
            "form": form,
            "drill": drill,
            "page": Paginator(drill.items, PAGE_SIZE).get_page(request.GET.get("page"))
            if drill
            else None,
            "query": form.query(),
            "drill_query": request.GET.urlencode(),
            "described": _described(form) if drill else "",
            "opens_awards": rules.test_rule("grants.view_panels", request.user),
            "opens_bids": rules.has_perm("grants.run_assessment", request.user),
            "opens_contracts": rules.has_perm("commissioning.manage", request.user),
            "cope_measures": COPE_MEASURES,
        },
        status=_status(form),
    )


@rule_required(VIEW)
def awards(request):
    return _drilldown(request, "awards")


@rule_required(VIEW)
def contracts(request):
    return _drilldown(request, "contracts")


@rule_required(VIEW)
def bids(request):
    return _drilldown(request, "bids")


@rule_required(VIEW)
def award(request, award_uuid):
    found = access_award_by_uuid(request.user, award_uuid)
    return render(
        request,
        "delivery/award.html",
        {
            "s": selectors.award_summary(found),
            "opens_award": rules.test_rule("grants.view_panels", request.user),
        },
    )


@rule_required(VIEW)
def contract(request, contract_uuid):
    found = access_contract_by_uuid(request.user, contract_uuid)
    return render(
        request,
        "delivery/contract.html",
        {
            "s": selectors.contract_summary(found),
            "opens_contract": rules.has_perm("commissioning.manage", request.user),
        },
    )
