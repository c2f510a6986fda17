"""Filling in a return, on the form (return_save) or by CSV (return_upload_csv): every
rejected save or upload names what is wrong and changes nothing stored."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from commissioning.models import MonitoringReturn, ReturnValue
from commissioning.services.returns import return_save, return_upload_csv
from core.errors import NotAllowed
from core.models import OutboxMessage, StatusChange
from tests.commissioning.builders import complete_figures
from tests.downloads import body

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
R = MonitoringReturn.Status


def at(day: dt.date, hour: int = 10):
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour), LONDON), tick=False)


def changes(monitoring_return: MonitoringReturn):
    """The return's StatusChange rows (object ids are shared across models)."""
    return StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(MonitoringReturn),
        object_id=monitoring_return.pk,
    ).order_by("pk")


def stored(monitoring_return: MonitoringReturn) -> dict:
    """Everything a save or upload could change, to compare before and after."""
    fresh = MonitoringReturn.objects.get(pk=monitoring_return.pk)
    return {
        "values": sorted(
            ReturnValue.objects.filter(monitoring_return=fresh).values_list(
                "measure__code", "category", "value", "text"
            )
        ),
        "status": fresh.status,
        "updated_at": fresh.updated_at,
        "submitted_at": fresh.submitted_at,
        "submitted_by": fresh.submitted_by_id,
        "status_changes": changes(fresh).count(),
        "outbox": OutboxMessage.objects.count(),
        "history": fresh.history.count(),
    }


def figures(monitoring_return: MonitoringReturn) -> dict[tuple[str, str], object]:
    return {
        (row.measure.code, row.category): row.text or row.value
        for row in ReturnValue.objects.filter(monitoring_return=monitoring_return).select_related(
            "measure"
        )
    }


def csv_bytes(*lines: str, header: str = "measure_code,category,value") -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()


def save(monitoring_return, actor, typed, *, submit=False):
    return return_save(monitoring_return=monitoring_return, actor=actor, typed=typed, submit=submit)


def upload(monitoring_return, actor, content: bytes):
    return return_upload_csv(monitoring_return=monitoring_return, actor=actor, content=content)


@pytest.fixture
def draft(q1_return, personas):
    """The Q1 return with a valid part-filled draft saved on 3 July 2026."""
    with at(dt.date(2026, 7, 3)):
        result = save(
            q1_return,
            personas.provider,
            {
                ("OFFERED", ""): "12",
                ("REF", ""): "20",
                ("REF", "police"): "15",
                ("SPEND", ""): "£1,000.50",
                ("SUCCESSES", ""): "A good start.",
            },
        )
    assert result.errors == {}
    q1_return.refresh_from_db()
    return q1_return


# ---------------------------------------------------------------------------------------
# The form


def test_a_valid_draft_saves_its_figures_and_starts_the_return(q1_return, personas):
    assert q1_return.status == R.NOT_STARTED
    result = save(
        q1_return, personas.provider, {("OFFERED", ""): "1,234", ("OUT_SAFER", ""): "72.5"}
    )
    assert result.errors == {} and not result.submitted
    q1_return.refresh_from_db()
    assert q1_return.status == R.DRAFT
    assert figures(q1_return) == {
        ("OFFERED", ""): Decimal(1234),
        ("OUT_SAFER", ""): Decimal("72.5"),
    }
    change = changes(q1_return).get()
    assert (change.from_status, change.to_status, change.actor) == (
        R.NOT_STARTED,
        R.DRAFT,
        personas.provider,
    )


def test_a_later_save_keeps_earlier_figures_and_blank_clears_one(draft, personas):
    result = save(draft, personas.provider, {("CLOSED", ""): "4", ("OFFERED", ""): ""})
    assert result.errors == {}
    got = figures(draft)
    assert ("OFFERED", "") not in got
    assert got[("CLOSED", "")] == Decimal(4)
    assert got[("REF", "police")] == Decimal(15)
    assert got[("SPEND", "")] == Decimal("1000.50")
    assert got[("SUCCESSES", "")] == "A good start."
    draft.refresh_from_db()
    assert draft.status == R.DRAFT


