"""Pages after the award: the group's grant (accept, decline, bank details, reports) and the
officers' bank checks, payments and report reviews."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import permission_required
from core.downloads import private_file_response
from core.errors import ApplicationError
from core.forms import apply_errors, run_form, run_service_checks
from documents.formatting import money
from grants import award_selectors as selectors
from grants.access import (
    access_award_by_uuid,
    access_bank_details_by_uuid,
    access_evidence_by_uuid,
    access_grant_by_application_uuid,
    access_report_by_uuid,
)
from grants.award_forms import (
    AcceptanceForm,
    BankCheckForm,
    BankForm,
    DeclineOfferForm,
    EvidenceForm,
    PaymentForm,
    ReportReviewForm,
)
from grants.models import BENEFICIARY_GROUPS, BankDetails, MonitoringReport
from grants.permissions import can, runs_grants
from grants.services import awards as award_services
from grants.services import monitoring as report_services
from grants.services.awards import AcceptanceInput, BankInput


def _group_award(request, application_uuid):
    """The award for the group's own pages: outsiders get 404, officers 403."""
    award = access_grant_by_application_uuid(request.user, application_uuid)
    if not can(request.user, "grants.respond_to_award", award.application):
        raise PermissionDenied
    return award


def _choose_file_again(form, files) -> None:
    """A chosen file is not kept when the page shows errors: say so next to the field."""
    evidence = files.get("evidence")
    if form.errors and evidence is not None and "evidence" not in form.errors:
        form.add_error(
            "evidence",
            f"Choose “{evidence.name}” again: a file you choose is not kept when the page "
            "shows a problem.",
        )


def _bank_input(data: dict, files) -> BankInput:
    return BankInput(
        account_name=data.get("account_name", ""),
        sort_code=data.get("sort_code", ""),
        account_number=data.get("account_number", ""),
        evidence=files.get("evidence"),
    )


# The group's pages -----------------------------------------------------------------------


