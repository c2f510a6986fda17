"""Return pages: the provider fills in a quarter's return (form or CSV), submits it, and
corrects an accepted one; a commissioner reviews it against targets and earlier quarters."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.decorators import recent_authentication_required, rule_required
from commissioning import selectors
from commissioning.csv_returns import return_csv_rows
from commissioning.forms import CorrectionForm, ReviewForm, UploadForm
from commissioning.models import Measure, MonitoringReturn, ReturnExport
from commissioning.permissions import access_return_by_uuid, can
from commissioning.services import exports as export_services
from commissioning.services import returns as return_services
from commissioning.validation import Key, field_name
from core.errors import ApplicationError
from core.exports import csv_download
from core.forms import run_form


@rule_required("commissioning.view_own_contracts")
def my_contracts(request):
    return render(
        request,
        "commissioning/my_contracts.html",
        {"contracts": selectors.contracts_of_provider(request.user), "today": timezone.localdate()},
    )


def _typed(request, measures: list[Measure]) -> dict[Key, str]:
    typed: dict[Key, str] = {}
    for measure in measures:
        for category in ["", *measure.category_codes]:
            name = field_name(measure.code, category)
            if name in request.POST:
                typed[(measure.code, category)] = request.POST[name]
    return typed


def _form_rows(measures, shown: dict[str, str], errors: dict[str, str], comments: dict[str, str]):
    """What the template needs per measure: its total and category inputs, with values,
    errors and the commissioner's comment."""
    rows = []
    for measure in measures:
        cells = [
            {
                "name": field_name(measure.code, category),
                "label": measure.category_label(category) if category else "Total",
                "value": shown.get(field_name(measure.code, category), ""),
                "error": errors.get(field_name(measure.code, category)),
            }
            for category in ["", *measure.category_codes]
        ]
        rows.append(
            {
                "measure": measure,
                "total": cells[0],
                "parts": cells[1:],
                "comment": comments.get(measure.code, ""),
                "has_error": any(cell["error"] for cell in cells),
            }
        )
    return rows


def _render_return(
    request, monitoring_return, *, typed=None, errors=None, upload_errors=None, status=200
):
    measures = selectors.measures_of(monitoring_return)
    shown = {
        field_name(*key): text
        for key, text in selectors.figures_as_text(monitoring_return, measures).items()
    }
    for key, value in (typed or {}).items():
        shown[field_name(*key)] = value
    review = selectors.latest_review(monitoring_return)
    comments = (
        {c.measure.code: c.comment for c in review.comments.all()}
        if review is not None and review.outcome == review.Outcome.CHANGES_REQUESTED
        else {}
    )
    editable = monitoring_return.is_editable and can(
        request.user, "commissioning.write_return", monitoring_return.contract
    )
    errors = errors or {}
    return render(
        request,
        "commissioning/return.html",
        {
            "r": monitoring_return,
            "contract": monitoring_return.contract,
            "rows": _form_rows(measures, shown, errors, comments),
            "errors": errors,
            "upload_errors": upload_errors or [],
            "upload_form": UploadForm(),
            "review": review,
            "editable": editable,
            "can_correct": (
                can(request.user, "commissioning.write_return", monitoring_return.contract)
                and monitoring_return.can_be_corrected()
            ),
            "can_review": can(
                request.user, "commissioning.review_return", monitoring_return.contract
            ),
            "Kind": Measure.Kind,
        },
        status=status,
    )


@login_required
def monitoring_return(request, return_uuid):
    found = access_return_by_uuid(request.user, return_uuid)
    if request.method == "GET":
        return _render_return(request, found)
    if not can(request.user, "commissioning.write_return", found.contract):
        raise PermissionDenied
    measures = selectors.measures_of(found)
    typed = _typed(request, measures)
    submit = "submit" in request.POST
    # The figures' own problems come back in result.errors; a refusal (the return is no
    # longer the provider's to change) has no form to sit on and goes back as a message.
    try:
        result = return_services.return_save(
            monitoring_return=found, actor=request.user, typed=typed, submit=submit
        )
    except ApplicationError as refusal:
        messages.error(request, refusal.message)
        return redirect("commissioning:return", found.uuid)
    if result.errors:
        return _render_return(request, found, typed=typed, errors=result.errors, status=400)
    if result.submitted:
        messages.success(
            request, f"{found.period.label} return submitted. Your commissioner will review it."
        )
        return redirect("commissioning:my-contracts")
    messages.success(request, f"Saved at {timezone.localtime():%H:%M}. Nothing is submitted yet.")
    return redirect("commissioning:return", found.uuid)