BAD_SAVES = {
    "count not whole": (
        {("OFFERED", ""): "12.5"},
        "m-OFFERED",
        "Victims offered support must be a whole number, like 12 or 0.",
    ),
    "count negative": (
        {("CLOSED", ""): "-3"},
        "m-CLOSED",
        "Cases closed cannot be negative.",
    ),
    "percentage over 100": (
        {("OUT_COPE", ""): "101"},
        "m-OUT_COPE",
        "Better able to cope with aspects of everyday life must be a percentage from 0 to 100, "
        "like 85 or 72.5.",
    ),
    "percentage two places": (
        {("OUT_HEALTH", ""): "72.25"},
        "m-OUT_HEALTH",
        "Improved health and wellbeing must have no more than one decimal place, like 72.5.",
    ),
    "money not a number": (
        {("SPEND", ""): "twelve grand"},
        "m-SPEND",
        "Spend in the quarter must be an amount in pounds, like 12500 or 12500.50.",
    ),
    "money as an exponent": (
        {("SPEND", ""): "1e3"},
        "m-SPEND",
        "Spend in the quarter must be an amount in pounds, like 12500 or 12500.50.",
    ),
    "money not finite": (
        {("SPEND", ""): "Infinity"},
        "m-SPEND",
        "Spend in the quarter must be an amount in pounds, like 12500 or 12500.50.",
    ),
    "money pence": (
        {("SPEND", ""): "10.001"},
        "m-SPEND",
        "Spend in the quarter must be in pounds and pence, like 12500.50.",
    ),
    "text too long": (
        {("CHALLENGES", ""): "x" * 2001},
        "m-CHALLENGES",
        "Challenges must be 2,000 characters or fewer; it is 2,001.",
    ),
    "breakdown does not add up": (
        {
            ("REF", "self"): "1",
            ("REF", "health"): "1",
            ("REF", "other_agency"): "1",
        },
        "m-REF",
        "Referrals received: the referral source figures add up to 18 but the total is 20. "
        "Make the breakdown add up to the total.",
    ),
    "breakdown over the total": (
        {("REF", "self"): "6"},
        "m-REF",
        "Referrals received: the referral source figures given so far add up to 21, more than "
        "the total of 20.",
    ),
    "profile not equal to supported": (
        {("SUPPORTED", ""): "10", ("SUP_DISABILITY", ""): "9"},
        "m-SUP_DISABILITY",
        "Victims supported by disability: the total (9) must equal victims supported (10).",
    ),
}


@pytest.mark.parametrize("case", list(BAD_SAVES))
def test_a_rejected_save_over_a_draft_changes_nothing(draft, personas, case):
    typed, field, message = BAD_SAVES[case]
    before = stored(draft)
    with at(dt.date(2026, 7, 9)):  # a week later: any write would move updated_at
        result = save(draft, personas.provider, {("CLOSED", ""): "7", **typed})
    assert result.errors == {field: message}
    assert not result.submitted
    assert stored(draft) == before
    assert ("CLOSED", "") not in figures(draft)  # the good figure beside it was not kept


@pytest.mark.parametrize("case", list(BAD_SAVES))
def test_a_rejected_first_save_leaves_the_return_not_started(q1_return, personas, case):
    typed, field, _message = BAD_SAVES[case]
    if case.startswith("breakdown"):
        typed = {("REF", ""): "20", ("REF", "police"): "15", **typed}
    before = stored(q1_return)
    result = save(q1_return, personas.provider, typed)
    assert field in result.errors
    assert stored(q1_return) == before
    assert before["status"] == R.NOT_STARTED and before["values"] == []


def test_a_rejected_submission_changes_nothing(draft, personas):
    before = stored(draft)
    with at(dt.date(2026, 7, 9)):
        result = save(draft, personas.provider, {("CLOSED", ""): "7"}, submit=True)
    assert not result.submitted
    assert result.errors["m-CHALLENGES"] == "Enter challenges."
    assert result.errors["m-SUPPORTED"] == "Enter victims supported (0 if none)."
    assert result.errors["m-REF-self"] == "Enter referrals received: self-referral (0 if none)."
    assert "m-OFFERED" not in result.errors  # saved in the draft
    assert "m-RISKS" not in result.errors
    assert stored(draft) == before


