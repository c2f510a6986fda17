"""The Police and Crime Panel's performance report as a PDF: data in, bytes out (the
data from delivery.selectors.panel_report_data; no queries here)."""

from __future__ import annotations

from django.conf import settings
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, PageBreak, Spacer, Table, TableStyle

from delivery.selectors.panel import PanelReportData
from documents import charts
from documents import report as r
from documents.formatting import count_text, date_text, money
from documents.pdf import FONT
from outcomes.selectors import Cell, DistrictTable, IndicatorRow, IndicatorTables

NONE = "\u2013"  # an en dash: no figure
INDICATOR_WIDTHS = [36 * mm, 16 * mm, 15 * mm, 15 * mm, 15 * mm, 19 * mm, 22 * mm, 32 * mm]


def trend_text(trend) -> str:
    """The arrow and the word beside it: '↓ Worsening'; the word alone with no arrow."""
    return f"{trend.arrow} {trend.word}".strip()


def _cell(cell: Cell | None, heading: str = "") -> str:
    if cell is None:
        return NONE
    if heading and cell.period_label != heading:
        return f"{cell.text}\n{cell.period_label}"  # its own period, on a line of its own
    return cell.text


def _indicator_row(row: IndicatorRow, columns: list[str]) -> list[str]:
    headings = columns or [""] * (len(row.previous) + 1)
    values = [
        _cell(cell, heading)
        for cell, heading in zip([*row.previous, row.current], headings, strict=True)
    ]
    baseline = _cell(row.baseline, "-")
    return [
        f"{row.measure} ({row.indicator_code})",
        baseline,
        *values,
        row.change or NONE,
        trend_text(row.trend),
        row.comment,
    ]


def _indicators(data: PanelReportData, tables: IndicatorTables) -> list:
    columns = tables.columns
    header = ["Measure", "Baseline", *columns, "Change", "Trend", "Comment"]
    story: list = [
        r.heading("Indicators for each priority"),
        r.para(
            "Each measure's West Yorkshire figure for the period against the same period in "
            "the two years before, with its baseline. The trend judges the change against "
            "the measure's desired direction and tolerance; the arrow is followed by the "
            "word it stands for."
        ),
    ]
    for priority in tables.priorities:
        story += [CondPageBreak(60 * mm), *_sub(f"{priority.code} {priority.title}")]
        if not priority.rows:
            story.append(r.para("This priority has no indicators in the plan."))
            continue
        rows = [_indicator_row(row, columns) for row in priority.rows]
        story.append(
            r.data_table(header, rows, widths=INDICATOR_WIDTHS, numeric=(1, 2, 3, 4, 5), small=True)
        )
        drawn = [
            data.charts[row.measure_id]
            for row in priority.rows
            if row.measure_id in data.charts and data.charts[row.measure_id].drawable
        ]
        story += [Spacer(1, 4 * mm), *_chart_grid(drawn)]
    for district_table in data.district_tables:
        story += [CondPageBreak(70 * mm), *_district_indicator(district_table)]
    return story


def _sub(text: str) -> list:
    """A section's subheading, kept with what follows it."""
    return [CondPageBreak(45 * mm), r.heading(text, 2)]


def _chart_grid(series: list) -> list:
    """Two short charts a row."""
    if not series:
        return []
    drawings = [
        charts.line_chart(
            s.labels,
            s.values,
            caption=s.caption if len(s.caption) <= 62 else s.caption[:60] + "…",
            width=82 * mm,
        )
        for s in series
    ]
    rows = [drawings[i : i + 2] for i in range(0, len(drawings), 2)]
    if len(rows[-1]) == 1:
        rows[-1].append("")
    grid = Table(rows, colWidths=[85 * mm, 85 * mm], hAlign="LEFT")
    grid.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT),  # never Helvetica, which is not embedded
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return [grid]


