"""Financial-year quarter arithmetic: 1 April to 31 March, Q1 April to June, a year named by
the calendar year it starts in. Properties over 2000-2100, and the boundary cases by hand."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commissioning.quarters import (
    Quarter,
    ended_quarters,
    financial_year_label,
    financial_year_of,
    period_quarters,
    quarters_between,
)

PROPERTY = settings(max_examples=200, deadline=None, derandomize=True)
days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 12, 31))
quarters = st.builds(Quarter, st.integers(min_value=2000, max_value=2100), st.integers(1, 4))


# ---------------------------------------------------------------------------------------
# Properties


@PROPERTY
@given(days)
def test_the_quarter_containing_a_day_contains_it(day):
    quarter = Quarter.containing(day)
    assert quarter.start <= day <= quarter.end
    assert 1 <= quarter.number <= 4


@PROPERTY
@given(days)
def test_the_financial_year_of_a_day_is_its_quarters_year(day):
    assert financial_year_of(day) == Quarter.containing(day).year
    # The financial year starts on 1 April of its own year and ends on 31 March after.
    year = financial_year_of(day)
    assert dt.date(year, 4, 1) <= day <= dt.date(year + 1, 3, 31)


@PROPERTY
@given(quarters)
def test_next_and_previous_are_inverse(quarter):
    assert quarter.next().previous() == quarter
    assert quarter.previous().next() == quarter
    assert quarter.next() != quarter


@PROPERTY
@given(quarters)
def test_consecutive_quarters_are_contiguous(quarter):
    following = quarter.next()
    assert quarter.end + dt.timedelta(days=1) == following.start
    assert quarter.previous().end + dt.timedelta(days=1) == quarter.start
    assert following.index == quarter.index + 1
    assert quarter.previous().index == quarter.index - 1
    assert quarter < following  # ordered as (year, number)


@PROPERTY
@given(quarters)
def test_a_quarter_is_three_whole_months(quarter):
    assert quarter.start.day == 1
    assert (quarter.end + dt.timedelta(days=1)).day == 1
    months = (quarter.next().start.year - quarter.start.year) * 12 + (
        quarter.next().start.month - quarter.start.month
    )
    assert months == 3
    assert Quarter.containing(quarter.start) == quarter
    assert Quarter.containing(quarter.end) == quarter


@PROPERTY
@given(quarters)
def test_q1_is_april_to_june_and_q4_is_january_to_march_of_the_next_calendar_year(quarter):
    start_month = {1: 4, 2: 7, 3: 10, 4: 1}[quarter.number]
    end_month = {1: 6, 2: 9, 3: 12, 4: 3}[quarter.number]
    calendar_year = quarter.year + 1 if quarter.number == 4 else quarter.year
    assert quarter.start == dt.date(calendar_year, start_month, 1)
    assert (quarter.end.year, quarter.end.month) == (calendar_year, end_month)


@PROPERTY
@given(days, st.integers(min_value=0, max_value=800))
def test_quarters_between_cover_every_day_exactly_once(first, length):
    last = first + dt.timedelta(days=length)
    found = quarters_between(first, last)
    assert found, "a range of days overlaps at least one quarter"
    assert found[0] == Quarter.containing(first)
    assert found[-1] == Quarter.containing(last)
    for earlier, later in itertools.pairwise(found):
        assert later == earlier.next()
    # Every day of the range falls in exactly one of the quarters.
    day = first
    while day <= last:
        assert sum(q.start <= day <= q.end for q in found) == 1
        day += dt.timedelta(days=1)


@PROPERTY
@given(days, st.integers(min_value=1, max_value=400))
def test_quarters_between_is_empty_when_the_range_runs_backwards(day, gap):
    assert quarters_between(day, day - dt.timedelta(days=gap)) == []


@PROPERTY
@given(days, st.integers(min_value=0, max_value=800), days)
def test_ended_quarters_are_those_finished_before_today(first, length, today):
    last = first + dt.timedelta(days=length)
    ended = ended_quarters(first, last, today)
    assert all(q.end < today for q in ended)
    assert ended == [q for q in quarters_between(first, last) if q.end < today]


@PROPERTY
@given(quarters, st.integers(min_value=0, max_value=12))
def test_back_gives_the_quarters_before_oldest_first(quarter, count):
    before = quarter.back(count)
    assert len(before) == count
    if count:
        assert before[-1] == quarter.previous()
        assert [q.index for q in before] == list(range(quarter.index - count, quarter.index))


@PROPERTY
@given(quarters)
def test_the_label_names_the_year_pair_and_the_quarter(quarter):
    short = (quarter.year + 1) % 100
    assert quarter.label == f"{quarter.year}/{short:02d} Q{quarter.number}"
    assert str(quarter) == quarter.label


# ---------------------------------------------------------------------------------------
# Boundaries by hand


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 3, 31), Quarter(2025, 4)),
        (dt.date(2026, 4, 1), Quarter(2026, 1)),
        (dt.date(2026, 6, 30), Quarter(2026, 1)),
        (dt.date(2026, 7, 1), Quarter(2026, 2)),
        (dt.date(2026, 9, 30), Quarter(2026, 2)),
        (dt.date(2026, 10, 1), Quarter(2026, 3)),
        (dt.date(2026, 12, 31), Quarter(2026, 3)),
        (dt.date(2027, 1, 1), Quarter(2026, 4)),
        (dt.date(2027, 3, 31), Quarter(2026, 4)),
        (dt.date(2028, 2, 29), Quarter(2027, 4)),
    ],
)
def test_the_quarter_of_each_boundary_day(day, expected):
    assert Quarter.containing(day) == expected


def test_q4_ends_on_the_last_day_of_march_in_leap_and_other_years():
    assert Quarter(2027, 4).start == dt.date(2028, 1, 1)
    assert Quarter(2027, 4).end == dt.date(2028, 3, 31)
    assert Quarter(2026, 4).end == dt.date(2027, 3, 31)
    assert Quarter(2026, 4).next() == Quarter(2027, 1)
    assert Quarter(2027, 1).previous() == Quarter(2026, 4)


@pytest.mark.parametrize(
    ("quarter", "label"),
    [
        (Quarter(2026, 1), "2026/27 Q1"),
        (Quarter(2026, 4), "2026/27 Q4"),
        (Quarter(2099, 2), "2099/00 Q2"),
        (Quarter(2009, 3), "2009/10 Q3"),
        (Quarter(2000, 1), "2000/01 Q1"),
    ],
)
def test_labels(quarter, label):
    assert quarter.label == label


def test_financial_year_labels():
    assert financial_year_label(2026) == "2026/27"
    assert financial_year_label(2099) == "2099/00"
    assert financial_year_label(2008) == "2008/09"


def test_months_name_the_first_and_last_month():
    assert Quarter(2026, 1).months == "April to June 2026"
    assert Quarter(2026, 4).months == "January to March 2027"


@pytest.mark.parametrize("number", [0, 5, -1])
def test_a_quarter_is_numbered_1_to_4(number):
    with pytest.raises(ValueError, match="numbered 1 to 4"):
        Quarter(2026, number)


@pytest.mark.parametrize(
    ("period", "numbers"),
    [
        ("Q1", [1]),
        ("Q2", [2]),
        ("Q3", [3]),
        ("Q4", [4]),
        ("H1", [1, 2]),
        ("H2", [3, 4]),
        ("FY", [1, 2, 3, 4]),
    ],
)
def test_period_quarters(period, numbers):
    assert period_quarters(2026, period) == [Quarter(2026, n) for n in numbers]


@pytest.mark.parametrize("junk", ["", "Q0", "Q5", "q1", "H3", "Q12", "year", "FY2026"])
def test_an_unknown_period_is_an_error(junk):
    with pytest.raises(ValueError, match="Unknown reporting period"):
        period_quarters(2026, junk)
