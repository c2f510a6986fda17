"""The Police and Crime Panel report pages: ask for a report, follow its build, download
it, read it as a web page. Views parse, fetch with permission, call one service or
selector, render."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.decorators import rule_required
from core.downloads import private_file_response
from core.forms import run_form
from delivery import selectors
from delivery.forms import PanelReportForm
from delivery.permissions import VIEW, access_panel_report_by_uuid
from delivery.selectors.panel import panel_report_data
from delivery.selectors.reports import latest_ready, panel_report_versions, panel_reports_recent
from delivery.services import panel_report_request

REFRESH_SECONDS = 5


@rule_required(VIEW)
def panel_reports(request):
    """Choose a plan, a period and the sections; the latest reports asked for."""
    options = selectors.dashboard_options(plan_code=None)
    form = PanelReportForm(request.POST if request.method == "POST" else None, options=options)
    done = run_form(
        request,
        form,
        lambda data: panel_report_request(**data, actor=request.user),
        lambda report: ("delivery:panel-report", report.uuid),
        "",
    )
    if done:
        return done
    return render(
        request,
        "delivery/panel_reports.html",
        {"form": form, "reports": panel_reports_recent(), "has_plan": bool(options.plans)},
        status=400 if form.errors else 200,
    )


@rule_required(VIEW)
def panel_report(request, panel_report_uuid):
    """One version: its progress, its download, and every version of its period."""
    report = access_panel_report_by_uuid(request.user, panel_report_uuid)
    versions = panel_report_versions(report)
    return render(
        request,
        "delivery/panel_report.html",
        {
            "report": report,
            "versions": versions,
            "previous_ready": latest_ready([v for v in versions if v.pk != report.pk]),
            "refresh": REFRESH_SECONDS if report.in_progress else None,
        },
    )


@rule_required(VIEW)
@require_POST
def panel_report_regenerate(request, panel_report_uuid):
    """Ask for the next version of the same plan, period and sections."""
    report = access_panel_report_by_uuid(request.user, panel_report_uuid)
    new = panel_report_request(
        plan=report.plan,
        year=report.year,
        quarter=report.quarter,
        sections=report.sections,
        actor=request.user,
    )
    return redirect("delivery:panel-report", new.uuid)


@rule_required(VIEW)
def panel_report_download(request, panel_report_uuid):
    report = access_panel_report_by_uuid(request.user, panel_report_uuid)
    if not report.is_ready:
        return redirect("delivery:panel-report", report.uuid)
    return private_file_response(report.file, report.filename, "application/pdf")


@rule_required(VIEW)
def panel_report_page(request, panel_report_uuid):
    """The report's content as an accessible web page, with today's figures."""
    report = access_panel_report_by_uuid(request.user, panel_report_uuid)
    data = panel_report_data(
        plan=report.plan, year=report.year, quarter=report.quarter, sections=report.sections
    )
    return render(request, "delivery/panel_report_page.html", {"report": report, "r": data})
