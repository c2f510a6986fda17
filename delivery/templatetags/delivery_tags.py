"""Links from a plan-delivery figure to the list behind it."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from documents.formatting import money

register = template.Library()

# No returns gave the figure: a dash on screen, words for screen readers.
NO_FIGURE = mark_safe(  # nosec B308  # a constant, no user data
    '<span aria-hidden="true">\u2013</span><span class="govuk-visually-hidden">no figure</span>'
)


def drilldown_url(query: str, kind: str, dimension: str, key: str) -> str:
    filters = f"{query}&" if query else ""
    return f"{reverse(f'delivery:{kind}')}?{filters}{urlencode({'by': dimension, 'key': key})}"


def _row_url(context, kind: str, row, query: str | None = None) -> str:
    """drilldown_url for a row, made once per table: a row's figures of one kind (awarded,
    paid, ...) link to the same list."""
    query = context.get("query", "") if query is None else query
    made = context.render_context.setdefault("delivery_drilldown_urls", {})
    found = (query, kind, row.dimension, row.key)
    if found not in made:
        made[found] = drilldown_url(query, kind, row.dimension, row.key)
    return made[found]


@register.simple_tag(takes_context=True)
def figure(context, row, kind: str, value, what: str, as_money: bool = False):
    """The figure, linked to the `kind` (awards, contracts, bids) behind it; a zero is not
    linked (there is no list to show). The link says what it lists to screen readers."""
    text = money(value) if as_money else f"{value:,}"
    if not value:
        return text
    return format_html(
        '<a class="govuk-link" href="{}">{}<span class="govuk-visually-hidden"> {}, {}</span></a>',
        _row_url(context, kind, row),
        text,
        what,
        row.label,
    )


@register.simple_tag(takes_context=True)
def percent(context, row, code: str):
    """A cope-and-recover percentage, linked to the contracts whose returns gave it."""
    value = row.figures.cope_percent(code)
    if value is None:
        return NO_FIGURE
    return format_html(
        '<a class="govuk-link" href="{}">{}%<span class="govuk-visually-hidden"> of people '
        "leaving support, {}</span></a>",
        _row_url(context, "contracts", row),
        value,
        row.label,
    )


# The money table's figures: (data-figure, the list it opens, what it is for screen
# readers, money or a count).
MONEY_FIGURES = (
    ("awards", "awards", "grants awarded", False),
    ("awarded", "awards", "awarded", True),
    ("paid", "awards", "paid", True),
    ("contracts", "contracts", "contracts", False),
    ("contract_value", "contracts", "contract value", True),
    ("bids", "bids", "bids received", False),
    ("requested", "bids", "requested", True),
)
# The results table's counts before the cope-and-recover percentages.
RESULT_FIGURES = (
    ("people_reached", "awards", "people reached by grants", False),
    ("victims_supported", "contracts", "victims supported", False),
    ("cases_closed", "contracts", "cases closed", False),
)
_CELL = '<td class="govuk-table__cell govuk-table__cell--numeric" data-figure="{}">{}</td>'


def _cells(context, row, figures) -> list[tuple[str, str]]:
    """(data-figure, content) of a row's figure cells, each as {% figure %} makes it."""
    return [
        (name, figure(context, row, kind, getattr(row.figures, name), what, as_money))
        for name, kind, what, as_money in figures
    ]


@register.simple_tag(takes_context=True)
def money_cells(context, row):
    """A money table row's cells: one tag for the row, not one a figure."""
    return format_html_join("", _CELL, _cells(context, row, MONEY_FIGURES))


@register.simple_tag(takes_context=True)
def result_cells(context, row, cope_measures):
    """A results table row's cells: the counts, then each cope-and-recover percentage."""
    cells = _cells(context, row, RESULT_FIGURES)
    cells += [(code, percent(context, row, code)) for code, _ in cope_measures]
    return format_html_join("", _CELL, cells)


@register.filter
def cope_of(figures, code: str):
    value = figures.cope_percent(code)
    return NO_FIGURE if value is None else f"{value}%"


@register.filter
def contract_cope(contract, code: str) -> str:
    """One contract's cope-and-recover percentage over its returns in the period."""
    from delivery.selectors import Figures

    return cope_of(Figures(cope=contract.cope), code)


@register.filter
def counted(value, nouns: str) -> str:
    """{{ n|counted:"grant" }} -> '1 grant', '5,000 grants' (thousands separated)."""
    singular, _, plural = nouns.partition(",")
    number = int(value or 0)
    return f"{number:,} {singular if number == 1 else (plural or singular + 's')}"


def _stream_query(context, stream: str) -> str:
    """The dashboard's filters with the source set to one funding stream: made once a
    page for each stream."""
    from django.http import QueryDict

    made = context.render_context.setdefault("delivery_stream_queries", {})
    query_string = context.get("query", "")
    found = (query_string, stream)
    if found not in made:
        query = QueryDict(query_string, mutable=True)
        query["source"] = f"stream:{stream}"
        made[found] = query.urlencode()
    return made[found]


@register.simple_tag(takes_context=True)
def stream_figure(context, row, stream: str, label: str):
    """A row's contract value from one funding stream, linked to those contracts: the list
    behind it is the row's contracts with the dashboard filtered to that stream."""
    value = row.figures.stream(stream)
    if not value:
        return money(value)
    return format_html(
        '<a class="govuk-link" href="{}">{}<span class="govuk-visually-hidden"> from {}, {}'
        "</span></a>",
        _row_url(context, "contracts", row, _stream_query(context, stream)),
        money(value),
        label,
        row.label,
    )


@register.simple_tag(takes_context=True)
def stream_cells(context, row, streams):
    """A streams table row's cells: each stream's value, then every stream's (one tag for
    the row, not one a figure)."""
    cells = [(value, stream_figure(context, row, value, label)) for value, label in streams]
    cells.append(
        (
            "contract_value",
            figure(context, row, "contracts", row.figures.contract_value, "contract value", True),
        )
    )
    return format_html_join("", _CELL, cells)


@register.simple_tag
def stream_list(streams):
    """A contract's money by funding stream, one stream a line ("Home Office: £95,000"), as
    a GOV.UK list so screen readers hear how many there are and each on its own (run on, the
    names and amounts read "£115,000Home Office £95,000Violence Reduction ..."). Nothing
    when no stream is named."""
    if not streams:
        return ""
    return format_html(
        '<ul class="govuk-list app-stream-list">{}</ul>',
        format_html_join(
            "", "<li>{}: {}</li>", ((label, money(amount)) for label, amount in streams)
        ),
    )