@login_required
@require_POST
def return_upload(request, return_uuid):
    found = access_return_by_uuid(request.user, return_uuid)
    if not can(request.user, "commissioning.write_return", found.contract):
        raise PermissionDenied
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        # No file chosen, or the virus scanner refused it or could not check it.
        return _render_return(
            request,
            found,
            upload_errors=form.errors.get("file") or ["Choose a CSV file to upload."],
            status=400,
        )
    uploaded = form.cleaned_data["file"]
    # As for the return page: the file's problems come back in result.errors, a refusal as
    # a message.
    try:
        result = return_services.return_upload_csv(
            monitoring_return=found, actor=request.user, content=uploaded.read(1_000_001)
        )
    except ApplicationError as refusal:
        messages.error(request, refusal.message)
        return redirect("commissioning:return", found.uuid)
    if result.errors:
        return _render_return(request, found, upload_errors=result.errors, status=400)
    messages.success(
        request,
        f"“{uploaded.name}” uploaded: {result.figures} figures saved. Check them, then submit.",
    )
    return redirect("commissioning:return", found.uuid)


@login_required
@recent_authentication_required
def return_csv(request, return_uuid):
    """The return as CSV: a template to fill in, with any figures already saved."""
    found = access_return_by_uuid(request.user, return_uuid)
    measures = selectors.measures_of(found)
    shown = selectors.figures_as_text(found, measures)
    rows = list(return_csv_rows(measures, shown))  # one row a measure: small
    export_services.return_export_record(
        actor=request.user,
        kind=ReturnExport.Kind.RETURN,
        format=ReturnExport.Format.CSV,
        description=f"{found.contract.reference} {found.period.label} return, version {found.version}",
        rows=max(len(rows) - 1, 0),  # less the header
        contract=found.contract,
        financial_year=found.financial_year,
        period=f"Q{found.quarter}",
    )
    name = f"{found.contract.reference}-{found.financial_year}-Q{found.quarter}.csv"
    return csv_download(name, rows)


@login_required
def return_correct(request, return_uuid):
    found = access_return_by_uuid(request.user, return_uuid)
    if not can(request.user, "commissioning.write_return", found.contract):
        raise PermissionDenied
    form = CorrectionForm(request.POST if request.method == "POST" else None)
    done = run_form(
        request,
        form,
        lambda data: return_services.return_correct(
            monitoring_return=found, actor=request.user, reason=data["reason"]
        ),
        lambda correction: ("commissioning:return", correction.uuid),
        lambda correction: (
            f"Version {correction.version} started with the accepted figures. Correct "
            "them and submit; the accepted version stands until this one is accepted."
        ),
    )
    return done or render(
        request,
        "commissioning/return_correct.html",
        {
            "form": form,
            "r": found,
            "contract": found.contract,
            "heading": f"Correct the {found.period.label} return",
            "caption": f"{found.contract.reference} · {found.contract.provider.name}",
            "back_url": reverse("commissioning:return", args=[found.uuid]),
            "back_label": f"{found.period.label} return",
            "button": "Start a correction",
        },
        status=400 if form.errors else 200,
    )


@rule_required("commissioning.review_return")
def return_review(request, return_uuid):
    found = access_return_by_uuid(request.user, return_uuid)
    measures = selectors.measures_of(found)
    form = ReviewForm(request.POST if request.method == "POST" else None)
    notes = (
        {m.code: request.POST.get(f"note-{m.code}", "").strip() for m in measures}
        if request.method == "POST"
        else {}
    )
    done = run_form(
        request,
        form,
        lambda data: return_services.return_review_decide(
            monitoring_return=found,
            actor=request.user,
            action=request.POST.get("action", ""),
            measure_comments=notes,
            **data,
        ),
        ("commissioning:return-review", found.uuid),
        lambda action: _reviewed(action, form.cleaned_data["rating"]),
    )
    return done or _review_page(request, found, form, measures, notes)


def _reviewed(action: str, rating: str) -> str:
    if action == "accept":
        return f"Return accepted and rated {rating}."
    return "Changes requested. The provider has been told."


def _review_page(request, found, form, measures, notes):
    review = selectors.latest_review(found)
    rows, previous = selectors.comparison(found, measures, comments=notes)
    return render(
        request,
        "commissioning/return_review.html",
        {
            "r": found,
            "contract": found.contract,
            "form": form,
            "rows": rows,
            "previous": previous,
            "review": review,
            "reviews": list(
                found.reviews.select_related("reviewer").prefetch_related("comments__measure")
            ),
            "Kind": Measure.Kind,
            "can_decide": found.status == MonitoringReturn.Status.SUBMITTED,
        },
        status=400 if form.errors else 200,
    )
