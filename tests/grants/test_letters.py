"""Award and decline letters: read back with pypdf, sent once with the PDF attached."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pypdf
import pytest
from django.urls import reverse

from core.models import OutboxMessage
from core.outbox import outbox_relay
from grants import letters, services
from grants.models import Letter
from grants.services.panel import InstalmentInput
from tests.grants.conftest import submitted_application


def _text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_award_letter_says_what_was_awarded_and_when_it_is_paid(award):
    content = letters.award_letter(award)
    text = _text(content)
    for expected in (
        award.reference,
        "Org A Youth Project",
        "£8,000.00",
        "1 April 2027",
        "£5,000.00",
        "1 October 2027",
        "£3,000.00",
        "Send us copies of the DBS checks for the coaches.",
        "Return any money not spent",
        "6-month report: due",
        "How to accept",
        "Page 1",
    ):
        assert expected in text, expected


def test_the_letter_is_a4_with_its_fonts_embedded(award):
    reader = pypdf.PdfReader(io.BytesIO(letters.award_letter(award)))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    page = reader.pages[0]
    fonts = {name: font.get_object() for name, font in page["/Resources"]["/Font"].items()}
    content = page.get_contents().get_data().decode("latin-1")
    # Fonts that draw text (ReportLab's preamble selects Helvetica but draws nothing with it).
    drawing = [block for block in content.split("BT") if "Tj" in block]
    used = {name for name in fonts if any(f"{name} " in block for block in drawing)}
    assert used, "the page draws no text"
    for name in used:
        font = fonts[name]
        descriptor = (
            font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        )
        assert "/FontFile2" in descriptor["/FontDescriptor"], f"{font['/BaseFont']} is not embedded"
    assert reader.metadata.title == f"Offer of grant {award.reference}"


def test_the_decline_letter_carries_the_panels_feedback(scoring_round, personas):
    application = submitted_application(scoring_round, personas.org_b, personas.applicant_b)
    application.feedback = "The budget did not show how the coaches would be paid."
    text = _text(letters.decline_letter(application, dt.date(2027, 3, 1)))
    assert "The budget did not show how the coaches would be paid." in text
    assert "Further advice" in text
    assert "1 March 2027" in text


def test_deciding_sends_the_letter_once_with_the_pdf_attached(
    award, mailoutbox, django_capture_on_commit_callbacks
):
    outbox_relay()
    outbox_relay()
    letters_sent = [m for m in mailoutbox if "received" not in m.subject]
    assert len(letters_sent) == 1
    email = letters_sent[0]
    assert sorted(email.to) == ["alice@example.org", "colin@example.org"]
    (name, content, mimetype) = email.attachments[0]
    assert (name, mimetype) == (f"{award.reference}-award-letter.pdf", "application/pdf")
    assert "£8,000.00" in _text(content)
    assert email.alternatives[0][1] == "text/html"
    letter = Letter.objects.get()
    assert letter.sent_at is not None
    assert letter.message_id == email.extra_headers["Message-ID"]


def test_a_letter_already_sent_is_not_sent_again(award, mailoutbox):
    services.letter_send(application=award.application, kind=Letter.Kind.AWARD)
    services.letter_send(application=award.application, kind=Letter.Kind.AWARD)
    assert len(mailoutbox) == 1


def test_the_group_reads_the_letter_online_and_downloads_the_pdf(award, client_for, personas):
    client = client_for(personas.colleague_a)
    page = client.get(reverse("grants:letter", args=[award.application.uuid])).content.decode()
    assert "£8,000.00" in page
    assert "Send us copies of the DBS checks" in page
    assert "Download the letter as a PDF" in page
    response = client.get(reverse("grants:letter-pdf", args=[award.application.uuid]))
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert "£8,000.00" in _text(b"".join(response.streaming_content))


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("applicant_b", 404),
        ("assessor", 404),
        ("decision_maker", 404),
        ("provider", 404),
        ("commissioner", 404),
        ("officer", 200),
    ],
)
def test_only_the_group_and_officers_see_the_letter(award, client_for, personas, who, status):
    client = client_for(personas.get(who))
    for name in ("grants:letter", "grants:letter-pdf"):
        assert client.get(reverse(name, args=[award.application.uuid])).status_code == status


def test_there_is_no_letter_before_a_decision(scoring_round, personas, client_for):
    application = submitted_application(scoring_round, personas.org_a, personas.applicant_a)
    client = client_for(personas.applicant_a)
    assert client.get(reverse("grants:letter", args=[application.uuid])).status_code == 404


# The officers' letters page: progress, send all, retry failures.


def test_officers_see_each_letter_sent_pending_or_failed_and_retry_failures(
    award, client_for, personas, mailoutbox, monkeypatch
):
    from core import outbox

    def down(obj, period):
        raise OSError("SMTP server refused the connection")

    monkeypatch.setitem(outbox._SENDERS, "grants.award_made", down)
    outbox_relay()
    client = client_for(personas.officer)
    url = reverse("grants:staff-round-letters", args=[award.application.round.uuid])
    page = client.get(url).content.decode()
    assert "<strong>0</strong> sent" in page and "<strong>1</strong> failed" in page
    assert "SMTP server refused the connection" in page
    monkeypatch.undo()
    response = client.post(url, {"retry": "1"})
    assert response.status_code == 302
    outbox_relay()
    page = client.get(url).content.decode()
    assert "<strong>1</strong> sent" in page and "<strong>0</strong> failed" in page
    assert len([m for m in mailoutbox if "received" not in m.subject]) == 1


def test_send_all_queues_missing_letters_once_and_never_resends(
    award, client_for, personas, mailoutbox
):

    OutboxMessage.objects.all().delete()  # as if decided before letters were queued
    client = client_for(personas.officer)
    url = reverse("grants:staff-round-letters", args=[award.application.round.uuid])
    client.post(url, {"send": "1"})
    client.post(url, {"send": "1"})
    assert OutboxMessage.objects.count() == 1
    outbox_relay()
    outbox_relay()
    assert len(mailoutbox) == 1


@pytest.mark.parametrize("who", ["assessor", "decision_maker", "applicant_a", "commissioner"])
def test_only_officers_reach_the_letters_page(award, client_for, personas, who):
    client = client_for(personas.get(who))
    url = reverse("grants:staff-round-letters", args=[award.application.round.uuid])
    assert client.get(url).status_code == 403
    assert client.post(url, {"send": "1"}).status_code == 403


def test_the_letters_page_queries_do_not_grow_with_letters(
    award, client_for, personas, django_assert_max_num_queries
):
    client = client_for(personas.officer)
    url = reverse("grants:staff-round-letters", args=[award.application.round.uuid])
    # session, user, roles, round (+fund, plan), content types, awards, bids, outbox rows.
    with django_assert_max_num_queries(9):
        assert client.get(url).status_code == 200


def test_changing_the_schedule_after_the_letter_went_out_sends_an_updated_letter(
    award, personas, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        outbox_relay()
    first = [m for m in mailoutbox if m.subject.startswith("Offer of grant")]
    assert len(first) == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.award_schedule_set(
            award=award,
            actor=personas.officer,
            instalments=[
                InstalmentInput(dt.date(2027, 5, 1), Decimal("6000")),
                InstalmentInput(dt.date(2027, 11, 1), Decimal("2000")),
            ],
        )
    updated = [m for m in mailoutbox if m.subject.startswith("Updated offer of grant")]
    assert len(updated) == 1
    text = _text(updated[0].attachments[0][1])
    assert "£6,000.00" in text and "£2,000.00" in text
    assert "£5,000.00" not in text
    assert Letter.objects.filter(application=award.application).count() == 1
    periods = OutboxMessage.objects.filter(kind="grants.award_made").values_list(
        "period", flat=True
    )
    assert sorted(periods) == ["", "schedule-2"]  # versions of the letter, never a time


def test_reading_the_letter_before_it_is_sent_stores_nothing(award, client_for, personas):
    Letter.objects.all().delete()
    client = client_for(personas.applicant_a)
    page = client.get(reverse("grants:letter", args=[award.application.uuid])).content.decode()
    assert "£8,000.00" in page and "(PDF, " in page
    response = client.get(reverse("grants:letter-pdf", args=[award.application.uuid]))
    assert "£8,000.00" in _text(b"".join(response.streaming_content))
    assert not Letter.objects.exists()
    # The send stores the letter; reading it afterwards serves that same file.
    services.letter_send(application=award.application, kind=Letter.Kind.AWARD)
    stored = Letter.objects.get()
    response = client.get(reverse("grants:letter-pdf", args=[award.application.uuid]))
    assert b"".join(response.streaming_content) == stored.file.open("rb").read()
    assert Letter.objects.count() == 1
