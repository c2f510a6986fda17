"""Published figures hide counts of victims small enough to identify someone: one rule in
commissioning/suppression.py. That the roll-up page and its published exports follow it is
in test_rollup.py."""

from __future__ import annotations

from decimal import Decimal

import pytest

from commissioning.models import Measure
from commissioning.suppression import SuppressedFigure, published_figure, suppress


@pytest.mark.parametrize("count", [1, 2, 3, 4, Decimal(4), Decimal("1.00")])
def test_counts_of_1_to_4_are_suppressed(count):
    figure = suppress(count)
    assert isinstance(figure, SuppressedFigure)
    assert str(figure) == "<5"


@pytest.mark.parametrize(
    ("count", "shown"), [(5, 5), (Decimal(5), 5), (Decimal("40.00"), 40), (1250, 1250)]
)
def test_counts_of_5_or_more_are_shown_as_whole_numbers(count, shown):
    figure = suppress(count)
    assert figure == shown and isinstance(figure, int)


def test_a_count_of_0_is_shown_and_no_figure_stays_no_figure():
    assert suppress(0) == 0 and isinstance(suppress(0), int)
    assert suppress(Decimal(0)) == 0
    assert suppress(None) is None


def test_only_counts_are_suppressed_never_money_percentages_or_text_returns():
    def measure(kind):
        return Measure(code="X", label="X", kind=kind)

    assert isinstance(published_figure(measure(Measure.Kind.COUNT), Decimal(3)), SuppressedFigure)
    assert published_figure(measure(Measure.Kind.COUNT), Decimal(7)) == 7
    assert published_figure(measure(Measure.Kind.MONEY), Decimal("3.00")) == Decimal("3.00")
    assert published_figure(measure(Measure.Kind.PERCENTAGE), Decimal("2.0")) == Decimal("2.0")
    assert published_figure(measure(Measure.Kind.TEXT), Decimal(1)) == Decimal(1)
    assert published_figure(measure(Measure.Kind.COUNT), None) is None
