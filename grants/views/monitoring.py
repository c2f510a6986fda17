"""Monitoring: the group's 6-month and end-of-grant reports with their evidence, and the
officers' review of them and list of reports to watch."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import permission_required
from core.downloads import private_file_response
from core.errors import ApplicationError
from core.forms import run_form
from grants.access import access_evidence_by_uuid, access_report_by_uuid
from grants.forms.monitoring import EvidenceForm, ReportReviewForm
from grants.models import BENEFICIARY_GROUPS, MonitoringReport
from grants.permissions import can, runs_grants
from grants.selectors.monitoring import reports_to_watch
from grants.services import monitoring as report_services


def _report_values(report: MonitoringReport) -> dict[str, str]:
    """The report's saved answers as form values, overlaid with text that failed to save."""
    values: dict[str, str] = {}
    for line in report.spend.all():
        values[f"spent-{line.pk}"] = "" if line.spent is None else f"{line.spent}"
        values[f"explanation-{line.pk}"] = line.explanation
    for key, _ in BENEFICIARY_GROUPS:
        count = report.beneficiaries.get(key)
        values[f"beneficiaries-{key}"] = "" if count is None else str(count)
    for progress in report.outcome_progress.all():
        values[f"progress-{progress.pk}"] = progress.progress
    for name in ("case_study", "successes", "challenges"):
        values[name] = getattr(report, name)
    values.update(report.unsaved_input)
    return values


def _report_rows(report: MonitoringReport, values: dict, errors: dict) -> dict:
    """The report's fields as rows the template renders: name, value and error for each."""

    def field(key: str) -> dict:
        return {"name": key, "value": values.get(key, ""), "error": errors.get(key)}

    spend = [
        {
            "line": line,
            "spent": field(f"spent-{line.pk}"),
            "explanation": field(f"explanation-{line.pk}"),
            "flag": line.explanation_required,
        }
        for line in report.spend.all()
    ]
    return {
        "spend": spend,
        "spent_total": sum((line.spent or 0 for line in report.spend.all()), 0),
        "approved_total": sum((line.approved for line in report.spend.all()), 0),
        "requested_total": sum((line.budget_line.amount for line in report.spend.all()), 0),
        "beneficiaries": [
            {"label": label, **field(f"beneficiaries-{key}")} for key, label in BENEFICIARY_GROUPS
        ],
        "outcomes": [
            {"outcome": p.outcome, **field(f"progress-{p.pk}")}
            for p in report.outcome_progress.all()
        ],
        "case_study": field("case_study"),
        "successes": field("successes"),
        "challenges": field("challenges"),
    }


def _render_report(request, report, *, errors=None, values=None, review_form=None, status=200):
    is_member = can(request.user, "grants.respond_to_award", report.award.application)
    officer = runs_grants(request.user)
    errors = errors or {}
    values = values if values is not None else _report_values(report)
    return render(
        request,
        "grants/report.html",
        {
            "report": report,
            "award": report.award,
            "rows": _report_rows(report, values, errors),
            "errors": errors,
            "can_edit": is_member and report.is_editable,
            "can_review": officer and report.status == MonitoringReport.Status.SUBMITTED,
            "officer": officer,
            "review_form": review_form or ReportReviewForm(),
            "evidence_form": EvidenceForm(),
            "underspend": report_services.report_underspend(report) if officer else None,
            "final": report.kind == MonitoringReport.Kind.FINAL,
        },
        status=status,
    )


def _posted_report_values(request, report: MonitoringReport) -> dict[str, str]:
    return {key: request.POST[key] for key in _report_values(report) if key in request.POST}


@login_required
@require_http_methods(["GET", "POST"])
def report(request, report_uuid):
    report = access_report_by_uuid(request.user, report_uuid)
    if request.method == "GET":
        return _render_report(request, report)
    if not can(request.user, "grants.respond_to_award", report.award.application):
        raise PermissionDenied
    uploaded = request.FILES.get("file")
    # The report's own problems come back in result.errors; a refusal (the report is no
    # longer the group's to change) has no form to sit on and goes back as a message.
    try:
        result = report_services.report_save(
            report=report,
            actor=request.user,
            values=_posted_report_values(request, report),
            submit="submit" in request.POST,
            uploaded=uploaded,
        )
    except ApplicationError as refusal:
        messages.error(request, refusal.message)
        return redirect("grants:report", report.uuid)
    if result.submitted:
        messages.success(request, "Report submitted. Your grants officer will review it.")
        return redirect("grants:grant", report.award.application.uuid)
    report = access_report_by_uuid(request.user, report_uuid)
    if result.errors:
        shown = {**_report_values(report), **_posted_report_values(request, report)}
        return _render_report(request, report, errors=result.errors, values=shown, status=400)
    saved = f"Saved at {timezone.localtime():%H:%M}."
    if uploaded is not None and "file" not in result.errors:
        saved += f" “{uploaded.name}” uploaded."
    messages.success(request, saved)
    return redirect("grants:report", report.uuid)


@login_required
@require_POST
def report_evidence_add(request, report_uuid):
    report = access_report_by_uuid(request.user, report_uuid)
    if not can(request.user, "grants.respond_to_award", report.award.application):
        raise PermissionDenied
    form = EvidenceForm(request.POST, request.FILES)
    done = run_form(
        request,
        form,
        lambda data: report_services.report_evidence_add(
            report=report, actor=request.user, uploaded=data["file"]
        ),
        reverse("grants:report", args=[report.uuid]) + "#evidence",
        lambda _evidence: f"“{form.cleaned_data['file'].name}” uploaded.",
        field="file",
    )
    return done or _render_report(
        request, report, errors={"file": form.errors["file"][0]}, status=400
    )


@login_required
@require_POST
def report_evidence_remove(request, report_uuid, evidence_uuid):
    report = access_report_by_uuid(request.user, report_uuid)
    if not can(request.user, "grants.respond_to_award", report.award.application):
        raise PermissionDenied
    typed = _posted_report_values(request, report)
    # A button on the report page, with no form of its own: a refusal goes back as a message.
    try:
        # Removed from the report form: what was typed is kept (errors kept too).
        report_services.report_evidence_remove(
            report=report, actor=request.user, evidence_uuid=evidence_uuid, values=typed
        )
    except ApplicationError as refusal:
        messages.error(request, refusal.message)
    return redirect(reverse("grants:report", args=[report.uuid]) + "#evidence")


@login_required
def report_evidence(request, report_uuid, evidence_uuid):
    evidence = access_evidence_by_uuid(request.user, report_uuid, evidence_uuid)
    return private_file_response(evidence.file, evidence.original_name, evidence.content_type)


@permission_required("grants.manage_awards")
@require_POST
def report_review(request, report_uuid):
    report = access_report_by_uuid(request.user, report_uuid)
    form = ReportReviewForm(request.POST)

    def review(data) -> str:
        if data["decision"] == "accept":
            report_services.report_accept(
                report=report, actor=request.user, note=data["note"], clawback=data["clawback"]
            )
            return "Report accepted."
        report_services.report_request_changes(report=report, actor=request.user, note=data["note"])
        return "Changes requested. The group has been emailed."

    done = run_form(request, form, review, ("grants:report", report.uuid), lambda said: said)
    return done or _render_report(request, report, review_form=form, status=400)


@permission_required("grants.manage_awards")
def reports_dashboard(request):
    today = timezone.localdate()
    return render(
        request,
        "grants/reports_dashboard.html",
        {"watch": reports_to_watch(today=today), "today": today},
    )
