"""Grants officer pages: rounds and the applications to each."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.decorators import permission_required
from accounts.models import District
from core.exports import csv_response
from core.govuk import GovukFormMixin
from grants import selectors, services
from grants.access import (
    access_fund_by_uuid,
    access_pot_by_id,
    access_staff_round_by_uuid,
)
from grants.models import Application, Pot, Round
from grants.staff_forms import FundForm, PotForm, RoundForm
from outcomes.models import Priority


@permission_required("grants.manage_rounds")
def round_list(request):
    rounds = selectors.rounds_for_staff_list()
    return render(request, "grants/staff_round_list.html", {"rounds": rounds})


class ApplicationFilterForm(GovukFormMixin, forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        help_text="Reference, organisation or project title",
        error_messages={"max_length": "Search must be 200 characters or fewer"},
    )
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *list(Application.Status.choices)]
    )
    district = forms.ModelChoiceField(
        required=False, queryset=District.objects.all(), empty_label="Any district"
    )
    pot = forms.ModelChoiceField(required=False, queryset=None, empty_label="Any pot")
    priority = forms.ModelChoiceField(required=False, queryset=None, empty_label="Any priority")

    def __init__(self, *args, round: Round, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["pot"].queryset = round.pots.all()
        self.fields["priority"].queryset = Priority.objects.filter(plan=round.plan_id)
        self.fields["priority"].label_from_instance = lambda p: f"{p.code} {p.title}"


CSV_COLUMNS = [
    ("Reference", lambda a: a.reference or ""),
    ("Status", lambda a: a.get_status_display()),
    ("Organisation", lambda a: a.organisation.name),
    ("District", lambda a: a.organisation.district.name if a.organisation.district else ""),
    ("Pot", lambda a: a.pot.name if a.pot else ""),
    ("Project title", lambda a: a.project_title),
    (
        "Amount requested",
        lambda a: f"{a.amount_requested:.2f}" if a.amount_requested is not None else "",
    ),
    ("Primary priority", lambda a: a.primary_priority.code if a.primary_priority else ""),
    (
        "Submitted at",
        lambda a: (
            timezone.localtime(a.submitted_at).strftime("%Y-%m-%d %H:%M:%S")
            if a.submitted_at
            else ""
        ),
    ),
]


@permission_required("grants.list_round_applications")
def round_applications(request, round_uuid):
    round = access_staff_round_by_uuid(request.user, round_uuid)
    form = ApplicationFilterForm(request.GET or None, round=round)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "search": data["q"],
            "status": data["status"],
            "district_id": data["district"].pk if data["district"] else None,
            "pot_id": data["pot"].pk if data["pot"] else None,
            "priority_id": data["priority"].pk if data["priority"] else None,
        }
    applications = selectors.applications_for_round(round=round, **filters)
    if request.GET.get("format") == "csv":
        response, writer = csv_response(f"{round.reference_prefix}-applications.csv")
        writer.writerow([title for title, _ in CSV_COLUMNS])
        for application in applications.iterator(chunk_size=500):
            writer.writerow([str(value(application)) for _, value in CSV_COLUMNS])
        return response
    page = Paginator(applications, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query["format"] = "csv"
    return render(
        request,
        "grants/staff_round_applications.html",
        {"round": round, "form": form, "page": page, "csv_query": query.urlencode()},
    )


def _edit(request, *, form, save, template: str, context: dict, done):
    """Shared GET/POST handling for the officer's create and edit pages."""

    if request.method == "POST" and form.is_valid():
        try:
            saved = save()
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect(done(saved))
    return render(request, template, {"form": form, **context})


@permission_required("grants.manage_rounds")
def fund_edit(request, fund_uuid=None):

    fund = access_fund_by_uuid(request.user, fund_uuid) if fund_uuid else None
    form = FundForm(request.POST if request.method == "POST" else None, instance=fund)
    return _edit(
        request,
        form=form,
        save=lambda: services.fund_save(details=form.details(), fund=fund, actor=request.user),
        template="grants/staff_edit.html",
        context={"heading": f"Change {fund}" if fund else "New fund"},
        done=lambda saved: "grants:staff-round-list",
    )


@permission_required("grants.manage_rounds")
def round_edit(request, round_uuid=None):

    round = access_staff_round_by_uuid(request.user, round_uuid) if round_uuid else None
    form = RoundForm(request.POST if request.method == "POST" else None, instance=round)
    return _edit(
        request,
        form=form,
        save=lambda: services.round_save(details=form.details(), round=round, actor=request.user),
        template="grants/staff_edit.html",
        context={
            "heading": f"Change round {round.number}" if round else "New round",
            "round": round,
        },
        done=lambda saved: reverse("grants:staff-round-applications", args=[saved.uuid]),
    )


@permission_required("grants.manage_rounds")
def pot_edit(request, round_uuid, pot_id=None):

    pot = access_pot_by_id(request.user, round_uuid, pot_id) if pot_id else None
    round = pot.round if pot else access_staff_round_by_uuid(request.user, round_uuid)
    form = PotForm(
        request.POST if request.method == "POST" else None, instance=pot or Pot(round=round)
    )
    return _edit(
        request,
        form=form,
        save=lambda: services.pot_save(
            details=form.details(), round=round, pot=pot, actor=request.user
        ),
        template="grants/staff_edit.html",
        context={
            "heading": f"Change {pot}" if pot else f"New pot for round {round.number}",
            "round": round,
        },
        done=lambda saved: reverse("grants:staff-round-applications", args=[round.uuid]),
    )
