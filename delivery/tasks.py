"""Plan delivery's Celery task: build a Panel report (queued by name from services)."""

from __future__ import annotations

from celery import shared_task

from delivery.services import BUILD_TASK, panel_report_build


# The result is the report's row; nothing reads the task's own result.
@shared_task(name=BUILD_TASK, ignore_result=True)
def build_panel_report(report_id: int) -> str:
    """Build one Panel report; idempotent (see delivery.services.panel_report_build)."""
    return panel_report_build(report_id=report_id)
