"""Periods and values typed as text, on the reading form and in uploaded files."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from outcomes.figures import InvalidFigure, change_text, parse_number, parse_value, value_text
from outcomes.periods import InvalidPeriod, Period, parse_period

D = dt.date


@pytest.mark.parametrize(
    ("typed", "start", "end", "label"),
    [
        ("2021/22", D(2021, 4, 1), D(2022, 3, 31), "2021/22"),
        (" 2021-22 ", D(2021, 4, 1), D(2022, 3, 31), "2021/22"),
        ("2021/2022", D(2021, 4, 1), D(2022, 3, 31), "2021/22"),
        ("1999/00", D(1999, 4, 1), D(2000, 3, 31), "1999/00"),
        ("Q1 2021/22", D(2021, 4, 1), D(2021, 6, 30), "Q1 2021/22"),
        ("q4 2021/22", D(2022, 1, 1), D(2022, 3, 31), "Q4 2021/22"),
        ("2021/22 Q3", D(2021, 10, 1), D(2021, 12, 31), "Q3 2021/22"),
        ("12 months to June 2019", D(2018, 7, 1), D(2019, 6, 30), "12 months to June 2019"),
        ("12 months to Sept 2021", D(2020, 10, 1), D(2021, 9, 30), "12 months to September 2021"),
        ("12 months to 2019-06-15", D(2018, 6, 16), D(2019, 6, 15), "12 months to 15 June 2019"),
        ("12 months to February 2024", D(2023, 3, 1), D(2024, 2, 29), "12 months to February 2024"),
        # The 12 months to March are the financial year.
        ("12 months to March 2022", D(2021, 4, 1), D(2022, 3, 31), "2021/22"),
        ("12 mths to Mar 2022", D(2021, 4, 1), D(2022, 3, 31), "2021/22"),
    ],
)
def test_a_period_is_read_in_each_of_its_forms(typed, start, end, label):
    period = parse_period(typed)
    assert (period.start, period.end, period.label) == (start, end, label)


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("", "Enter the period"),
        ("last year", "Enter the period as a financial year like 2021/22"),
        ("2021/23", "so it is written 2021/22"),
        ("Q5 2021/22", "A quarter is Q1, Q2, Q3 or Q4"),
        ("Q2 2021", "with its financial year"),
        ("12 months to Smarch 2022", "as a month"),
        ("12 months to 31 June 2022", "a real date"),
        ("3021/22", "Enter a year from 1990 to 2100"),
    ],
)
def test_a_period_that_cannot_be_read_says_what_to_type(typed, says):
    with pytest.raises(InvalidPeriod) as refused:
        parse_period(typed)
    assert says in refused.value.message


def test_a_year_earlier_is_the_same_kind_of_period():
    assert parse_period("2021/22").year_earlier().label == "2020/21"
    assert parse_period("Q4 2021/22").year_earlier().label == "Q4 2020/21"
    assert parse_period("12 months to February 2024").year_earlier() == Period.twelve_months_to(
        D(2023, 2, 28)
    )
    assert parse_period("12 months to 2024-02-29").years_earlier(2).label == (
        "12 months to February 2022"
    )
    assert parse_period("12 months to 2024-02-15").year_earlier().label == (
        "12 months to 15 February 2023"
    )
    assert parse_period("Q3 2021/22").long_label == "Q3 2021/22 (October to December 2021)"


@pytest.mark.parametrize(
    ("typed", "number"),
    [("72.6", "72.6"), ("30,836", "30836"), ("0", "0"), (".5", "0.5"), ("007", "7")],
)
def test_numbers_are_read_like_money(typed, number):
    assert parse_number(typed) == Decimal(number)


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("NaN", "Enter a number"),
        ("Infinity", "Enter a number"),
        ("inf", "Enter a number"),
        ("1e3", "Enter a number"),
        ("1E-2", "Enter a number"),
        ("0x10", "Enter a number"),
        ("72.6.1", "Enter a number"),
        ("-5", "without a minus sign"),
        ("\u22125", "without a minus sign"),
        ("+5", "Enter a number"),
        ("1234567890", "smaller than 1,000,000,000"),
        ("1.2345", "no more than 3 decimal places"),
        ("12%", "Enter a number"),
    ],
)
def test_numbers_that_are_not_plain_are_refused(typed, says):
    with pytest.raises(InvalidFigure) as refused:
        parse_number(typed)
    assert says in refused.value.message


def test_a_value_must_suit_its_unit():
    assert parse_value("72.6%", "percentage") == Decimal("72.6")
    assert parse_value("85.2", "days") == Decimal("85.2")
    for typed, unit, says in [
        ("100.1", "percentage", "from 0 to 100"),
        ("12.5", "count", "whole number"),
        ("", "count", "Enter the value"),
        ("5%", "count", "Enter a number"),
    ]:
        with pytest.raises(InvalidFigure) as refused:
            parse_value(typed, unit)
        assert says in refused.value.message, typed


def test_values_and_changes_are_shown_as_the_panel_report_prints_them():
    assert value_text(Decimal("81.000"), "percentage") == "81.0%"
    assert value_text(Decimal("30836.000"), "count") == "30,836"
    assert value_text(Decimal("85.200"), "days") == "85.2 days"
    assert change_text(Decimal("-5.1"), "percentage", 1) == "-5.1 percentage points"
    assert change_text(Decimal("0"), "percentage", 1) == "0.0 percentage points"
    assert change_text(Decimal("2766"), "count") == "+2,766"
