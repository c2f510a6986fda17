"""Writes in plan delivery: asking for a Panel report and building it.

A request makes the next version for its plan and period and queues the build task on
commit; the task claims the report (waiting -> building), collects the data with the
plan-delivery and readings selectors, renders the PDF, stores it and marks it ready, or
failed with the reason. Earlier versions are never touched.
"""

from __future__ import annotations

import logging

from celery import signature
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from core.workflow import SYSTEM, transition
from delivery.models import SECTION_ORDER, PanelReport
from delivery.panel_pdf import panel_report_pdf
from delivery.selectors.panel import panel_report_data
from outcomes.models import Plan

logger = logging.getLogger(__name__)

BUILD_TASK = "delivery.build_panel_report"
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100
NOT_QUEUED = (
    "The report could not be started because the task queue is not answering. "
    "Ask for it again in a few minutes."
)


def _check(*, year: int, quarter: int, sections: list[str]) -> None:
    errors: dict[str, str] = {}
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        errors["year"] = "Choose a financial year from the list"
    if quarter not in (0, 1, 2, 3, 4):
        errors["quarter"] = "Choose a quarter from the list, or the whole year"
    if not sections:
        errors["sections"] = "Choose at least one section for the report"
    elif any(section not in SECTION_ORDER for section in sections):
        errors["sections"] = "Choose the sections from the list"
    if errors:
        raise ValidationError(errors)


def panel_report_request(
    *, plan: Plan, year: int, quarter: int = 0, sections: list[str], actor: User
) -> PanelReport:
    """Ask for the next version of the Panel report for `plan` and the period (`quarter`
    0: the whole financial year); the build is queued once this commits.

    Two requests at once get consecutive versions (the plan's row is locked while the
    version is chosen)."""
    _check(year=year, quarter=quarter, sections=sections)
    with transaction.atomic():
        Plan.objects.select_for_update().filter(pk=plan.pk).first()
        latest = PanelReport.objects.filter(plan=plan, year=year, quarter=quarter).aggregate(
            latest=Max("version")
        )["latest"]
        report = PanelReport.objects.create(
            plan=plan,
            year=year,
            quarter=quarter,
            sections=[section for section in SECTION_ORDER if section in sections],
            version=(latest or 0) + 1,
            requested_by=actor,
            requested_at=timezone.now(),
        )
        transaction.on_commit(lambda: _queue_build(report.pk))
    return report


def _queue_build(report_id: int) -> None:
    """Hand the build to a worker (eagerly, in-process, without Redis). With the broker
    down the request fails at once with a reason, rather than waiting for ever."""
    try:
        signature(BUILD_TASK, args=(report_id,)).apply_async(retry=False)
    except Exception as error:  # kombu raises several kinds of connection error
        if settings.CELERY_TASK_ALWAYS_EAGER:
            raise
        logger.warning("Could not queue Panel report %s: %s", report_id, error)
        panel_report_fail(report_id=report_id, reason=NOT_QUEUED)


def panel_report_fail(*, report_id: int, reason: str) -> PanelReport | None:
    """Mark a waiting or building report failed with `reason`; a finished one is left."""
    with transaction.atomic():
        report = PanelReport.objects.select_for_update().filter(pk=report_id).first()
        if report is None or not report.in_progress:
            return report
        report.failure_reason = reason[:2000]
        transition(
            report,
            to_status=PanelReport.Status.FAILED,
            actor=SYSTEM,
            reason=reason[:500],
            extra_fields=("failure_reason",),
        )
        return report


def _failure_reason(error: Exception) -> str:
    detail = str(error).strip() or type(error).__name__
    return f"The report could not be built: {detail}. Ask for it again; if it fails again, tell the service desk."


def panel_report_build(*, report_id: int) -> str:
    """Build a queued report: "ready", "failed", or why nothing was done ("missing",
    "finished already"). Safe to run twice: a report already finished is left alone, and a
    build redelivered after a worker died starts again."""
    with transaction.atomic():
        report = (
            PanelReport.objects.select_for_update()
            .select_related("plan", "requested_by")
            .filter(pk=report_id)
            .first()
        )
        if report is None:
            return "missing"
        if not report.in_progress:
            return "finished already"
        if report.status == PanelReport.Status.WAITING:
            transition(report, to_status=PanelReport.Status.BUILDING, actor=SYSTEM)
    try:
        data = panel_report_data(
            plan=report.plan, year=report.year, quarter=report.quarter, sections=report.sections
        )
        content = panel_report_pdf(
            data, version=report.version, requested_by=str(report.requested_by)
        )
    except Exception as error:  # any failure is the report's reason, shown on its page
        logger.exception("Panel report %s failed", report_id)
        panel_report_fail(report_id=report_id, reason=_failure_reason(error))
        return "failed"
    with transaction.atomic():
        report = PanelReport.objects.select_for_update().select_related("plan").get(pk=report_id)
        if report.status != PanelReport.Status.BUILDING:
            return "finished already"
        report.file.save("report.pdf", ContentFile(content), save=False)
        stored = report.file.name or ""
        report.size = len(content)
        report.built_at = timezone.now()
        try:
            transition(
                report,
                to_status=PanelReport.Status.READY,
                actor=SYSTEM,
                extra_fields=("file", "size", "built_at"),
            )
        except Exception:
            report.file.storage.delete(stored)
            raise
    return "ready"
