"""Commissioner pages: dashboard, services, contracts (funding, amendments, targets) and
the roll-up. Views parse, fetch with permission, call one service or selector, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.decorators import permission_required, require_recent_authentication, rule_required
from commissioning import selectors
from commissioning.forms import (
    AmendmentForm,
    CloseForm,
    ContractForm,
    RollupForm,
    ServiceForm,
)
from commissioning.models import Contract, MeasureSet, ReturnExport, Service
from commissioning.permissions import (
    access_contract_by_uuid,
    access_service_by_uuid,
    can,
    contracts_for_user,
)
from commissioning.quarters import financial_year_label, financial_year_of
from commissioning.services import contracts as contract_services
from commissioning.services import exports as export_services
from commissioning.services.contracts import ServiceInput, target_field
from commissioning.suppression import privacy_note
from commissioning.validation import figure_text
from core import xlsx
from core.errors import ApplicationError
from core.exports import csv_download
from core.forms import run_form
from core.parsers import InvalidInput, parse_financial_year
from documents.formatting import clock_text, date_text

MANAGE = "commissioning.manage"


def _year(request) -> int:
    """The ?year= asked for, or this financial year when it is missing or not a financial
    year from 2000/01 to 2100/01 (a mistyped or stale link: -1 or 9999, whose last quarter
    ends in the year 10000, would break the page)."""
    try:
        year = parse_financial_year(request.GET.get("year", ""))
    except InvalidInput:
        year = None
    return year or financial_year_of(timezone.localdate())


@permission_required(MANAGE)
def dashboard(request):
    data = selectors.dashboard(financial_year=_year(request))
    return render(
        request,
        "commissioning/dashboard.html",
        {
            "d": data,
            "year_label": financial_year_label(data.financial_year),
            "columns": selectors.STATUS_COLUMNS,
            "year_labels": [(y, financial_year_label(y)) for y in data.years],
        },
    )


# Services --------------------------------------------------------------------------------


@permission_required(MANAGE)
def service_list(request):
    services = Service.objects.prefetch_related("areas").order_by("name")
    return render(request, "commissioning/service_list.html", {"services": services})


@permission_required(MANAGE)
def service_edit(request, service_uuid=None):
    service = None
    initial = {}
    if service_uuid is not None:
        service = access_service_by_uuid(request.user, service_uuid)
        initial = {
            "name": service.name,
            "category": service.category,
            "description": service.description,
            "areas": list(service.areas.all()),
        }
    form = ServiceForm(request.POST if request.method == "POST" else None, initial=initial)

    def save():
        d = form.cleaned_data
        return contract_services.service_save(
            actor=request.user,
            service=service,
            data=ServiceInput(
                name=d["name"],
                category=d["category"],
                description=d["description"],
                area_ids=[a.pk for a in d["areas"]],
            ),
        )

    done = run_form(
        request, form, lambda _values: save(), "commissioning:service-list", "Service saved."
    )
    return done or render(
        request,
        "commissioning/service_form.html",
        {
            "form": form,
            "service": service,
            "heading": f"Change {service.name}" if service else "Add a service",
            "back_url": reverse("commissioning:service-list"),
            "back_label": "Services",
            "button": "Save service",
        },
        status=400 if form.errors else 200,
    )


# Contracts -------------------------------------------------------------------------------


@permission_required(MANAGE)
def contract_list(request):
    status = request.GET.get("status", "")
    category = request.GET.get("category", "")
    search = request.GET.get("q", "").strip()
    contracts = selectors.contracts_for_list(
        contracts_for_user(request.user),
        status=status if status in Contract.Status.values else "",
        category=category if category in Service.Category.values else "",
        search=search,
    )
    page = Paginator(contracts, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "commissioning/contract_list.html",
        {
            "page": page,
            "status": status,
            "category": category,
            "q": search,
            "statuses": Contract.Status.choices,
            "categories": Service.Category.choices,
        },
    )


@permission_required(MANAGE)
def contract_edit(request, contract_uuid=None):
    contract = None
    initial, rows = {}, 3
    if contract_uuid is not None:
        contract = access_contract_by_uuid(request.user, contract_uuid)
        initial, rows = ContractForm.initial_for(contract)
    if request.method == "POST":
        posted_rows = sum(1 for key in request.POST if key.startswith("stream_"))
        rows = max(rows, posted_rows)
    form = ContractForm(
        request.POST if request.method == "POST" else None, initial=initial, funding_rows=rows
    )

    def save():
        return contract_services.contract_save(
            actor=request.user, contract=contract, data=form.to_input()
        )

    done = run_form(
        request,
        form,
        lambda _values: save(),
        lambda saved: ("commissioning:contract", saved.uuid),
        "Contract saved." if contract else "Contract created as a draft.",
    )
    if done:
        return done
    return render(
        request,
        "commissioning/contract_form.html",
        {"form": form, "contract": contract},
        status=400 if form.errors else 200,
    )


def contract(request, contract_uuid):
    """The contract page: commissioners and the provider's own members."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    found = access_contract_by_uuid(request.user, contract_uuid)
    found = selectors.contract_detail(found)
    year = _year(request) if "year" in request.GET else financial_year_of(timezone.localdate())
    return render(
        request,
        "commissioning/contract_detail.html",
        {
            "contract": found,
            "funding_years": selectors.funding_by_year(found),
            "manages": request.user.has_perm(MANAGE),
            # The provider's members, and commissioners; not an administrator alone.
            "reads_returns": can(request.user, "commissioning.read_returns")
            or can(request.user, "commissioning.write_return", found),
            "target_rows": selectors.target_table(found, year),
            "target_year": year,
            "target_year_label": financial_year_label(year),
            "target_years": _contract_years(found),
            "due_days": settings.RETURN_DUE_DAYS,
        },
    )


