"""Uploading readings as CSV: every problem with its line and column in one pass, nothing
saved on any problem, and a page saying what each line saved."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.errors import NotAllowed
from outcomes.models import IndicatorReading, ReadingUpload
from outcomes.readings_csv import COLUMNS, parse_readings_csv
from outcomes.services import readings_import
from tests.downloads import body

HEADINGS = ",".join(COLUMNS)


def _csv(*lines: str, headings: str = HEADINGS) -> bytes:
    return ("\n".join([headings, *lines]) + "\n").encode()


def _upload(client, plan, content: bytes, name: str = "readings.csv"):
    return client.post(
        reverse("outcomes:readings-upload", args=[plan.code]),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
    )


@pytest.fixture
def lead(client_for, personas):
    return client_for(personas.performance_lead)


def _messages(response) -> list[str]:
    return response.context["errors"]


def test_every_problem_is_listed_with_its_line_and_column_and_nothing_is_saved(lead, plan):
    response = _upload(
        lead,
        plan,
        _csv(
            "P1-I2,all-victims,West Yorkshire,2021/22,72.6%,,,,",  # fine on its own
            "P1-I9,,,2021/22,5,,,,",  # no such indicator
            "P1-I2,,,2021/22,5,,,,",  # P1-I2 has two measures
            "P1-I1,,Leeds,2021/23,96.7,,,,",  # not a financial year
            "P1-I1,,Sheffield,2021/22,1e3,,,,",  # unknown area, and an exponent
            "P1-I1,,,2020/21,101,,,,",  # a percentage over 100
            "P2-I1,,,2021/22,33427.5,,,,",  # a count with a fraction
            "P1-I7,,,2021/22,85.6,count,maybe,,",  # the wrong unit; baseline not yes
            "P1-I2,all-victims,W Yorks,2021/22,72.6,,,,",  # the same as line 2
        ),
    )
    assert response.status_code == 400
    assert _messages(response) == [
        "Line 3, column A (indicator): There is no indicator “P1-I9” in the West Yorkshire "
        "Police and Crime Plan 2021-24. Use a code like P1-I2, as in the template",
        "Line 4, column B (measure): P1-I2 has more than one measure: put one of all-victims, "
        "domestic-abuse",
        "Line 5, column D (period): A financial year runs from April to March, so it is "
        "written 2021/22",
        "Line 6, column E (value): Enter a number, like 72.6 or 1,250 (it is “1e3”)",
        "Line 6, column C (area): There is no area “Sheffield”: use West Yorkshire or one of "
        "Bradford, Calderdale, Kirklees, Leeds, Wakefield",
        "Line 7, column E (value): A percentage is from 0 to 100, like 72.6",
        "Line 8, column E (value): A count is a whole number, like 30836",
        "Line 9, column G (baseline): Enter yes for the baseline reading, or leave it blank",
        "Line 9, column F (unit): P1-I7 is measured as a percentage: put percentage, or leave "
        "the unit blank",
        "Line 10: the same reading as line 2 (P1-I2 all-victims, West Yorkshire, 2021/22). "
        "Keep one of the two lines",
    ]
    page = response.content.decode()
    assert "The file was not uploaded: nothing has been saved" in page
    assert '<a href="#id_file">Line 3, column A (indicator)' in page
    assert not IndicatorReading.objects.exists()
    assert not ReadingUpload.objects.exists()


def test_a_file_with_one_problem_then_fixed_saves_every_line(lead, plan, personas):
    lines = [
        "P1-I2,all-victims,West Yorkshire,2020/21,77.7%,,,,PMR July 2022",
        "P1-I2,all-victims,West Yorkshire,2021/22,72.6%,,,Fell since lockdown,PMR July 2022",
        "P1-I2,all-victims,Bradford,12 months to March 2022,70.6,percentage,,,",
        'P3-I4,,,12 months to June 2019,"49,162",,yes,National baseline,',
    ]
    broken = _upload(lead, plan, _csv(*lines[:3], lines[3].replace("49,162", "forty")))
    assert broken.status_code == 400
    assert len(_messages(broken)) == 1
    assert not IndicatorReading.objects.exists()

    response = _upload(lead, plan, _csv(*lines), name="july.csv")
    upload = ReadingUpload.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("outcomes:readings-upload-detail", args=[plan.code, upload.uuid])
    assert (upload.added, upload.changed, upload.unchanged) == (4, 0, 0)
    assert upload.uploaded_by == personas.performance_lead
    reading = IndicatorReading.objects.get(district__name="Bradford")
    assert (reading.value, reading.unit, reading.period_label) == (
        Decimal("70.6"),
        "percentage",
        "2021/22",
    )
    assert reading.entered_by == personas.performance_lead
    assert IndicatorReading.objects.get(is_baseline=True).value == 49162

    page = lead.get(response.url).content.decode()
    assert "Readings saved from “july.csv”" in page
    assert "4 added, 0 changed, 0 unchanged" in page
    assert "70.6%" in page and "Baseline" in page


def test_uploading_again_changes_only_what_differs_and_keeps_the_history(lead, plan, personas):
    first = "P1-I7,,,2021/22,85.6,,,,"
    _upload(lead, plan, _csv(first, "P1-I7,,,2020/21,90.6,,,,"))
    _upload(lead, plan, _csv("P1-I7,,,2021/22,85.7,,,Corrected,", "P1-I7,,,2020/21,90.6,,,,"))
    latest = ReadingUpload.objects.first()
    assert (latest.added, latest.changed, latest.unchanged) == (0, 1, 1)
    reading = IndicatorReading.objects.get(period_label="2021/22")
    assert (reading.value, reading.note) == (Decimal("85.7"), "Corrected")
    versions = list(reading.history.order_by("history_date").values_list("value", "history_user"))
    assert versions == [
        (Decimal("85.6"), personas.performance_lead.pk),
        (Decimal("85.7"), personas.performance_lead.pk),
    ]


def test_a_second_baseline_is_a_problem_of_its_line(lead, plan):
    _upload(lead, plan, _csv("P3-I4,,,12 months to June 2019,49162,,yes,,"))
    response = _upload(lead, plan, _csv("P3-I4,,,2019/20,44180,,yes,,"))
    assert _messages(response) == [
        "Line 2, column G (baseline): P3-I4, West Yorkshire already has a baseline (12 months "
        "to June 2019). Leave this blank, or change that reading first"
    ]
    # Moving the baseline in the same file is fine.
    moved = _upload(
        lead,
        plan,
        _csv("P3-I4,,,12 months to June 2019,49162,,,,", "P3-I4,,,2019/20,44180,,yes,,"),
    )
    assert moved.status_code == 302
    assert IndicatorReading.objects.get(is_baseline=True).period_label == "2019/20"


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"\xff\xfe\x00bad", "not a CSV saved as UTF-8 text"),
        (b"", "The file is empty. Download the template"),
        (b"\n\n", "The file is empty"),
        (b"code,when,figure\nP1-I1,2021/22,5\n", "there is no column called “code”"),
        (_csv(), "The file has no readings"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(lead, plan, content, says):
    response = _upload(lead, plan, content)
    assert response.status_code == 400
    assert says in response.content.decode()
    assert not IndicatorReading.objects.exists()


def test_a_note_with_a_comma_out_of_quotes_is_caught(lead, plan):
    response = _upload(lead, plan, _csv("P1-I7,,,2021/22,85.6,,,Down, again,PMR"))
    assert _messages(response) == [
        "Line 2: it has more cells than the first line has headings. Check for a comma inside "
        "a note, and put the note in double quotes"
    ]


def test_the_template_has_a_line_per_measure_and_uploads_back_as_no_readings(lead, plan):
    response = lead.get(reverse("outcomes:readings-template", args=[plan.code]))
    assert response["Content-Disposition"] == 'attachment; filename="WY-PCP-2021-24-readings.csv"'
    content = body(response)
    rows = list(csv.reader(io.StringIO(content.decode())))
    assert rows[0] == COLUMNS
    assert ["P1-I2", "domestic-abuse", "West Yorkshire", "", "", "percentage", "", "", ""] in rows
    assert len(rows) == 1 + 41  # every measure of the plan
    back = parse_readings_csv(content)
    assert back.rows == [] and back.file_errors == [
        "The file has no readings: fill in the period and value of at least one line."
    ]


def test_a_formula_guarded_by_our_own_export_reads_back_as_typed(lead, plan):
    _upload(lead, plan, _csv("P1-I7,,,2021/22,85.6,,,'=Down on last year,"))
    assert IndicatorReading.objects.get().note == "=Down on last year"


def test_only_the_performance_lead_or_an_administrator_may_import(plan, personas):
    rows = parse_readings_csv(_csv("P1-I7,,,2021/22,85.6,,,,")).rows
    for who in (personas.officer, personas.commissioner, personas.decision_maker):
        with pytest.raises(NotAllowed):
            readings_import(plan=plan, rows=rows, by=who, file_name="x.csv")
    readings_import(plan=plan, rows=rows, by=personas.administrator, file_name="x.csv")
    assert IndicatorReading.objects.count() == 1


def test_the_import_refuses_no_rows(plan, personas):
    with pytest.raises(ValidationError):
        readings_import(plan=plan, rows=[], by=personas.performance_lead, file_name="x.csv")


def test_the_template_is_the_bytes_it_was_before_it_streamed(lead, plan):
    from tests.downloads import assert_golden, body

    response = lead.get(reverse("outcomes:readings-template", args=[plan.code]))
    assert_golden("readings-template.csv", body(response))
