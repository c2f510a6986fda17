"""Small server-rendered bar charts: inline SVG, no JavaScript.

A chart is an image with a title and a description (role="img", aria-labelledby); the
table beside it is its text alternative and carries every figure. Each bar's label sits on
its own line above the bar, so the chart stays legible when it shrinks to a phone's width.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH = 360
ROW = 42  # label line plus bar
BAR = 16
LABEL_SIZE = 13
VALUE_ROOM = 96  # room right of the longest bar for its value
BAR_COLOUR = "#1d70b8"  # GOV.UK blue
TEXT_COLOUR = "#0b0c0c"


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | int
    text: str  # the value as shown, e.g. "£36,200"


def _shorten(label: str, limit: int = 48) -> str:
    return label if len(label) <= limit else f"{label[: limit - 1].rstrip()}…"


def bar_chart(*, chart_id: str, title: str, description: str, bars: list[Bar]) -> SafeString:
    """A horizontal bar chart as inline SVG. Every text is escaped."""
    largest = max((Decimal(bar.value) for bar in bars), default=Decimal(0))
    scale = (WIDTH - VALUE_ROOM) / largest if largest > 0 else Decimal(0)
    height = max(len(bars), 1) * ROW + 8
    rows = []
    for index, bar in enumerate(bars):
        top = index * ROW + 4
        length = int(Decimal(bar.value) * scale) if scale else 0
        rows.append(
            (
                top + LABEL_SIZE,
                _shorten(bar.label),
                top + LABEL_SIZE + 6,
                max(length, 1 if bar.value else 0),
                length + 6,
                top + LABEL_SIZE + 6 + BAR - 3,
                bar.text,
            )
        )
    body = format_html_join(
        "",
        '<text x="0" y="{}" font-size="' + str(LABEL_SIZE) + '">{}</text>'
        '<rect x="0" y="{}" width="{}" height="' + str(BAR) + '" fill="' + BAR_COLOUR + '"></rect>'
        '<text x="{}" y="{}" font-size="' + str(LABEL_SIZE) + '" font-weight="bold">{}</text>',
        rows,
    )
    return format_html(
        '<svg class="app-chart" role="img" aria-labelledby="{id}-title {id}-desc" '
        'viewBox="0 0 {width} {height}" width="100%" focusable="false" '
        'xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif" fill="{text}">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{description}</desc>'
        "{body}</svg>",
        id=chart_id,
        width=WIDTH,
        height=height,
        text=TEXT_COLOUR,
        title=title,
        description=description,
        body=body,
    )


@dataclass(frozen=True)
class Chart:
    title: str  # shown as the chart's heading, and its accessible name
    svg: SafeString


def _chart(*, chart_id: str, title: str, description: str, bars: list[Bar]) -> Chart:
    return Chart(
        title, bar_chart(chart_id=chart_id, title=title, description=description, bars=bars)
    )


def dashboard_charts(dashboard) -> dict[str, Chart]:
    """The dashboard's charts: grants and contract value by priority, and grant spend by
    district, each drawn from the table it sits under."""
    from documents.formatting import money

    period = dashboard.scope.period_label
    priorities = [row for row in dashboard.priorities if not row.is_total]
    areas = [row for row in dashboard.areas if not row.is_total]
    after = "The table above gives every figure, with links to the list behind each."
    return {
        "priority_grants": _chart(
            chart_id="chart-priority-grants",
            title=f"Grants awarded by priority, {period}",
            description=f"Amount awarded in grants under each priority of the plan. {after}",
            bars=[Bar(r.label, r.figures.awarded, money(r.figures.awarded)) for r in priorities],
        ),
        "priority_contracts": _chart(
            chart_id="chart-priority-contracts",
            title=f"Contract value by priority, {period}",
            description=f"Value of commissioned contracts under each priority. {after}",
            bars=[
                Bar(r.label, r.figures.contract_value, money(r.figures.contract_value))
                for r in priorities
            ],
        ),
        "areas": _chart(
            chart_id="chart-areas",
            title=f"Grant spend by district, {period}",
            description=f"Amount awarded in grants for each district, for projects in several "
            f"districts and for projects across West Yorkshire. {after}",
            bars=[Bar(r.label, r.figures.awarded, money(r.figures.awarded)) for r in areas],
        ),
    }