def test_submitting_a_complete_return(draft, personas):
    with at(dt.date(2026, 7, 10)):
        result = save(draft, personas.provider, complete_figures(), submit=True)
    assert result.errors == {} and result.submitted
    draft.refresh_from_db()
    assert draft.status == R.SUBMITTED
    assert draft.submitted_by == personas.provider
    assert draft.submitted_at == dt.datetime(2026, 7, 10, 10, tzinfo=LONDON)
    assert figures(draft)[("SUPPORTED", "domestic_abuse")] == Decimal(14)
    assert list(changes(draft).values_list("from_status", "to_status")) == [
        (R.NOT_STARTED, R.DRAFT),
        (R.DRAFT, R.SUBMITTED),
    ]
    assert OutboxMessage.objects.filter(
        kind="commissioning.return_submitted", object_id=draft.pk
    ).exists()
    # Submitted: the provider can no longer change it.
    with pytest.raises(NotAllowed, match="submitted and cannot be changed"):
        save(draft, personas.provider, {("CLOSED", ""): "1"})


def test_submitting_straight_from_not_started(q1_return, personas):
    result = save(q1_return, personas.provider, complete_figures(), submit=True)
    assert result.submitted, result.errors
    assert list(changes(q1_return).values_list("to_status", flat=True)) == [R.DRAFT, R.SUBMITTED]


def test_only_the_providers_members_write_the_return(q1_return, personas, other_provider):
    _organisation, stranger = other_provider
    before = stored(q1_return)
    for actor in (
        personas.commissioner,
        personas.administrator,
        personas.officer,
        personas.applicant_a,
        stranger,
    ):
        with pytest.raises(NotAllowed):
            save(q1_return, actor, {("OFFERED", ""): "1"})
        with pytest.raises(NotAllowed):
            upload(q1_return, actor, csv_bytes("OFFERED,,1"))
    assert stored(q1_return) == before


# ---------------------------------------------------------------------------------------
# CSV uploads


def test_a_good_upload_saves_the_figures_and_starts_the_return(q1_return, personas):
    content = "\ufeff" + "measure_code,category,value\r\n"  # Excel's "CSV UTF-8"
    content += 'REF,,20\r\nref,Police,12\r\nREF,self,8\r\nSPEND,,"£12,500.50"\r\n'
    content += ",,\r\n"  # a blank line is skipped
    content += 'SUCCESSES,,"Twelve victims, one café."\r\n'
    result = upload(q1_return, personas.provider, content.encode("utf-8"))
    assert result.errors == []
    assert result.figures == 5
    q1_return.refresh_from_db()
    assert q1_return.status == R.DRAFT
    assert figures(q1_return) == {
        ("REF", ""): Decimal(20),
        ("REF", "police"): Decimal(12),
        ("REF", "self"): Decimal(8),
        ("SPEND", ""): Decimal("12500.50"),
        ("SUCCESSES", ""): "Twelve victims, one café.",
    }


def test_a_whole_return_by_csv_can_then_be_submitted(q1_return, personas):
    lines = [f"{code},{category},{value}" for (code, category), value in complete_figures().items()]
    result = upload(q1_return, personas.provider, csv_bytes(*lines))
    assert result.errors == []
    assert result.figures == len(complete_figures())
    submitted = save(q1_return, personas.provider, {}, submit=True)
    assert submitted.submitted, submitted.errors


def test_an_upload_adds_to_a_draft(draft, personas):
    result = upload(draft, personas.provider, csv_bytes("CLOSED,,9"))
    assert result.errors == [] and result.figures == 1
    got = figures(draft)
    assert got[("CLOSED", "")] == Decimal(9)
    assert got[("OFFERED", "")] == Decimal(12)


SET = "Victim services 2026/27"