def _district_indicator(table: DistrictTable) -> list:
    rows = [
        [
            row.area,
            _cell(row.current),
            _cell(row.previous),
            row.change or NONE,
            trend_text(row.trend),
        ]
        for row in table.rows
    ]
    return [
        *_sub(f"{table.measure} by district"),
        r.data_table(
            ["District", table.period_label, table.previous_label, "Difference", "Trend"],
            rows,
            widths=[45 * mm, 28 * mm, 28 * mm, 30 * mm, 39 * mm],
            numeric=(1, 2, 3),
            total_row=True,
        ),
    ]


def _grants(data: PanelReportData) -> list:
    total = data.grant_total
    story: list = [PageBreak(), r.heading("Safer Communities Fund")]
    if total is not None and total.figures.awards:
        story.append(
            r.para(
                f"{count_text(total.figures.awards, 'project')} awarded "
                f"{money(total.figures.awarded, pence=True)} in {data.period_label}."
            )
        )
    elif total is not None:
        story.append(r.para(f"No project was awarded a grant in {data.period_label}."))
    story.extend(_sub("Rounds in the period"))
    if data.rounds:
        story.append(
            r.data_table(
                ["Fund", "Round", "Closed", "Bids", "Awards", "Awarded"],
                [
                    [
                        line.fund,
                        line.round,
                        date_text(line.closes_on),
                        f"{line.bids:,}",
                        f"{line.awards:,}",
                        money(line.awarded, pence=True),
                    ]
                    for line in data.rounds
                ],
                widths=[33 * mm, 50 * mm, 24 * mm, 14 * mm, 17 * mm, 30 * mm],
                numeric=(3, 4, 5),
            )
        )
    else:
        story.append(r.para("No round closed in the period and no bid or award is counted in it."))
    story += [
        *_sub("Awards by district"),
        r.data_table(
            ["District", "No of Projects", "Total Spend"],
            [
                [row.label, f"{row.figures.awards:,}", money(row.figures.awarded, pence=True)]
                for row in data.areas
            ],
            widths=[70 * mm, 40 * mm, 45 * mm],
            numeric=(1, 2),
            total_row=True,
        ),
        *_sub("Awards by priority"),
        r.data_table(
            ["Priority", "Awards", "Amount awarded", "Paid"],
            [
                [
                    row.label,
                    f"{row.figures.awards:,}",
                    money(row.figures.awarded, pence=True),
                    money(row.figures.paid, pence=True),
                ]
                for row in data.priorities
            ],
            widths=[85 * mm, 20 * mm, 35 * mm, 30 * mm],
            numeric=(1, 2, 3),
            total_row=True,
        ),
    ]
    drawn = [row for row in data.priorities if not row.is_total]
    if drawn and any(row.figures.awarded for row in drawn):
        story.append(
            charts.bar_chart(
                [row.code for row in drawn],
                [row.figures.awarded for row in drawn],
                caption="Amount awarded by priority",
            )
        )
    story += [
        *_sub("Awards by cross-cutting theme"),
        r.para(
            "An award aligned to several themes is counted under each: these rows do not add up."
        ),
        r.data_table(
            ["Theme", "Awards", "Amount awarded"],
            [
                [row.label, f"{row.figures.awards:,}", money(row.figures.awarded, pence=True)]
                for row in data.themes
            ],
            widths=[100 * mm, 25 * mm, 45 * mm],
            numeric=(1, 2),
        ),
    ]
    return story