@login_required
def grant(request, application_uuid):
    award = access_grant_by_application_uuid(request.user, application_uuid)
    application = award.application
    instalments = list(award.instalments.all())
    return render(
        request,
        "grants/grant.html",
        {
            "award": award,
            "application": application,
            "bank": award.newest_bank_details,
            "instalments": instalments,
            "paid_total": award.paid_total,
            "reports": list(award.reports.all()),
            "today": timezone.localdate(),
            "is_member": can(request.user, "grants.respond_to_award", application),
            "offer_open": application.status in award_services.OFFER_OPEN,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def grant_accept(request, application_uuid):
    award = _group_award(request, application_uuid)
    if award.application.status not in award_services.OFFER_OPEN:
        messages.info(request, "This offer has already been answered.")
        return redirect("grants:grant", application_uuid)
    initial = {
        "supplier_name": award.application.organisation.name,
        "account_name": award.application.organisation.name,
    }
    form = AcceptanceForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial=initial,
    )

    def accept(data):
        award_services.award_accept(
            award=award,
            actor=request.user,
            data=AcceptanceInput(
                signatory_name=data["signatory_name"],
                signatory_position=data["signatory_position"],
                terms_accepted=bool(data["terms_accepted"]),
                supplier_name=data["supplier_name"],
                supplier_address=data["supplier_address"],
                supplier_email=data["supplier_email"],
                bank=_bank_input(data, request.FILES),
            ),
        )

    if request.method == "POST" and run_service_checks(form, accept):
        messages.success(
            request,
            "Grant accepted. We will check your bank details and then make the first payment.",
        )
        return redirect("grants:grant", application_uuid)
    _choose_file_again(form, request.FILES)
    return render(request, "grants/grant_accept.html", {"award": award, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def grant_decline(request, application_uuid):
    award = _group_award(request, application_uuid)
    form = DeclineOfferForm(request.POST if request.method == "POST" else None)
    response = run_form(
        request,
        form,
        lambda data: award_services.award_decline_offer(
            award=award, actor=request.user, reason=data["reason"]
        ),
        done=reverse("grants:grant", args=[application_uuid]),
        message="You have declined the grant. Thank you for letting us know.",
    )
    return response or render(request, "grants/grant_decline.html", {"award": award, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def grant_bank(request, application_uuid):
    """New bank details after a rejection or a change of bank: members or officers."""
    award = access_grant_by_application_uuid(request.user, application_uuid)
    if not (
        can(request.user, "grants.respond_to_award", award.application) or runs_grants(request.user)
    ):
        raise PermissionDenied
    form = BankForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and run_service_checks(
        form,
        lambda data: award_services.bank_details_replace(
            award=award, actor=request.user, bank=_bank_input(data, request.FILES)
        ),
    ):
        messages.success(request, "Bank details saved. Another person will check them.")
        if runs_grants(request.user):
            return redirect("grants:award-detail", award.uuid)
        return redirect("grants:grant", application_uuid)
    _choose_file_again(form, request.FILES)
    return render(request, "grants/grant_bank.html", {"award": award, "form": form})


@login_required
def bank_evidence(request, award_uuid, bank_uuid):
    details = access_bank_details_by_uuid(request.user, award_uuid, bank_uuid)
    return private_file_response(details.evidence, details.evidence_name, details.evidence_type)


# Monitoring reports ------------------------------------------------------------------------


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
    if form.is_valid():
        try:
            report_services.report_evidence_add(
                report=report, actor=request.user, uploaded=form.cleaned_data["file"]
            )
        except ApplicationError as refusal:
            form.add_error("file", refusal.message)
        else:
            messages.success(request, f"“{form.cleaned_data['file'].name}” uploaded.")
            return redirect(reverse("grants:report", args=[report.uuid]) + "#evidence")
    return _render_report(request, report, errors={"file": form.errors["file"][0]}, status=400)


@login_required
@require_POST
def report_evidence_remove(request, report_uuid, evidence_uuid):
    report = access_report_by_uuid(request.user, report_uuid)
    if not can(request.user, "grants.respond_to_award", report.award.application):
        raise PermissionDenied
    typed = _posted_report_values(request, report)
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
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "accept":
                report_services.report_accept(
                    report=report, actor=request.user, note=data["note"], clawback=data["clawback"]
                )
                done = "Report accepted."
            else:
                report_services.report_request_changes(
                    report=report, actor=request.user, note=data["note"]
                )
                done = "Changes requested. The group has been emailed."
        except ValidationError as error:
            apply_errors(form, error)
        except ApplicationError as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, done)
            return redirect("grants:report", report.uuid)
    return _render_report(request, report, review_form=form, status=400)


# Officers ---------------------------------------------------------------------------------


@permission_required("grants.manage_awards")
@require_http_methods(["GET", "POST"])
def bank_check(request, award_uuid, bank_uuid):
    details = access_bank_details_by_uuid(request.user, award_uuid, bank_uuid)
    award = details.award
    form = BankCheckForm(request.POST if request.method == "POST" else None)

    def check(data):
        if data["decision"] == "verify":
            return award_services.bank_details_verify(details=details, actor=request.user)
        return award_services.bank_details_reject(
            details=details, actor=request.user, reason=data["reason"]
        )

    response = run_form(
        request,
        form,
        check,
        done=reverse("grants:award-detail", args=[award.uuid]),
        message="Bank details checked.",
    )
    return response or render(
        request,
        "grants/bank_check.html",
        {
            "award": award,
            "details": details,
            "form": form,
            "entered_by_you": details.entered_by_id == request.user.pk,
        },
    )


@permission_required("grants.manage_awards")
@require_http_methods(["GET", "POST"])
def payment_record(request, award_uuid, position):
    award = access_award_by_uuid(request.user, award_uuid)
    instalment = next((i for i in award.instalments.all() if i.position == position), None)
    if instalment is None:
        raise Http404("No such payment")
    conditions = list(award_services.payment_conditions_waiting(award))
    form = PaymentForm(
        request.POST if request.method == "POST" else None,
        initial={"paid_on": timezone.localdate(), "amount": f"{instalment.amount}"},
        conditions=conditions,
    )
    if request.method == "POST" and run_service_checks(
        form,
        lambda data: award_services.payment_record(
            instalment=instalment,
            actor=request.user,
            paid_on=data["paid_on"],
            amount=data["amount"],
            reference=data["reference"],
            conditions_met=data.get("conditions_met") or (),
        ),
    ):
        messages.success(
            request,
            f"Payment {instalment.position} of {money(instalment.amount)} recorded as paid.",
        )
        return redirect("grants:award-detail", award.uuid)
    return render(
        request,
        "grants/payment_record.html",
        {
            "award": award,
            "instalment": instalment,
            "form": form,
            "bank": award.newest_bank_details,
            "left_to_pay": award.amount - award.paid_total,
        },
    )


@permission_required("grants.manage_awards")
def payments_dashboard(request):
    today = timezone.localdate()
    due = selectors.payments_due(today=today)
    return render(
        request,
        "grants/payments_dashboard.html",
        {
            "due": due,
            "today": today,
            "month_end_text": f"{selectors.month_end(today):%-d %B %Y}",
            "verified": BankDetails.Status.VERIFIED,
        },
    )


@permission_required("grants.manage_awards")
def reports_dashboard(request):
    today = timezone.localdate()
    return render(
        request,
        "grants/reports_dashboard.html",
        {"watch": selectors.reports_to_watch(today=today), "today": today},
    )