BAD_UPLOADS = {
    "wrong header": (
        csv_bytes("OFFERED,,12", header="code,cat,val"),
        [
            "Line 1: the first line must be the headings measure_code,category,value "
            "(it is code,cat,val)."
        ],
    ),
    "wrong column count": (
        csv_bytes("OFFERED,,12", "CLOSED,4", "SPEND,,1,extra"),
        [
            "Line 3: expected 3 values (measure_code, category, value), found 2.",
            "Line 4: expected 3 values (measure_code, category, value), found 4.",
        ],
    ),
    "unknown measure": (
        csv_bytes("OFFERED,,12", "CLOSED,,4", "NOPE,,3"),
        [f"Line 4: there is no measure “NOPE” in {SET}."],
    ),
    "unknown category": (
        csv_bytes("REF,,20", "REF,fax,3"),
        [
            "Line 3: Referrals received has no category “fax”; use one of police, self, "
            "health, other_agency, or leave it blank for the total."
        ],
    ),
    "category without breakdown": (
        csv_bytes("OFFERED,police,3"),
        ["Line 2: Victims offered support has no breakdown; leave the category blank."],
    ),
    "duplicate line": (
        csv_bytes("REF,police,3", "OFFERED,,4", "ref,POLICE,3"),
        ["Line 4: Referrals received (Police) is already given on line 2."],
    ),
    "duplicate total": (
        csv_bytes("OFFERED,,4", "OFFERED,,4"),
        ["Line 3: Victims offered support is already given on line 2."],
    ),
    "bad value": (
        csv_bytes("OFFERED,,4", "OUT_SAFER,,150", "SPEND,,-3"),
        [
            "Line 3: Feel safer must be a percentage from 0 to 100, like 85 or 72.5.",
            "Line 4: Spend in the quarter cannot be negative.",
        ],
    ),
    "bad category value": (
        csv_bytes("SUPPORTED,sexual_violence,2.5"),
        ["Line 2: Victims supported (Sexual violence) must be a whole number, like 12 or 0."],
    ),
    "not utf-8": (
        "measure_code,category,value\nSUCCESSES,,Un café\n".encode("latin-1"),
        ["The file is not a CSV saved as UTF-8 text. Save it as “CSV UTF-8” and try again."],
    ),
    "binary": (
        b"PK\x03\x04\x00\x00measure_code",
        ["The file is not a CSV file. Save it as “CSV UTF-8” and try again."],
    ),
    "empty file": (b"", ["The file is empty."]),
    "headings only": (csv_bytes(), ["The file has no figures in it."]),
    "breakdown does not add up": (
        csv_bytes(
            "SUPPORTED,,10",
            "SUPPORTED,domestic_abuse,5",
            "SUPPORTED,sexual_violence,3",
            "SUPPORTED,other,1",
        ),
        [
            "Lines 2, 3, 4 and 5: Victims supported: the crime type figures add up to 9 but "
            "the total is 10. Make the breakdown add up to the total."
        ],
    ),
    "profile does not match": (
        csv_bytes("SUPPORTED,,10", "SUP_AGE,,11"),
        [
            "Lines 2 and 3: Victims supported by age band: the total (11) must equal "
            "victims supported (10)."
        ],
    ),
}


@pytest.mark.parametrize("case", list(BAD_UPLOADS))
def test_a_rejected_upload_over_a_draft_stores_nothing(draft, personas, case):
    content, messages = BAD_UPLOADS[case]
    before = stored(draft)
    with at(dt.date(2026, 7, 9)):
        result = upload(draft, personas.provider, content)
    assert result.errors == messages
    assert stored(draft) == before


@pytest.mark.parametrize("case", list(BAD_UPLOADS))
def test_a_rejected_upload_leaves_the_return_not_started(q1_return, personas, case):
    content, messages = BAD_UPLOADS[case]
    before = stored(q1_return)
    result = upload(q1_return, personas.provider, content)
    assert result.errors == messages
    assert stored(q1_return) == before
    assert before["status"] == R.NOT_STARTED


