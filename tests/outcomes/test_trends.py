"""The trend judgement around its tolerance, for each kind of aim.

The tolerance is absolute, in the measure's unit: with a tolerance of 1 (percentage
point), a change of exactly 1 either way is stable, and 1.001 is not."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from outcomes.periods import Period
from outcomes.trends import Point, judge_trend, summarise

D = Decimal
TOLERANCE = D("1")
BASE = D("72.6")

# (change from the previous figure, what an "up" aim makes of it, and a "down" aim)
AROUND_THE_TOLERANCE = [
    (D("0"), "flat", "stable", "stable"),
    (D("0.999"), "flat", "stable", "stable"),  # just inside
    (D("1"), "flat", "stable", "stable"),  # exactly at: still stable
    (D("1.001"), "up", "improving", "worsening"),  # just outside
    (D("-0.999"), "flat", "stable", "stable"),
    (D("-1"), "flat", "stable", "stable"),
    (D("-1.001"), "down", "worsening", "improving"),
    (D("5"), "up", "improving", "worsening"),
    (D("-5"), "down", "worsening", "improving"),
]


@pytest.mark.parametrize(("change", "movement", "if_up", "if_down"), AROUND_THE_TOLERANCE)
def test_an_increase_aim_calls_a_rise_beyond_the_tolerance_improving(
    change, movement, if_up, if_down
):
    trend = judge_trend(direction="up", tolerance=TOLERANCE, current=BASE + change, previous=BASE)
    assert (trend.movement, trend.judgement, trend.change) == (movement, if_up, change)


@pytest.mark.parametrize(("change", "movement", "if_up", "if_down"), AROUND_THE_TOLERANCE)
def test_a_reduce_aim_calls_a_fall_beyond_the_tolerance_improving(change, movement, if_up, if_down):
    trend = judge_trend(direction="down", tolerance=TOLERANCE, current=BASE + change, previous=BASE)
    assert (trend.movement, trend.judgement) == (movement, if_down)


@pytest.mark.parametrize(("change", "movement", "if_up", "if_down"), AROUND_THE_TOLERANCE)
def test_a_monitored_indicator_shows_the_movement_and_is_never_judged(
    change, movement, if_up, if_down
):
    trend = judge_trend(
        direction="monitor", tolerance=TOLERANCE, current=BASE + change, previous=BASE
    )
    assert (trend.movement, trend.judgement, trend.change) == (movement, "monitored", change)
    assert trend.word in ("Up", "Down", "No clear change")
    assert trend.tag_colour == "blue"


def test_the_arrow_and_words_say_the_same_thing():
    worse = judge_trend(direction="up", tolerance=D(1), current=D("72.6"), previous=D("77.7"))
    assert (worse.arrow, worse.arrow_words, worse.word, worse.tag_colour) == (
        "↓",
        "down",
        "Worsening",
        "red",
    )
    better = judge_trend(direction="down", tolerance=D(1), current=D("10"), previous=D("20"))
    assert (better.arrow, better.word, better.tag_colour) == ("↓", "Improving", "green")
    level = judge_trend(direction="up", tolerance=D(1), current=D("85.1"), previous=D("85.8"))
    assert (level.arrow, level.arrow_words, level.word) == ("↔", "level", "Stable")


def test_a_zero_tolerance_judges_any_change_and_calls_no_change_stable():
    assert judge_trend(direction="up", tolerance=D(0), current=D(3), previous=D(3)).judgement == (
        "stable"
    )
    assert judge_trend(
        direction="up", tolerance=D(0), current=D("3.001"), previous=D(3)
    ).judgement == ("improving")


def test_without_a_previous_figure_there_is_no_judgement():
    trend = judge_trend(direction="up", tolerance=D(1), current=D(5), previous=None)
    assert (trend.judgement, trend.movement, trend.arrow, trend.word) == (
        "no comparison",
        "",
        "",
        "No earlier figure",
    )


def test_a_negative_tolerance_is_a_mistake():
    with pytest.raises(ValueError):
        judge_trend(direction="up", tolerance=D(-1), current=D(5), previous=D(4))


@given(
    previous=st.decimals(min_value=0, max_value=10**6, places=3),
    change=st.decimals(min_value=-1000, max_value=1000, places=3),
    tolerance=st.decimals(min_value=0, max_value=100, places=3),
)
def test_opposite_aims_give_opposite_judgements_and_monitor_none(previous, change, tolerance):
    up = judge_trend(
        direction="up", tolerance=tolerance, current=previous + change, previous=previous
    )
    down = judge_trend(
        direction="down", tolerance=tolerance, current=previous + change, previous=previous
    )
    watch = judge_trend(
        direction="monitor", tolerance=tolerance, current=previous + change, previous=previous
    )
    assert up.movement == down.movement == watch.movement
    assert (up.movement == "flat") == (abs(change) <= tolerance)
    swapped = {"improving": "worsening", "worsening": "improving", "stable": "stable"}
    assert swapped[up.judgement] == down.judgement
    assert watch.judgement == "monitored"


# summarise: which readings a trend compares -------------------------------------------


def _fy(year: int, value: str, **extra) -> Point:
    return Point(period=Period.financial_year(year), value=D(value), **extra)


def test_the_latest_year_is_compared_with_the_year_before():
    series = summarise(
        [_fy(2019, "74.9"), _fy(2021, "72.6", note="Fell"), _fy(2020, "77.7")],
        direction="up",
        tolerance=D(1),
        unit="percentage",
    )
    assert series.current.value == D("72.6")
    assert [p.value for p in series.previous_oldest_first] == [D("74.9"), D("77.7")]
    assert series.compared_with.period.label == "2020/21"
    assert series.change_text == "-5.1 percentage points"
    assert series.trend_sentence == "Worsening: down 5.1 percentage points on 2020/21."
    assert series.movement_sentence == "down 5.1 percentage points on 2020/21"


def test_until_gives_the_table_as_it_stood_at_the_end_of_a_period():
    points = [_fy(2019, "10"), _fy(2020, "20"), _fy(2021, "30")]
    series = summarise(
        points, direction="up", tolerance=D(0), unit="count", until=dt.date(2021, 3, 31)
    )
    assert series.current.period.label == "2020/21"
    assert series.change_text == "+10"


def test_a_quarter_is_compared_with_the_same_quarter_a_year_before():
    points = [
        Point(Period.quarter(2020, 3), D("81.0")),
        Point(Period.quarter(2021, 2), D("75.3")),
        Point(Period.quarter(2021, 3), D("85.2")),
    ]
    series = summarise(points, direction="down", tolerance=D(2), unit="days")
    assert series.compared_with.period.label == "Q3 2020/21"
    assert (series.change_text, series.trend.judgement) == ("+4.2 days", "worsening")


def test_without_the_year_before_the_latest_earlier_reading_of_the_kind_is_used():
    points = [Point(Period.quarter(2021, 1), D("75.3")), Point(Period.quarter(2021, 3), D("85.2"))]
    series = summarise(points, direction="down", tolerance=D(2), unit="days")
    assert series.compared_with.period.label == "Q1 2021/22"


def test_with_nothing_earlier_the_baseline_is_used_and_said():
    baseline = Point(Period.twelve_months_to(dt.date(2019, 6, 30)), D("1458"), is_baseline=True)
    series = summarise(
        [baseline, _fy(2021, "985")], direction="down", tolerance=D(20), unit="count"
    )
    assert series.baseline == baseline
    assert series.compared_with == baseline
    assert series.trend.judgement == "improving"
    assert series.trend_sentence == "Improving: down 473 on the baseline (12 months to June 2019)."


def test_a_baseline_alone_is_not_a_current_reading():
    baseline = Point(Period.financial_year(2019), D("5"), is_baseline=True)
    series = summarise([baseline], direction="up", tolerance=D(0), unit="count")
    assert series.current is None and series.baseline == baseline
    assert (series.trend.judgement, series.trend.word) == ("no reading", "No reading yet")
    assert series.trend_sentence == "No reading yet."
