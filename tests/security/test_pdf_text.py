"""Text people typed goes into PDFs as text: ReportLab's Paragraph reads markup, so a "<"
or "&" in a name must neither break a letter nor change how it is drawn (issue 17)."""

from __future__ import annotations

import io

import pypdf
import pytest

from accounts.models import Organisation
from documents import pdf
from documents.report import contents, heading, para, render_report
from grants import letters
from grants.models import Application
from tests.grants.conftest import award, scoring_round, second_assessor  # noqa: F401

pytestmark = pytest.mark.django_db

NAME = 'Boxing <b>&</b> <font name="Nope" color="red">Club</font> <para>'
TITLE = "Gloves <i>Up</i> & Knives <br/>Down"


def _text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    # One space for every run of spaces and line ends: long lines wrap.
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_an_award_letter_prints_markup_in_a_name_and_title_as_text(award):  # noqa: F811
    Organisation.objects.filter(pk=award.application.organisation_id).update(name=NAME)
    Application.objects.filter(pk=award.application_id).update(project_title=TITLE)
    award.application.refresh_from_db()
    award.application.organisation.refresh_from_db()
    text = _text(letters.award_letter(award))
    assert f"Dear {NAME}," in text
    assert TITLE in text


def test_the_letter_building_blocks_escape_what_they_are_given():
    story = [
        pdf.address_block(
            pdf.Letterhead(organisation="Us", address=["1 <b>Street</b>"], contact=["a&b"]),
            [NAME, "Leeds <br/>", "LS1 1AA"],
            "1 April 2027",
        ),
        pdf.text(NAME),
        *pdf.bullets([TITLE]),
        pdf.key_values([("Name", NAME), ("Long", TITLE * 3)]),
    ]
    head = pdf.Letterhead(organisation="Us", address=[], contact=[], service="S")
    text = _text(pdf.render(story, letterhead=head, title="T", author="A"))
    assert text.count(NAME) >= 3
    assert "1 <b>Street</b>" in text
    assert TITLE in text


def test_a_report_heading_with_markup_goes_into_the_contents_as_text():
    title = "P1 Tackle <b>harm</b> & <font name='Nope'>crime</font>"
    story = [contents(), heading("Priorities"), heading(title, 2), para(title)]
    text = _text(render_report(story, title="Report", author="Us", running_head="Report"))
    assert text.count(title) == 3  # in the contents, as the heading, and as a paragraph
