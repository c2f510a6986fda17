"""Pages after the award: the group's grant (accept, decline, bank details) and the officers'
award page, payment schedule, bank checks and payments."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from accounts.decorators import (
    permission_required,
    recent_authentication_required,
    rule_required,
)
from core.downloads import private_file_response
from core.errors import ApplicationError
from core.forms import run_form, run_service_checks
from documents.formatting import money
from grants import services
from grants.access import (
    access_award_by_uuid,
    access_bank_details_by_uuid,
    access_grant_by_application_uuid,
)
from grants.forms.awards import (
    AcceptanceForm,
    BankCheckForm,
    BankForm,
    DeclineOfferForm,
    InstalmentFormSet,
    PaymentForm,
)
from grants.forms.publication import acceptance_initial, acceptance_preview, publication_input
from grants.models import BankDetails
from grants.permissions import can, runs_grants
from grants.selectors.awards import month_end
from grants.selectors.awards import payments_dashboard as payments_dashboard_for
from grants.services import awards as award_services
from grants.services import publication as publication_services
from grants.services.awards import AcceptanceInput, BankInput
from grants.services.panel import InstalmentInput


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
        **acceptance_initial(award),
    }
    form = AcceptanceForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial=initial,
    )

    def accept(data):
        publication_services.award_accept_with_publication(
            award=award,
            actor=request.user,
            publication=publication_input(data),
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

    accepting = request.method == "POST" and "preview" not in request.POST
    if accepting and run_service_checks(form, accept):
        messages.success(
            request,
            "Grant accepted. We will check your bank details and then make the first payment.",
        )
        return redirect("grants:grant", application_uuid)
    _choose_file_again(form, request.FILES)
    context = {"award": award, "form": form, "preview": acceptance_preview(form, award)}
    return render(request, "grants/grant_accept.html", context)


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
@recent_authentication_required(keep_post=False)
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


# Officers ---------------------------------------------------------------------------------


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
        # A formset, not a form: the helpers cannot hold its problems, which the page shows as
        # one line above the rows.
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


def _section_query(section: str, cursor: str | None) -> str:
    return urlencode({"show": section, "cursor": cursor}) if cursor else ""


@permission_required("grants.manage_awards")
def payments_dashboard(request):
    """Unpaid instalments, overdue and due this month: counts and sums of each, and their
    rows 50 at a time."""
    today = timezone.localdate()
    due = payments_dashboard_for(
        today=today, show=request.GET.get("show", ""), cursor=request.GET.get("cursor", "")
    )
    return render(
        request,
        "grants/payments_dashboard.html",
        {
            "due": due,
            "today": today,
            "month_end_text": f"{month_end(today):%-d %B %Y}",
            "verified": BankDetails.Status.VERIFIED,
            "links": {
                section.replace("-", "_"): {
                    "previous": _section_query(section, previous),
                    "next": _section_query(section, next_),
                }
                for section, (previous, next_) in due.cursors.items()
            },
        },
    )
