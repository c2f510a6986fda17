"""The demo's indicator readings: the figures the Panel's Performance Monitoring Report
(July 2022) printed, loaded through the upload's own import, and checked here against the
report's text."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounts.models import District
from accounts.roles import Role
from outcomes.demo import READINGS_FILE, seed_indicator_readings
from outcomes.models import IndicatorReading
from outcomes.periods import Period
from outcomes.selectors import district_tables, indicator_tables
from tests.factories import UserFactory


@pytest.fixture
def demo_readings(plan):
    for position, name in enumerate(["Bradford", "Calderdale", "Kirklees", "Leeds", "Wakefield"]):
        District.objects.update_or_create(name=name, defaults={"position": position})
    UserFactory(email="performance@demo.example", roles=[Role.PERFORMANCE_LEAD])
    upload = seed_indicator_readings(plan)
    assert upload is not None
    return upload


def _value(code, measure="", period="2021/22", district=None):
    reading = IndicatorReading.objects.get(
        measure__indicator__code=code,
        measure__code=measure,
        period_label=period,
        district__name=district,
    )
    return reading.value


def test_every_line_of_the_demo_file_loads(demo_readings):
    lines = READINGS_FILE.read_text().strip().splitlines()
    assert demo_readings.added == len(lines) - 1 == IndicatorReading.objects.count()
    assert demo_readings.uploaded_by.email == "performance@demo.example"


@pytest.mark.parametrize(
    ("code", "measure", "period", "district", "printed"),
    [
        # "Increase victim satisfaction with the police ... 74.9% 77.7% 72.6%"
        ("P1-I2", "all-victims", "2019/20", None, "74.9"),
        ("P1-I2", "all-victims", "2021/22", None, "72.6"),
        # The district table: "Bradford 70.6% 77.7% -7.1%", "Wakefield 75.9% 78.3%"
        ("P1-I2", "all-victims", "2021/22", "Bradford", "70.6"),
        ("P1-I2", "all-victims", "2020/21", "Wakefield", "78.3"),
        # "Increase satisfaction ... among victims of domestic abuse ... 85.8% 85.1%"
        ("P1-I2", "domestic-abuse", "2020/21", None, "85.8"),
        # "Maintain high levels of calls answered on target 90.2% 90.6% 85.6%"
        ("P1-I7", "", "2021/22", None, "85.6"),
        # "Rape 1-8 outcomes 146 (4.3%) 272 (8.7%) 296 (8.1%)"
        ("P1-I3", "rape", "2021/22", None, "296"),
        ("P1-I3", "rape-rate", "2020/21", None, "8.7"),
        # "Improve outcomes for Domestic Abuse 1-8 Outcomes 4924 (9.3%) 4494 (8.4%) 4135 (6.8%)"
        ("P1-I3", "domestic-abuse", "2019/20", None, "4924"),
        # "Increase proportion of crime with victim initial needs assessment 86.2% 90.9% 96.7%"
        ("P1-I1", "", "2021/22", None, "96.7"),
        # "Decrease Ineffective trial rate (Magistrates Court) 15.9% 25.9% 25.9%"
        ("P1-I4", "", "2019/20", None, "15.9"),
        # "Decrease average time ... Qtr3 85.2" (2021/22)
        ("P1-I6", "", "Q3 2021/22", None, "85.2"),
        # "Keep Neighbourhood Crime below baseline": 49162 in the 12 months to June 2019
        ("P3-I4", "", "12 months to June 2019", None, "49162"),
        # "Reduce numbers of KSI's ... Fatal 47 Serious 955" (calendar year 2021)
        ("P3-I7", "serious", "12 months to December 2021", None, "955"),
        # "Reduce re-offending rate for Drug related crime ... 21.4% (12 months to June 2020)"
        ("P4-I4", "", "12 months to June 2020", None, "21.4"),
    ],
)
def test_figures_match_the_report(demo_readings, code, measure, period, district, printed):
    assert _value(code, measure, period, district) == Decimal(printed)


def test_victim_satisfaction_reads_as_the_report_does(demo_readings, plan):
    tables = indicator_tables(plan=plan, period=Period.financial_year(2021))
    assert tables.columns == ["2019/20", "2020/21", "2021/22"]
    rows = {(r.indicator_code, r.measure_code): r for p in tables.priorities for r in p.rows}
    satisfaction = rows[("P1-I2", "all-victims")]
    assert [c.text for c in satisfaction.previous] == ["74.9%", "77.7%"]
    assert satisfaction.current.text == "72.6%"
    assert satisfaction.change == "-5.1 percentage points"  # the report, from 77.6%: -5.0
    assert (satisfaction.trend.arrow, satisfaction.trend.word) == ("↓", "Worsening")
    assert satisfaction.comment.startswith("Satisfaction based on all survey types")
    domestic = rows[("P1-I2", "domestic-abuse")]
    assert (domestic.change, domestic.trend.arrow, domestic.trend.word) == (
        "-0.7 percentage points",
        "↔",
        "Stable",
    )
    flagged = rows[("P2-I4", "")]  # monitored: "+159 ↑", never judged
    assert (flagged.change, flagged.trend.arrow, flagged.trend.word) == ("+159", "↑", "Up")


def test_the_district_table_is_the_reports(demo_readings, plan):
    """Its figures, and its arrows: with victim satisfaction's tolerance of 2.5 points,
    Wakefield's fall of 2.4 is level and every other district's is down, as printed."""
    (table,) = district_tables(plan=plan, period=Period.financial_year(2021))
    assert (table.indicator_code, table.period_label, table.previous_label) == (
        "P1-I2",
        "2021/22",
        "2020/21",
    )
    rows = [(r.area, r.current.text, r.previous.text, r.change) for r in table.rows]
    assert rows == [
        ("Bradford", "70.6%", "77.7%", "-7.1 percentage points"),
        ("Calderdale", "74.5%", "81.0%", "-6.5 percentage points"),
        ("Kirklees", "76.4%", "81.3%", "-4.9 percentage points"),
        ("Leeds", "77.4%", "81.3%", "-3.9 percentage points"),
        ("Wakefield", "75.9%", "78.3%", "-2.4 percentage points"),
        ("West Yorkshire", "72.6%", "77.7%", "-5.1 percentage points"),
    ]
    assert [r.trend.arrow for r in table.rows] == ["↓", "↓", "↓", "↓", "↔", "↓"]


def test_loading_the_demo_again_changes_nothing(demo_readings, plan):
    before = list(IndicatorReading.objects.values_list("pk", "value", "changed_at"))
    assert seed_indicator_readings(plan) is None
    assert list(IndicatorReading.objects.values_list("pk", "value", "changed_at")) == before
