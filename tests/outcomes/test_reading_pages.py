"""The indicator readings pages: who reaches them, the form's errors, and query counts.

Staff who follow plan delivery (the performance lead, grants officers, commissioners,
decision makers, administrators) read the readings; only the performance lead and an
administrator add, change or upload them. Assessors, applicants and providers are kept
out, and a refused POST changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.models import District
from outcomes.models import IndicatorMeasure, IndicatorReading, ReadingUpload
from outcomes.periods import Period
from outcomes.readings_csv import COLUMNS
from outcomes.services import ReadingInput, reading_save
from tests.personas import refused_everywhere_else

READERS = ["performance_lead", "officer", "commissioner", "decision_maker", "administrator"]
WRITERS = ["performance_lead", "administrator"]


def _reading(personas, code="P1-I2", measure="all-victims", period="2021/22", value="72.6", **kw):
    found = IndicatorMeasure.objects.select_related("indicator").get(
        indicator__code=code, code=measure
    )
    return reading_save(
        indicator=found.indicator,
        data=ReadingInput(
            measure_id=found.pk,
            district_id=kw.pop("district_id", None),
            period=Period.financial_year(int(period[:4])),
            value=Decimal(value),
            **kw,
        ),
        by=personas.performance_lead,
    )


@pytest.fixture
def reading(plan, personas):
    _reading(personas, period="2020/21", value="77.7")
    return _reading(personas, note="Fell since lockdown")


def _snapshot():
    return (
        sorted(IndicatorReading.objects.values_list("pk", "value", "note", "period_label")),
        ReadingUpload.objects.count(),
    )


def _urls(plan, reading, upload):
    code = plan.code
    return {
        "current": reverse("outcomes:current-indicators"),
        "list": reverse("outcomes:indicator-list", args=[code]),
        "indicator": reverse("outcomes:indicator", args=[code, "P1-I2"]),
        "add": reverse("outcomes:reading-add", args=[code, "P1-I2"]),
        "edit": reverse("outcomes:reading-edit", args=[code, reading.uuid]),
        "upload": reverse("outcomes:readings-upload", args=[code]),
        "template": reverse("outcomes:readings-template", args=[code]),
        "uploaded": reverse("outcomes:readings-upload-detail", args=[code, upload.uuid]),
    }


@pytest.fixture
def upload(plan, personas, reading):
    return ReadingUpload.objects.create(
        plan=plan,
        file_name="a.csv",
        uploaded_by=personas.performance_lead,
        uploaded_at=timezone.now(),
    )


@pytest.mark.parametrize("which", ["current", "list", "indicator", "uploaded"])
def test_the_reading_pages_are_for_staff_who_follow_plan_delivery(
    client_for, personas, plan, reading, upload, which
):
    url = _urls(plan, reading, upload)[which]
    assert refused_everywhere_else(client_for, personas, url=url, allowed=READERS) == []
    for who in READERS:
        assert client_for(personas.get(who)).get(url).status_code == 200, who


@pytest.mark.parametrize("which", ["add", "edit", "upload", "template"])
def test_only_the_performance_lead_and_an_administrator_change_readings(
    client_for, personas, plan, reading, upload, which
):
    url = _urls(plan, reading, upload)[which]
    assert refused_everywhere_else(client_for, personas, url=url, allowed=WRITERS) == []
    for who in WRITERS:
        assert client_for(personas.get(who)).get(url).status_code == 200, who


@pytest.mark.parametrize("which", ["add", "edit", "upload"])
def test_a_refused_post_changes_nothing(client_for, personas, plan, reading, upload, which):
    url = _urls(plan, reading, upload)[which]
    data = {"period": "2019/20", "value": "1", "district": "", "measure": reading.measure_id}
    if which == "upload":
        data = {
            "file": SimpleUploadedFile(
                "r.csv", f"{','.join(COLUMNS)}\nP1-I7,,,2021/22,85.6,,,,\n".encode()
            )
        }
    wrong = refused_everywhere_else(
        client_for, personas, url=url, allowed=WRITERS, method="POST", data=data, snapshot=_snapshot
    )
    assert wrong == []


def test_missing_and_other_plans_readings_are_the_same_404(client_for, personas, plan, reading):
    client = client_for(personas.performance_lead)
    assert client.get(reverse("outcomes:indicator", args=[plan.code, "P9-I9"])).status_code == 404
    assert client.get(reverse("outcomes:indicator-list", args=["NO-PLAN"])).status_code == 404
    other = client.get(reverse("outcomes:reading-edit", args=["NO-PLAN", reading.uuid]))
    missing = client.get(
        reverse("outcomes:reading-edit", args=[plan.code, "00000000-0000-4000-8000-000000000000"])
    )
    assert other.status_code == missing.status_code == 404


# The pages ---------------------------------------------------------------------------


def test_the_list_shows_each_measure_with_its_latest_figure_and_trend(
    client_for, personas, plan, reading
):
    response = client_for(personas.officer).get(
        reverse("outcomes:indicator-list", args=[plan.code])
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="govuk-table app-indicator-table"') == 4  # one per priority
    assert "72.6%" in html and "-5.1 percentage points" in html
    assert 'data-trend="worsening">Worsening</strong>' in html
    assert '<span class="app-trend__arrow" aria-hidden="true">↓</span>' in html
    assert (
        '<span class="govuk-visually-hidden">: down 5.1 percentage points on 2020/21</span>' in html
    )
    assert "Upload readings" not in html  # an officer reads, and cannot change


def test_the_list_as_the_panel_report_for_a_period(client_for, personas, plan, reading):
    client = client_for(personas.performance_lead)
    url = reverse("outcomes:indicator-list", args=[plan.code])
    earlier = client.get(url, {"period": "2020/21"})
    assert earlier.context["tables"].columns == ["2018/19", "2019/20", "2020/21"]
    assert "77.7%" in earlier.content.decode() and "72.6%" not in earlier.content.decode()
    wrong = client.get(url, {"period": "last year"})
    assert wrong.status_code == 400
    assert "Enter the period as a financial year like 2021/22" in wrong.content.decode()


def test_the_indicator_page_shows_every_reading_with_who_entered_it(
    client_for, personas, plan, reading
):
    leeds = District.objects.get(name="Leeds")
    _reading(personas, value="77.4", district_id=leeds.pk)
    _reading(personas, period="2020/21", value="81.3", district_id=leeds.pk)
    response = client_for(personas.performance_lead).get(
        reverse("outcomes:indicator", args=[plan.code, "P1-I2"])
    )
    html = response.content.decode()
    assert "A change of up to 2.5 percentage points either way counts as stable." in html
    assert "Latest: <strong>72.6%</strong> for 2021/22. Worsening: down 5.1 percentage" in html
    assert 'data-testid="district-table"' in html
    table = response.context["measures"][0].district_table
    assert [(r.area, r.change) for r in table.rows if r.current] == [
        ("Leeds", "-3.9 percentage points"),
        ("West Yorkshire", "-5.1 percentage points"),
    ]
    assert escape(str(personas.performance_lead)) in html
    assert reverse("outcomes:reading-edit", args=[plan.code, reading.uuid]) in html


def test_adding_a_reading_lists_every_problem_at_once_and_keeps_what_was_typed(
    client_for, personas, plan, reading
):
    client = client_for(personas.performance_lead)
    url = reverse("outcomes:reading-add", args=[plan.code, "P1-I2"])
    response = client.post(url, {"period": "2021/23", "value": "1e3", "note": "Kept"})
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors == {
        "measure": ["Choose the measure this reading is for"],
        "period": ["A financial year runs from April to March, so it is written 2021/22"],
        "value": ["Enter a number, like 72.6 or 1,250"],
    }
    html = response.content.decode()
    assert 'value="2021/23"' in html and "Kept</textarea>" in html
    assert "This field is required" not in html
    assert '<a href="#id_measure_0">Choose the measure this reading is for</a>' in html


def test_the_service_refuses_a_duplicate_and_a_value_its_unit_cannot_hold(
    client_for, personas, plan, reading
):
    client = client_for(personas.performance_lead)
    url = reverse("outcomes:reading-add", args=[plan.code, "P1-I2"])
    data = {"measure": reading.measure_id, "district": "", "period": "2021/22", "value": "101"}
    response = client.post(url, data)
    assert response.context["form"].errors == {
        "value": ["A percentage is from 0 to 100, like 72.6"],
        "period": [
            "There is already a reading for West Yorkshire in 2021/22. Change that reading instead"
        ],
    }
    assert IndicatorReading.objects.count() == 2


def test_adding_and_changing_a_reading(client_for, personas, plan, reading):
    client = client_for(personas.administrator)
    add = reverse("outcomes:reading-add", args=[plan.code, "P1-I7"])  # one measure: no choice
    response = client.post(add, {"district": "", "period": "Q1 2022/23", "value": "88.1%"})
    added = IndicatorReading.objects.get(measure__indicator__code="P1-I7")
    assert response.status_code == 302
    assert response.url.endswith(f"/indicators/P1-I7/#measure-{added.measure_id}")
    assert (added.period_label, added.value, added.entered_by) == (
        "Q1 2022/23",
        Decimal("88.1"),
        personas.administrator,
    )
    edit = reverse("outcomes:reading-edit", args=[plan.code, reading.uuid])
    form = client.get(edit).context["form"]
    assert form.initial["value"] == "72.6" and form.initial["period"] == "2021/22"
    client_for(personas.performance_lead).post(
        edit,
        {"measure": reading.measure_id, "district": "", "period": "2021/22", "value": "72.7"},
    )
    reading.refresh_from_db()
    assert (reading.value, reading.changed_by, reading.note) == (
        Decimal("72.7"),
        personas.performance_lead,
        "",
    )
    assert reading.history.count() == 2


def test_a_second_baseline_is_refused_on_the_form(client_for, personas, plan):
    client = client_for(personas.performance_lead)
    url = reverse("outcomes:reading-add", args=[plan.code, "P3-I4"])
    first = {
        "district": "",
        "period": "12 months to June 2019",
        "value": "49162",
        "is_baseline": "on",
    }
    assert client.post(url, first).status_code == 302
    second = client.post(url, {**first, "period": "2019/20"})
    assert second.context["form"].errors == {
        "is_baseline": [
            "West Yorkshire already has a baseline for this measure: 12 months to June 2019. "
            "Untick it on that reading first"
        ]
    }


# Query counts ----------------------------------------------------------------------------


def _grow(personas, years: int) -> None:
    """Readings of every measure, for West Yorkshire and every district, `years` years."""
    now = timezone.now()
    districts = [None, *District.objects.all()]
    rows = []
    for measure in IndicatorMeasure.objects.all():
        for year in range(2000, 2000 + years):
            period = Period.financial_year(year)
            for district in districts:
                rows.append(
                    IndicatorReading(
                        measure=measure,
                        district=district,
                        period_kind=period.kind,
                        period_start=period.start,
                        period_end=period.end,
                        period_label=period.label,
                        value=Decimal(year % 90),
                        unit=measure.unit,
                        entered_by=personas.performance_lead,
                        entered_at=now,
                        changed_by=personas.performance_lead,
                        changed_at=now,
                    )
                )
    IndicatorReading.objects.bulk_create(rows, ignore_conflicts=True)


@pytest.mark.parametrize(
    ("which", "limit"),
    [
        # session, user, roles; the plan; priorities, measures (+indicator, priority), the
        # West Yorkshire readings; the years with readings.
        ("list", 8),
        # session, user, roles; the indicator (+plan, priority); its measures, districts,
        # readings (+district, who entered and changed them).
        ("indicator", 7),
    ],
)
def test_the_pages_do_not_grow_with_readings(
    client_for, personas, plan, reading, upload, which, limit, django_assert_max_num_queries
):
    client = client_for(personas.performance_lead)
    url = _urls(plan, reading, upload)[which]
    counts = []
    for years in (1, 12):
        _grow(personas, years)
        with django_assert_max_num_queries(limit), CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries.captured_queries))
    assert IndicatorReading.objects.count() > 2000
    assert counts[0] == counts[1], counts


def test_the_panel_selector_reads_three_queries_at_any_size(personas, plan, reading):
    from outcomes.selectors import district_tables, indicator_tables

    _grow(personas, 12)
    with CaptureQueriesContext(connection) as queries:
        tables = indicator_tables(plan=plan, period=Period.financial_year(2010))
        district_tables(plan=plan, period=Period.financial_year(2010))
    assert len(queries.captured_queries) == 6
    assert tables.columns == ["2008/09", "2009/10", "2010/11"]
    assert all(row.current.period_label == "2010/11" for p in tables.priorities for row in p.rows)
    assert dt.date(2011, 3, 31) == tables.period.end