def _contract_years(contract: Contract) -> list[tuple[int, str]]:
    first, last = financial_year_of(contract.start_date), financial_year_of(contract.end_date)
    return [(y, financial_year_label(y)) for y in range(first, last + 1)]


@permission_required(MANAGE)
@require_POST
def contract_activate(request, contract_uuid):
    found = access_contract_by_uuid(request.user, contract_uuid)
    # A button on the contract page, with no form of its own: the answer goes back as a message.
    try:
        contract_services.contract_activate(contract=found, actor=request.user)
    except ApplicationError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request,
            f"{found.reference} is active. A return opens for each quarter as it ends.",
        )
    return redirect("commissioning:contract", found.uuid)


def _contract_form_page(request, found, form, action, *, template, heading, button, message):
    """A form about one contract that, once its service succeeds, returns to the contract."""
    done = run_form(
        request, form, lambda _values: action(), ("commissioning:contract", found.uuid), message
    )
    return done or render(
        request,
        template,
        {
            "form": form,
            "contract": found,
            "heading": heading,
            "caption": f"{found.reference} · {found.provider.name}",
            "back_url": reverse("commissioning:contract", args=[found.uuid]),
            "back_label": found.reference,
            "button": button,
        },
        status=400 if form.errors else 200,
    )


@permission_required(MANAGE)
def contract_close(request, contract_uuid):
    found = access_contract_by_uuid(request.user, contract_uuid)
    form = CloseForm(request.POST if request.method == "POST" else None)

    def close():
        return contract_services.contract_close(
            contract=found,
            actor=request.user,
            terminated=form.cleaned_data["how"] == "terminated",
            reason=form.cleaned_data["reason"],
        )

    return _contract_form_page(
        request,
        found,
        form,
        close,
        template="commissioning/contract_close.html",
        heading="End or terminate the contract",
        button="Close the contract",
        message="Contract closed.",
    )


@permission_required(MANAGE)
def contract_amend(request, contract_uuid):
    found = access_contract_by_uuid(request.user, contract_uuid)
    form = AmendmentForm(request.POST if request.method == "POST" else None)

    def amend():
        return contract_services.contract_amend(
            contract=found, actor=request.user, data=form.to_input()
        )

    return _contract_form_page(
        request,
        found,
        form,
        amend,
        template="commissioning/contract_amend.html",
        heading="Record a variation or extension",
        button="Record the change",
        message="Amendment recorded.",
    )


def _stored_targets(found, year: int, measures) -> dict[str, str]:
    """The saved targets as the text the form shows."""

    stored = selectors.targets_for_year(found, year)
    return {
        target_field(m, q): figure_text(m, stored.get((m.code, q)))
        for m in measures
        for q in (1, 2, 3, 4, 0)
    }


def _target_rows(measures, shown: dict, errors: dict) -> list:
    """One row per measure: (field name, value shown, error) for each quarter and the year."""
    return [
        (
            m,
            [
                (
                    target_field(m, q),
                    shown.get(target_field(m, q), ""),
                    errors.get(target_field(m, q)),
                )
                for q in (1, 2, 3, 4, 0)
            ],
        )
        for m in measures
    ]


