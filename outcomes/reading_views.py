"""Indicator readings pages: the plan's indicators with their latest figures and trends,
one indicator's readings, and adding, changing and uploading readings.

Staff who follow plan delivery read them; only the performance lead (and an administrator)
changes them. Views parse, fetch with permission, call one service or selector, render.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.decorators import rule_required
from accounts.models import District
from core.errors import ApplicationError
from core.exports import csv_download
from core.forms import run_form
from outcomes import selectors
from outcomes.forms import ReadingForm, ReadingsUploadForm
from outcomes.models import Plan
from outcomes.periods import InvalidPeriod, parse_period
from outcomes.permissions import (
    CHANGE_READINGS,
    VIEW_READINGS,
    access_indicator_by_code,
    access_plan_by_code,
    access_reading_by_uuid,
    access_upload_by_uuid,
    can_change_readings,
)
from outcomes.readings_csv import parse_readings_csv, template_rows
from outcomes.services import reading_save, readings_import


@rule_required(VIEW_READINGS)
def current_indicators(request):
    """The current plan's indicators (the staff home links here)."""
    plan = Plan.objects.current()
    if plan is None:
        return render(request, "outcomes/indicator_list.html", {"plan": None})
    return _indicator_list(request, plan)


@rule_required(VIEW_READINGS)
def indicator_list(request, code):
    return _indicator_list(request, access_plan_by_code(request.user, code))


def _indicator_list(request, plan: Plan):
    """The plan's measures with their latest figures, or as at ?period= (a Panel table)."""
    period, period_error = None, ""
    if request.GET.get("period"):
        try:
            period = parse_period(request.GET["period"])
        except InvalidPeriod as error:
            period_error = error.message
    return render(
        request,
        "outcomes/indicator_list.html",
        {
            "plan": plan,
            "tables": selectors.indicator_tables(plan=plan, period=period),
            "periods": selectors.plan_periods_with_readings(plan=plan),
            "period_error": period_error,
            "typed_period": request.GET.get("period", ""),
            "can_change": can_change_readings(request.user),
        },
        status=400 if period_error else 200,
    )


@rule_required(VIEW_READINGS)
def indicator_detail(request, code, indicator_code):
    indicator = access_indicator_by_code(request.user, code, indicator_code)
    return render(
        request,
        "outcomes/indicator_detail.html",
        {
            "plan": indicator.plan,
            "indicator": indicator,
            "measures": selectors.indicator_readings(indicator=indicator),
            "can_change": can_change_readings(request.user),
        },
    )


def _reading_form(request, indicator, *, reading=None):
    """Add a reading to `indicator`, or change `reading`; back to the indicator when saved."""
    initial = ReadingForm.initial_for(reading) if reading else {"district": ""}
    form = ReadingForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        measures=list(indicator.measures.order_by("position")),
        districts=District.objects.order_by("position", "name"),
    )
    done = run_form(
        request,
        form,
        lambda _values: reading_save(
            indicator=indicator, data=form.reading_input(), by=request.user, reading=reading
        ),
        lambda saved: (
            reverse("outcomes:indicator", args=[indicator.plan.code, indicator.code])
            + f"#measure-{saved.measure_id}"
        ),
        "Reading changed." if reading else "Reading added.",
    )
    return done or render(
        request,
        "outcomes/reading_form.html",
        {"form": form, "indicator": indicator, "plan": indicator.plan, "reading": reading},
        status=400 if form.errors else 200,
    )


@rule_required(CHANGE_READINGS)
def reading_add(request, code, indicator_code):
    indicator = access_indicator_by_code(request.user, code, indicator_code)
    return _reading_form(request, indicator)


@rule_required(CHANGE_READINGS)
def reading_edit(request, code, reading_uuid):
    reading = access_reading_by_uuid(request.user, reading_uuid, plan_code=code)
    return _reading_form(request, reading.measure.indicator, reading=reading)


@rule_required(CHANGE_READINGS)
def readings_upload(request, code):
    """Upload a CSV of readings: every problem listed with its line, or all of it saved."""
    plan = access_plan_by_code(request.user, code)
    posted = request.method == "POST"
    form = ReadingsUploadForm(request.POST if posted else None, request.FILES if posted else None)
    errors: list[str] = []
    if posted and form.is_valid():
        uploaded = form.cleaned_data["file"]
        parsed = parse_readings_csv(uploaded.read(1_000_001))
        errors = parsed.file_errors
        if not errors:
            try:
                upload = readings_import(
                    plan=plan, rows=parsed.rows, by=request.user, file_name=uploaded.name
                )
            except ValidationError as refused:
                errors = refused.messages
            except ApplicationError as refusal:
                errors = [refusal.message]
            else:
                messages.success(
                    request,
                    f"“{uploaded.name}” uploaded: {upload.added} readings added, "
                    f"{upload.changed} changed, {upload.unchanged} unchanged.",
                )
                return redirect("outcomes:readings-upload-detail", plan.code, upload.uuid)
    return render(
        request,
        "outcomes/readings_upload.html",
        {"plan": plan, "form": form, "errors": errors},
        status=400 if (errors or form.errors) else 200,
    )


@rule_required(CHANGE_READINGS)
def readings_template(request, code):
    """A CSV to fill in: the headings and one West Yorkshire line per measure of the plan."""
    plan = access_plan_by_code(request.user, code)
    rows = template_rows(selectors.measures_for_template(plan=plan))
    return csv_download(f"{plan.code}-readings.csv", rows)


@rule_required(VIEW_READINGS)
def readings_upload_detail(request, code, upload_uuid):
    """What an upload saved, line by line."""
    upload = access_upload_by_uuid(request.user, upload_uuid, plan_code=code)
    return render(
        request, "outcomes/readings_upload_detail.html", {"upload": upload, "plan": upload.plan}
    )
