"""The submitted application as a PDF: the group's members and officers download it, read
back with pypdf; nobody else can, a draft has none, and nothing is stored."""

from __future__ import annotations

import datetime as dt
import io

import pypdf
import pytest
import time_machine
from django.urls import reverse

from core.models import OutboxMessage, StatusChange
from grants import services
from grants.application_pdf import application_pdf
from grants.models import Application, Letter
from grants.selectors.applications import application_for_form
from tests.grants.conftest import complete_application, make_round

pytestmark = pytest.mark.django_db

# 13:05 UTC in summer is 2:05pm in London (BST).
SUBMITTED_UTC = dt.datetime(2026, 7, 15, 13, 5, tzinfo=dt.UTC)
TYPED_SUMMARY = (
    "Boxing & mentoring for <young> people.\r\nTwice a week, in Leeds."  # as browsers send it
)


@pytest.fixture
def application(plan, personas) -> Application:
    """Org A's bid, submitted at 2:05pm London time on 15 July 2026, with a summary that
    has markup characters and a line break in it."""
    with time_machine.travel(SUBMITTED_UTC, tick=False):
        round = make_round(plan)
        draft = complete_application(round, personas.org_a, personas.applicant_a)
        services.application_save_section(
            application=draft,
            actor=personas.applicant_a,
            section="project",
            values={
                "project_title": draft.project_title,
                "summary": TYPED_SUMMARY,
                "activities": draft.activities,
                "start_date": draft.start_date,
                "end_date": draft.end_date,
                "pot": draft.pot,
                "amount_requested": draft.amount_requested,
            },
        )
        return services.application_submit(
            application=Application.objects.get(pk=draft.pk), actor=personas.applicant_a
        )


def _text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def _group_url(application) -> str:
    return reverse("grants:application-pdf", args=[application.uuid])


def _staff_url(application) -> str:
    return reverse("grants:staff-application-pdf", args=[application.uuid])


def test_the_pdf_has_the_reference_submission_time_and_every_answer(application):
    text = _text(application_pdf(application_for_form(application.pk)))
    for expected in (
        f"Application {application.reference}",
        "2:05pm on Wednesday 15 July 2026",
        "Boxing & mentoring for <young> people.\nTwice a week, in Leeds.",
        "Gloves Up, Knives Down",
        "Org A Youth Project",
        "About your organisation",
        "Weekly sessions.",
        "Pot 2",
        "Across West Yorkshire",
        "Young people",
        "Plan alignment",
        "Diverts young people from violence.",
        "Coaches",
        "Total",
        "£6,000.00",
        "constitution.pdf",
        "The information in this application is true and complete",
        "Aisha Khan",
        "Page 1",
    ):
        assert expected in text, expected


def test_the_pdf_is_a4_with_every_font_embedded(application):
    content = application_pdf(application_for_form(application.pk))
    reader = pypdf.PdfReader(io.BytesIO(content))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    assert reader.metadata.title == f"Application {application.reference}"
    for page in reader.pages:
        # Every font the page names, even one only selected and never drawn with: a PDF
        # naming a font it does not carry fails archiving (PDF/A) checks.
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = (
                font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            )
            assert "/FontDescriptor" in descriptor, f"{font['/BaseFont']} is not embedded"
            assert "/FontFile2" in descriptor["/FontDescriptor"], font["/BaseFont"]


def test_a_long_answer_runs_over_pages(application):
    long = "\n".join(
        f"Week {n}: a session of boxing, then mentoring and a meal." for n in range(90)
    )
    Application.objects.filter(pk=application.pk).update(activities=long)
    content = application_pdf(application_for_form(application.pk))
    reader = pypdf.PdfReader(io.BytesIO(content))
    assert len(reader.pages) >= 3
    text = _text(content)
    assert "Week 0: a session" in text and "Week 89: a session" in text
    assert f"Page {len(reader.pages)}" in text


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("applicant_a", 200),
        ("colleague_a", 200),
        ("officer", 200),
        ("applicant_b", 404),
        ("assessor", 404),
        ("provider", 404),
        ("anonymous", 302),
    ],
)
def test_the_group_and_officers_download_it_and_nobody_else(
    application, client_for, personas, who, status
):
    response = client_for(personas.get(who)).get(_group_url(application))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == (
            f'attachment; filename="application-{application.reference}.pdf"'
        )
        assert response["Cache-Control"] == "private, no-store"
        assert application.reference in _text(response.content)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("officer", 200),
        ("administrator", 200),
        ("assessor", 403),
        ("decision_maker", 403),
        ("applicant_a", 403),
        ("anonymous", 302),
    ],
)
def test_the_staff_pdf_is_for_those_who_see_the_staff_bid_page(
    application, client_for, personas, who, status
):
    client = client_for(personas.get(who))
    page = client.get(reverse("grants:staff-application", args=[application.uuid]))
    response = client.get(_staff_url(application))
    assert response.status_code == status == page.status_code
    if status == 200:
        assert TYPED_SUMMARY.splitlines()[0] in _text(response.content)


def test_a_draft_has_no_pdf(plan, personas, client_for):
    draft = complete_application(make_round(plan), personas.org_a, personas.applicant_a)
    assert client_for(personas.applicant_a).get(_group_url(draft)).status_code == 404
    assert client_for(personas.officer).get(_staff_url(draft)).status_code == 404


def test_downloading_stores_nothing(application, client_for, personas):
    def snapshot():
        fresh = Application.objects.get(pk=application.pk)
        return (
            fresh.updated_at,
            fresh.status,
            StatusChange.objects.count(),
            OutboxMessage.objects.count(),
            Letter.objects.count(),
        )

    before = snapshot()
    assert client_for(personas.applicant_a).get(_group_url(application)).status_code == 200
    assert client_for(personas.officer).get(_staff_url(application)).status_code == 200
    assert snapshot() == before


def test_the_pages_link_to_the_pdf(application, client_for, personas):
    group = client_for(personas.colleague_a).get(
        reverse("grants:application-detail", args=[application.uuid])
    )
    assert "Download your application (PDF)" in group.content.decode()
    assert _group_url(application) in group.content.decode()
    staff = client_for(personas.officer).get(
        reverse("grants:staff-application", args=[application.uuid])
    )
    assert "Download the application (PDF)" in staff.content.decode()
    assert _staff_url(application) in staff.content.decode()


def test_a_draft_page_has_no_pdf_link(plan, personas, client_for):
    draft = complete_application(make_round(plan), personas.org_a, personas.applicant_a)
    page = client_for(personas.applicant_a).get(
        reverse("grants:application-detail", args=[draft.uuid])
    )
    assert "Download your application (PDF)" not in page.content.decode()