@permission_required(MANAGE)
def contract_targets(request, contract_uuid, year: int):
    found = access_contract_by_uuid(request.user, contract_uuid)
    years = dict(_contract_years(found))
    if year not in years:
        raise Http404("The contract does not run in that year")
    measures = [m for m in found.measure_set.measures.all() if m.is_numeric]
    errors: dict[str, str] = {}
    if request.method == "POST":
        typed = {k: v for k, v in request.POST.items() if k.startswith("t-")}
        # A refusal here is about who may set targets, not what was typed: answer 403.
        try:
            errors = contract_services.targets_save(
                contract=found, actor=request.user, financial_year=year, values=typed
            )
        except ApplicationError as refusal:
            raise PermissionDenied(refusal.message) from None
        if not errors:
            messages.success(request, f"Targets for {years[year]} saved.")
            return redirect(
                reverse("commissioning:contract", args=[found.uuid]) + f"?year={year}#targets"
            )
        shown = typed
    else:
        shown = _stored_targets(found, year, measures)
    rows = _target_rows(measures, shown, errors)
    return render(
        request,
        "commissioning/contract_targets.html",
        {
            "contract": found,
            "year": year,
            "year_label": years[year],
            "rows": rows,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


# Roll-up ---------------------------------------------------------------------------------


@rule_required("commissioning.read_returns")  # summed return figures: commissioners only
def rollup(request):
    initial = {
        "measure_set": MeasureSet.objects.order_by("-financial_year").first(),
        "financial_year": str(financial_year_of(timezone.localdate())),
        "period": "Q1",
    }
    form = RollupForm(request.GET or None, initial=initial)
    result = None
    if request.GET and form.is_valid():
        result = selectors.rollup(
            measure_set=form.cleaned_data["measure_set"],
            financial_year=int(form.cleaned_data["financial_year"]),
            period=form.cleaned_data["period"],
        )
        export = request.GET.get("export")
        if export in ("csv", "xlsx"):
            published = request.GET.get("published") == "1"
            if not published:  # the full figures, small counts included
                require_recent_authentication(request)
            _record_export(request.user, result, export, published=published)
            return _export(result, export, published=published)
    return render(
        request,
        "commissioning/rollup.html",
        {
            "form": form,
            "result": result,
            "query": request.GET.urlencode(),
            "year_label": financial_year_label(result.financial_year) if result else "",
        },
        status=400 if form.errors else 200,
    )


def _record_export(user, result: selectors.Rollup, export: str, *, published: bool) -> None:
    kind = "for publication" if published else "internal"
    export_services.return_export_record(
        actor=user,
        kind=ReturnExport.Kind.ROLLUP,
        format=export,
        description=(
            f"Roll-up ({kind}): {result.measure_set.name}, "
            f"{financial_year_label(result.financial_year)} {result.period}"
        ),
        rows=len(result.rows),
        financial_year=result.financial_year,
        period=result.period,
        filters={"measure_set": result.measure_set.code, "published": published},
    )


def _export(result: selectors.Rollup, export: str, *, published: bool) -> StreamingHttpResponse:
    table = selectors.rollup_table(result, published=published)
    missing = selectors.missing_table(result)
    name = (
        f"{result.measure_set.code}-{result.financial_year}-{result.period}"
        f"{'-published' if published else '-internal'}"
    )
    period = (
        f"{financial_year_label(result.financial_year)} {result.period} "
        f"({date_text(result.first_day)} to {date_text(result.last_day)})"
    )
    now = timezone.localtime()
    generated = f"Generated {date_text(now.date())} at {clock_text(now)}."
    missing_title = f"Contracts with no accepted return for {period}"
    if export == "csv":
        return csv_download(
            f"{name}.csv",
            _rollup_csv_lines(table, missing, missing_title, result, published=published),
        )
    kind = "figures for publication" if published else "full figures, internal use only"
    return xlsx.xlsx_download(
        f"{name}.xlsx",
        [
            xlsx.Sheet(
                name=f"{result.period} {financial_year_label(result.financial_year)}".replace(
                    "/", "-"
                ),
                title=(
                    f"Roll-up for the MoJ ({kind}): {result.measure_set.name}, {period}. "
                    f"{generated}"
                ),
                header=table[0],
                rows=table[1:],
                notes=[privacy_note()] if published else None,
            ),
            xlsx.Sheet(
                name="No accepted return",
                title=f"{missing_title}. {generated}",
                header=missing[0],
                rows=missing[1:],
                notes=None if result.missing else ["None: every contract has an accepted return."],
            ),
        ],
    )


def _rollup_csv_lines(table, missing, missing_title, result, *, published: bool):
    yield from table
    if published:
        yield []
        yield [privacy_note()]
    yield []
    yield [missing_title if result.missing else f"{missing_title}: none."]
    if result.missing:
        yield from missing
