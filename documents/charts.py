"""Small reportlab.graphics charts for reports: a short line of an indicator's figures
and horizontal bars for money. Data in, drawings out; no queries.

Every string is set in the embedded letter font (ReportLab's charts default to Helvetica,
which would not be embedded).
"""

from __future__ import annotations

from decimal import Decimal

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.units import mm

from documents.pdf import BRAND, FONT, register_fonts

AXIS = colors.HexColor("#505a5f")


def _nice_top(value: float) -> float:
    """A round axis top a little above `value`: 1, 2, 2.5 or 5 times a power of ten."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for top in (magnitude * step for step in (1, 2, 2.5, 5, 10, 20)):
        if top >= value * 1.05:
            return float(top)
    return float(value * 1.2)


def _drawing(width: float, height: float) -> Drawing:
    """A drawing whose initial font is the embedded one (ReportLab's default, Helvetica,
    would be named in the PDF even if no text used it)."""
    drawing = Drawing(width, height)
    drawing.initialFontName = FONT
    drawing.initialFontSize = 7
    return drawing


def line_chart(
    labels: list[str], values: list[Decimal | None], *, caption: str, width: float = 80 * mm
) -> Drawing:
    """A short line of figures over periods (None: no figure that period), with the
    caption above it. Values are drawn as given; the axis starts at 0."""
    register_fonts()
    height = 38 * mm
    drawing = _drawing(width, height)
    drawing.add(String(0, height - 9, caption, fontName=FONT, fontSize=7.5, fillColor=AXIS))
    chart = HorizontalLineChart()
    chart.x, chart.y = 28, 14
    chart.width, chart.height = width - 36, height - 30
    chart.data = [tuple(float(v) if v is not None else None for v in values)]
    chart.categoryAxis.categoryNames = labels
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.strokeColor = AXIS
    top = _nice_top(max((float(v) for v in values if v is not None), default=0))
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = top
    chart.valueAxis.valueStep = top / 2
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = lambda v: f"{v:,.0f}" if top >= 10 else f"{v:,.1f}"
    chart.valueAxis.strokeColor = AXIS
    chart.lines[0].strokeColor = BRAND
    chart.lines[0].strokeWidth = 1.5
    chart.joinedLines = 1
    chart.lines[0].symbol = makeMarker("FilledCircle", size=3, fillColor=BRAND)
    drawing.add(chart)
    return drawing


def bar_chart(
    labels: list[str], values: list[Decimal], *, caption: str, width: float = 170 * mm
) -> Drawing:
    """Horizontal bars, one per label, with the caption above."""
    register_fonts()
    row = 5.5 * mm
    height = row * max(len(labels), 1) + 22
    drawing = _drawing(width, height)
    drawing.add(String(0, height - 9, caption, fontName=FONT, fontSize=7.5, fillColor=AXIS))
    chart = HorizontalBarChart()
    chart.x, chart.y = 60 * mm, 12
    chart.width, chart.height = width - 60 * mm - 10, height - 26
    chart.data = [tuple(float(v) for v in values) or (0.0,)]
    chart.categoryAxis.categoryNames = [label[:45] for label in labels] or [""]
    chart.categoryAxis.reverseDirection = 1
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.strokeColor = AXIS
    top = _nice_top(max((float(v) for v in values), default=0))
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = top
    chart.valueAxis.valueStep = top / 4
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = lambda v: f"£{v:,.0f}"
    chart.valueAxis.strokeColor = AXIS
    chart.bars[0].fillColor = BRAND
    chart.bars[0].strokeColor = None
    drawing.add(chart)
    return drawing
