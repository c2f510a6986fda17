"""Every plan-delivery table, and every drill-down list, as CSV or XLSX (core.exports and
core.xlsx: every cell guarded against spreadsheet formulas; money as pounds in XLSX)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from django.http import StreamingHttpResponse
from django.utils import timezone

from commissioning.models import FundingStream
from core import xlsx
from core.exports import csv_download
from core.xlsx import Money, Percent
from delivery.selectors import COPE_MEASURES, TABLES, Dashboard, Drilldown, Figures, Row
from documents.formatting import clock_text, date_text

FIGURE_HEADERS = [
    "Grants awarded",
    "Amount awarded",
    "Amount paid",
    "Contracts",
    "Contract value",
    *(f"Contract value: {label}" for _, label in FundingStream.choices),
    "Bids received",
    "Amount requested",
    "People reached (grant reports)",
    "Victims supported (quarterly returns)",
    "Cases closed",
    *(f"{label} (% of those leaving support)" for _, label in COPE_MEASURES),
]
NOT_ADDITIVE = (
    "An award or contract aligned to several {what} is counted under each of them, so these "
    "rows do not add up to the totals."
)


def _money(amount: Decimal) -> Money:
    return Money(Decimal(amount).quantize(Decimal("0.01")))


def figure_cells(figures: Figures) -> list[object]:
    return [
        figures.awards,
        _money(figures.awarded),
        _money(figures.paid),
        figures.contracts,
        _money(figures.contract_value),
        *(_money(figures.stream(stream)) for stream in FundingStream.values),
        figures.bids,
        _money(figures.requested),
        figures.people_reached,
        figures.victims_supported,
        figures.cases_closed,
        *(Percent(p) if p is not None else "" for _, _, p in figures.cope_percents),
    ]


def _plan_rows(rows: list[Row], first: list[str]) -> tuple[list[str], list[list[object]]]:
    header = [*first, *FIGURE_HEADERS]
    body = []
    for row in rows:
        lead: list[object] = (
            [row.group, row.code, row.label] if len(first) == 3 else [row.code, row.label]
        )
        body.append([*lead, *figure_cells(row.figures)])
    return header, body


def table_rows(dashboard: Dashboard, name: str) -> tuple[list[str], list[list[object]], list[str]]:
    """(header, rows, notes) of one dashboard table."""
    if name == "priorities":
        return (*_plan_rows(dashboard.priorities, ["Code", "Priority"]), [])
    if name == "outcomes":
        header, body = _plan_rows(dashboard.outcomes, ["Priority", "Code", "Outcome"])
        return header, body, [NOT_ADDITIVE.format(what="outcomes")]
    if name == "themes":
        header, body = _plan_rows(dashboard.themes, ["Code", "Theme"])
        return header, body, [NOT_ADDITIVE.format(what="themes")]
    if name == "districts":
        header = ["District", "No of Projects", "Total Spend", "Bids received", "Amount requested"]
        body = [
            [
                row.label,
                row.figures.awards,
                _money(row.figures.awarded),
                row.figures.bids,
                _money(row.figures.requested),
            ]
            for row in dashboard.areas
        ]
        return header, body, []
    gaps = dashboard.gaps
    header = ["Gap", "Code", "Name", "Bids received", "Amount requested"]
    body = [
        *(["Outcome with no funded activity", r.code, r.label, "", ""] for r in gaps.outcomes),
        *(["Theme with no funded activity", r.code, r.label, "", ""] for r in gaps.themes),
        *(
            [
                "District with bids but no awards",
                r.code,
                r.label,
                r.figures.bids,
                _money(r.figures.requested),
            ]
            for r in gaps.districts
        ),
    ]
    return header, body, []


def _award_rows(drill: Drilldown) -> tuple[list[str], list[list[object]], list[object]]:
    header = [
        "Reference",
        "Organisation",
        "Project",
        "Round",
        "Decided",
        "Status",
        "Area",
        "Amount awarded",
        "Amount paid",
        "People reached",
    ]
    body: list[list[object]] = [
        [
            a.reference,
            a.organisation,
            a.title,
            a.round_label,
            a.decided_on.isoformat(),
            a.status,
            a.alignment.area_label,
            _money(a.amount),
            _money(a.paid),
            "" if a.people_reached is None else a.people_reached,
        ]
        for a in drill.awards
    ]
    f = drill.totals
    total = ["Total", "", "", "", "", "", "", _money(f.awarded), _money(f.paid), f.people_reached]
    return header, body, total


def _contract_rows(drill: Drilldown) -> tuple[list[str], list[list[object]], list[object]]:
    header = [
        "Reference",
        "Provider",
        "Service",
        "Status",
        "Area",
        "Value",
        "Funding streams",
        "Accepted returns",
        "Victims supported",
        "Cases closed",
        *(f"{label} (%)" for _, label in COPE_MEASURES),
    ]
    body: list[list[object]] = []
    for c in drill.contracts:
        own = Figures(cases_closed=c.cases_closed, cope=c.cope)
        body.append(
            [
                c.reference,
                c.provider,
                c.service,
                c.status,
                c.alignment.area_label,
                _money(c.value),
                "; ".join(f"{label} {amount:,.2f}" for label, amount in c.streams),
                c.returns,
                c.victims_supported,
                c.cases_closed,
                *(Percent(p) if p is not None else "" for _, _, p in own.cope_percents),
            ]
        )
    f = drill.totals
    total = [
        "Total",
        "",
        "",
        "",
        "",
        _money(f.contract_value),
        "",
        f.returns,
        f.victims_supported,
        f.cases_closed,
        *(Percent(p) if p is not None else "" for _, _, p in f.cope_percents),
    ]
    return header, body, total


def _bid_rows(drill: Drilldown) -> tuple[list[str], list[list[object]], list[object]]:
    header = [
        "Reference",
        "Organisation",
        "Project",
        "Round",
        "Submitted",
        "Status",
        "Area",
        "Amount requested",
    ]
    body: list[list[object]] = [
        [
            b.reference,
            b.organisation,
            b.title,
            b.round_label,
            b.submitted_on.isoformat(),
            b.status,
            b.alignment.area_label,
            _money(b.requested),
        ]
        for b in drill.bids
    ]
    total = ["Total", "", "", "", "", "", "", _money(drill.totals.requested)]
    return header, body, total


def drilldown_rows(drill: Drilldown) -> tuple[list[str], list[list[object]]]:
    """The list behind a figure, with its total as the last row."""
    build = {"awards": _award_rows, "contracts": _contract_rows, "bids": _bid_rows}[drill.kind]
    header, body, total = build(drill)
    return header, [*body, total]


def _generated() -> str:
    now = timezone.localtime()
    return f"Generated {date_text(now.date())} at {clock_text(now)}."


def download(
    *,
    fmt: str,
    filename: str,
    title: str,
    header: list[str],
    rows: list[list[object]],
    notes: list[str],
) -> StreamingHttpResponse:
    """A CSV or XLSX attachment of one table, streamed: a title line (what, plan, period,
    filters, when), the header, the rows and any notes."""
    title = f"{title}. {_generated()}"
    if fmt == "csv":
        return csv_download(f"{filename}.csv", _csv_lines(title, header, rows, notes))
    return xlsx.xlsx_download(
        f"{filename}.xlsx",
        [xlsx.Sheet(name=filename[:31], title=title, header=header, rows=rows, notes=notes)],
    )


def _csv_lines(
    title: str, header: list[str], rows: list[list[object]], notes: list[str]
) -> Iterator[list[object]]:
    yield [title]
    yield header
    yield from rows
    if notes:
        yield []
        yield from ([note] for note in notes)


def table_download(
    dashboard: Dashboard, *, name: str, fmt: str, described: str
) -> StreamingHttpResponse:
    header, rows, notes = table_rows(dashboard, name)
    scope = dashboard.scope
    year = "all-years" if scope.year is None else str(scope.year)
    return download(
        fmt=fmt,
        filename=f"plan-delivery-{name}-{year}",
        title=f"Plan delivery, {TABLES[name].lower()}: {described}",
        header=header,
        rows=rows,
        notes=notes,
    )


def drilldown_download(drill: Drilldown, *, fmt: str, described: str) -> StreamingHttpResponse:
    header, rows = drilldown_rows(drill)
    year = "all-years" if drill.scope.year is None else str(drill.scope.year)
    return download(
        fmt=fmt,
        # Plan codes are data: only letters, digits and hyphens go into a file name.
        filename=re.sub(
            r"[^A-Za-z0-9-]+",
            "-",
            f"plan-delivery-{drill.kind}-{drill.dimension}-{drill.key}-{year}",
        ),
        title=f"Plan delivery, {drill.kind} behind {drill.label}: {described}",
        header=header,
        rows=rows,
        notes=[],
    )