def test_an_upload_breaking_a_stored_breakdown_is_named_by_its_measure(draft, personas):
    # The draft has 20 referrals, 15 from the police; the upload adds 6 self-referrals.
    before = stored(draft)
    result = upload(draft, personas.provider, csv_bytes("REF,self,6", "CLOSED,,2"))
    assert result.errors == [
        "Line 2: Referrals received: the referral source figures given so far add up to 21, "
        "more than the total of 20."
    ]
    assert stored(draft) == before


def test_every_error_in_a_file_is_reported_at_once_in_line_order(q1_return, personas):
    """A line that cannot be read no longer hides a breakdown that does not add up: the
    provider sees both on the first upload, each with its line and measure."""
    content = csv_bytes(
        "OFFERED,,4",
        "SUPPORTED,,10",
        "SPEND,,-3",
        "SUPPORTED,domestic_abuse,5",
        "SUPPORTED,sexual_violence,3",
        "NOPE,,1",
        "SUPPORTED,other,1",
    )
    before = stored(q1_return)
    result = upload(q1_return, personas.provider, content)
    assert result.errors == [
        "Lines 3, 5, 6 and 8: Victims supported: the crime type figures add up to 9 but the "
        "total is 10. Make the breakdown add up to the total.",
        "Line 4: Spend in the quarter cannot be negative.",
        f"Line 7: there is no measure “NOPE” in {SET}.",
    ]
    assert result.figures == 0
    assert stored(q1_return) == before


def test_the_upload_page_lists_every_error_with_its_line(q1_return, personas, client_for):
    content = csv_bytes("SUPPORTED,,10", "SUPPORTED,domestic_abuse,11", "OUT_SAFER,,150")
    before = stored(q1_return)
    client = client_for(personas.provider)
    upload_file = SimpleUploadedFile("q1.csv", content, content_type="text/csv")
    response = client.post(
        reverse("commissioning:return-upload", args=[q1_return.uuid]), {"file": upload_file}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "The file was not uploaded: nothing has been saved" in page
    assert (
        "Lines 2 and 3: Victims supported: the crime type figures given so far add up to 11" in page
    )
    assert "Line 4: Feel safer must be a percentage from 0 to 100" in page
    assert stored(q1_return) == before


def test_a_file_too_large_is_refused(q1_return, personas):
    content = csv_bytes(*["RISKS,," + "x" * 1000] * 1001)
    before = stored(q1_return)
    result = upload(q1_return, personas.provider, content)
    assert result.errors == ["The file is larger than 1 MB; a return is far smaller."]
    assert stored(q1_return) == before


def test_an_accepted_return_cannot_be_uploaded_to(q1_return, personas):
    MonitoringReturn.objects.filter(pk=q1_return.pk).update(status=R.ACCEPTED)
    with pytest.raises(NotAllowed, match="accepted and cannot be changed"):
        upload(q1_return, personas.provider, csv_bytes("OFFERED,,1"))
    assert not ReturnValue.objects.filter(monitoring_return=q1_return).exists()


@pytest.mark.parametrize("typed", ['=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)"])
def test_the_return_csv_guards_text_a_spreadsheet_would_run_and_reads_back_as_typed(
    draft, personas, client_for, typed
):
    with at(dt.date(2026, 7, 3)):
        assert save(draft, personas.provider, {("SUCCESSES", ""): typed}).errors == {}
    response = client_for(personas.provider).get(
        reverse("commissioning:return-csv", args=[draft.uuid])
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    content = body(response)
    rows = list(csv.reader(io.StringIO(content.decode())))
    assert ["SUCCESSES", "", f"'{typed}"] in rows
    with at(dt.date(2026, 7, 4)):
        assert upload(draft, personas.provider, content).errors == []
    assert figures(draft)[("SUCCESSES", "")] == typed


def test_the_return_csv_is_the_bytes_it_was_before_it_streamed(draft, personas, client_for):
    from tests.downloads import assert_golden, body

    response = client_for(personas.provider).get(
        reverse("commissioning:return-csv", args=[draft.uuid])
    )
    assert response["Cache-Control"] == "private, no-store"
    assert_golden("return-draft.csv", body(response))
