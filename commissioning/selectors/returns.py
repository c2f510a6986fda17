"""One monitoring return: its measures, figures and latest review."""

from __future__ import annotations

from decimal import Decimal

from commissioning.models import Measure, MonitoringReturn, ReturnReview, ReturnValue
from commissioning.validation import figure_text


def measures_of(monitoring_return: MonitoringReturn) -> list[Measure]:
    return list(monitoring_return.measure_set.measures.select_related("total_matches"))


def latest_review(monitoring_return: MonitoringReturn) -> ReturnReview | None:
    return (
        monitoring_return.reviews.select_related("reviewer")
        .prefetch_related("comments__measure")
        .first()
    )


def figures_of(
    returns: list[MonitoringReturn],
) -> dict[int, dict[tuple[str, str], Decimal | str | None]]:
    """{return id: {(measure code, category): value or text}} in 1 query."""
    figures: dict[int, dict[tuple[str, str], Decimal | str | None]] = {r.pk: {} for r in returns}
    for row in ReturnValue.objects.filter(monitoring_return__in=returns).select_related("measure"):
        value = row.text if row.measure.kind == Measure.Kind.TEXT else row.value
        figures[row.monitoring_return_id][(row.measure.code, row.category)] = value
    return figures


def figures_as_text(
    monitoring_return: MonitoringReturn, measures: list[Measure]
) -> dict[tuple[str, str], str]:
    """{(measure code, category): the figure as it is typed}, in 1 query: what the form,
    the CSV template and every save start from."""
    by_code = {measure.code: measure for measure in measures}
    return {
        key: figure_text(by_code[key[0]], value)
        for key, value in figures_of([monitoring_return])[monitoring_return.pk].items()
        if key[0] in by_code
    }


def return_with_reviews(monitoring_return: MonitoringReturn) -> MonitoringReturn:
    """The return as saved just now, with its contract, provider and reviews' comments."""
    return (
        MonitoringReturn.objects.select_related("contract__provider", "measure_set")
        .prefetch_related("reviews__comments__measure")
        .get(pk=monitoring_return.pk)
    )
