"""The Panel reports asked for: the latest versions, and every version of one period."""

from __future__ import annotations

from delivery.models import PanelReport

RECENT = 20


def panel_reports_recent(*, limit: int = RECENT) -> list[PanelReport]:
    """The latest reports asked for, newest first: one query."""
    return list(
        PanelReport.objects.select_related("plan", "requested_by").order_by("-requested_at", "-pk")[
            :limit
        ]
    )


def panel_report_versions(report: PanelReport) -> list[PanelReport]:
    """Every version for the report's plan and period, newest first: one query."""
    return list(
        PanelReport.objects.filter(plan=report.plan, year=report.year, quarter=report.quarter)
        .select_related("requested_by")
        .order_by("-version")
    )


def latest_ready(versions: list[PanelReport]) -> PanelReport | None:
    """The newest version that was built, from a list like panel_report_versions'."""
    return next((v for v in versions if v.is_ready), None)