def _contracts(data: PanelReportData) -> list:
    story: list = [PageBreak(), r.heading("Commissioned services")]
    story += [
        *_sub("Contracts and value by funding stream"),
        r.para(
            "Contract value is the funding for the financial year. A contract funded from "
            "two streams is counted under each, its money split between them."
        ),
        r.data_table(
            ["Funding stream", "Contracts", "Value"],
            [
                [line.label, f"{line.contracts:,}", money(line.amount, pence=True)]
                for line in data.streams
            ],
            widths=[100 * mm, 25 * mm, 45 * mm],
            numeric=(1, 2),
            total_row=True,
        ),
        *_sub("Contracts by priority"),
        r.data_table(
            ["Priority", "Contracts", "Value"],
            [
                [
                    row.label,
                    f"{row.figures.contracts:,}",
                    money(row.figures.contract_value, pence=True),
                ]
                for row in data.priorities
            ],
            widths=[100 * mm, 25 * mm, 45 * mm],
            numeric=(1, 2),
            total_row=True,
        ),
    ]
    returns = data.returns
    if returns is not None:
        if returns.quarter:
            story += [
                *_sub(f"Returns for {returns.quarter} by RAG rating"),
                r.data_table(
                    ["Rating", "Returns"],
                    [[line.label, f"{line.returns:,}"] for line in returns.ratings],
                    widths=[100 * mm, 30 * mm],
                    numeric=(1,),
                    total_row=True,
                ),
            ]
        else:
            story += [
                *_sub("Returns by RAG rating"),
                r.para("No quarterly return for the period has been accepted yet."),
            ]
        story.extend(_sub("Overdue returns"))
        if returns.overdue:
            story.append(
                r.data_table(
                    ["Contract", "Provider", "Quarter", "Due", "Days overdue"],
                    [
                        [
                            f"{o.contract} {o.service}",
                            o.provider,
                            o.quarter,
                            date_text(o.due_on),
                            f"{o.days_overdue:,}",
                        ]
                        for o in returns.overdue
                    ],
                    widths=[55 * mm, 45 * mm, 25 * mm, 25 * mm, 20 * mm],
                    numeric=(4,),
                )
            )
            if returns.more_overdue:
                story.append(r.para(f"And {count_text(returns.more_overdue, 'more return')}."))
        else:
            story.append(r.para("No return for the period is overdue."))
    return story


def _gaps(data: PanelReportData) -> list:
    story: list = [CondPageBreak(60 * mm), r.heading("Gaps: outcomes with no funded activity")]
    if not data.gaps:
        story.append(
            r.para(f"Every outcome of the plan has an award or a contract in {data.period_label}.")
        )
        return story
    story.append(
        r.para(
            f"No award decided and no contract funded in {data.period_label} is aligned to "
            f"these {count_text(len(data.gaps), 'outcome')}:"
        )
    )
    story.append(
        r.data_table(
            ["Outcome", "Priority"],
            [[row.label, row.group] for row in data.gaps],
            widths=[110 * mm, 60 * mm],
        )
    )
    return story


def _cover(data: PanelReportData, *, version: int, requested_by: str) -> list:
    return [
        r.para(settings.ORGANISATION_NAME, "h2"),
        r.para("Performance Monitoring Report to the Police and Crime Panel", "cover"),
        r.para(f"{data.plan.title}", "h2"),
        r.para(f"Period: {data.period_label}"),
        r.para(
            f"Figures as at {date_text(data.as_at)}; version {version}, asked for by {requested_by}."
        ),
        Spacer(1, 8 * mm),
        r.para("Contents", "h2"),
        r.contents(),
    ]


def panel_report_pdf(data: PanelReportData, *, version: int, requested_by: str) -> bytes:
    """The report: cover and contents, then each chosen section."""
    story = _cover(data, version=version, requested_by=requested_by)
    if data.has_indicators and data.indicators is not None:
        story += [PageBreak(), *_indicators(data, data.indicators)]
    if data.has_grants:
        story += _grants(data)
    if data.has_contracts:
        story += _contracts(data)
    if data.has_gaps:
        story += _gaps(data)
    title = f"Police and Crime Panel performance report, {data.period_label}"
    return r.render_report(
        story,
        title=title,
        author=settings.ORGANISATION_NAME,
        running_head=f"Police and Crime Panel performance report · {data.period_label}",
    )
