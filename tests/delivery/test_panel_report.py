"""The Police and Crime Panel report: asked for by staff who read plan delivery, built by
a Celery task into a stored PDF (A4, every font embedded, contents, page numbers, charts),
read back with pypdf; a failed build shows its reason and keeps the previous version."""

from __future__ import annotations

import io

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from core.models import StatusChange
from delivery import services
from delivery.models import SECTION_ORDER, PanelReport
from documents.report import symbol_font_has
from tests.delivery.test_reconciliation import SEEDED, demo  # noqa: F401  (the demo world)


@pytest.fixture
def world(demo, db):  # noqa: F811
    """The demo's plan, on the day the demo was seeded."""
    with time_machine.travel(SEEDED, tick=False):
        yield demo


def _build(lead, plan, year, capture, sections=SECTION_ORDER, quarter=0) -> PanelReport:
    with capture(execute=True):
        report = services.panel_report_request(
            plan=plan, year=year, quarter=quarter, sections=list(sections), actor=lead
        )
    report.refresh_from_db()
    return report


def _text(report: PanelReport) -> str:
    with report.file.open("rb") as stored:
        reader = PdfReader(io.BytesIO(stored.read()))
    # Each table cell is its own paragraph: compare with the white space made single.
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _fonts(content: bytes) -> dict[str, bool]:
    """Every font on every page (and in page forms): {name: embedded}."""
    reader = PdfReader(io.BytesIO(content))
    found: dict[str, bool] = {}

    def visit(resources) -> None:
        if not resources:
            return
        resources = resources.get_object()
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            targets = [d.get_object() for d in descendants] if descendants else [font]
            for target in targets:
                descriptor = (
                    (target.get("/FontDescriptor") or {}).get_object()
                    if target.get("/FontDescriptor")
                    else {}
                )
                found[str(target.get("/BaseFont"))] = any(
                    key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
                )
        for xobject in (resources.get("/XObject") or {}).values():
            visit(xobject.get_object().get("/Resources"))

    for page in reader.pages:
        visit(page.get("/Resources"))
    return found


def test_the_district_table_reads_back_from_the_pdf_in_the_seed_shape(
    world, personas, django_capture_on_commit_callbacks
):
    report = _build(personas.performance_lead, world, 2025, django_capture_on_commit_callbacks)
    assert report.status == PanelReport.Status.READY
    assert report.version == 1 and report.built_at is not None
    text = _text(report)
    # The 2025/26 district table, by hand from the demo (tests/delivery/test_reconciliation).
    for line in (
        "District No of Projects Total Spend",
        "Bradford 1 £5,800.00",
        "Calderdale 0 £0.00",
        "Leeds 0 £0.00",
        "Multi-District 1 £17,500.00",
        "Across West Yorkshire 1 £15,000.00",
        "TOTAL 3 £38,300.00",
    ):
        assert line in text, line
    assert "Contents" in text and "Page 2" in text
    assert "Commissioned services" in text and "TOTAL 4 £1,200,000.00" in text
    assert "Gaps: outcomes with no funded activity" in text
    # Moving through waiting -> building -> ready, each step audited.
    steps = StatusChange.objects.filter(object_id=report.pk, to_status__in=["building", "ready"])
    assert sorted(steps.values_list("to_status", flat=True)) == ["building", "ready"]


def test_an_indicator_row_reads_back_with_its_arrow_and_word(
    world, personas, django_capture_on_commit_callbacks
):
    report = _build(
        personas.performance_lead, world, 2021, django_capture_on_commit_callbacks, ["indicators"]
    )
    text = _text(report)
    # Victim satisfaction, as the July 2022 Panel report prints it: 74.9%, 77.7%, 72.6%, down.
    assert "74.9% 77.7% 72.6%" in text
    assert "↓ Worsening" in text
    assert "↑ Improving" in text
    assert "by district" in text and "Bradford 70.6% 77.7%" in text
    assert symbol_font_has("↑↓↔")


def test_every_font_in_the_report_is_embedded(world, personas, django_capture_on_commit_callbacks):
    report = _build(personas.performance_lead, world, 2021, django_capture_on_commit_callbacks)
    with report.file.open("rb") as stored:
        content = stored.read()
    fonts = _fonts(content)
    assert fonts, "no fonts found"
    assert all(fonts.values()), fonts
    reader = PdfReader(io.BytesIO(content))
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)  # A4
    assert len(reader.outline) >= 4  # bookmarks for the sections


def test_a_failed_build_shows_the_reason_and_keeps_the_previous_version(
    world, personas, client_for, django_capture_on_commit_callbacks, monkeypatch
):
    lead = personas.performance_lead
    first = _build(lead, world, 2025, django_capture_on_commit_callbacks, ["grants"])
    assert first.is_ready

    def broken(*args, **kwargs):
        raise RuntimeError("the chart of P2 could not be drawn")

    monkeypatch.setattr(services, "panel_report_pdf", broken)
    client = client_for(lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("delivery:panel-report-regenerate", args=[first.uuid]))
    second = PanelReport.objects.get(plan=world, year=2025, quarter=0, version=2)
    assert response.url == reverse("delivery:panel-report", args=[second.uuid])
    assert second.status == PanelReport.Status.FAILED
    assert "the chart of P2 could not be drawn" in second.failure_reason
    assert not second.file
    page = client.get(response.url).content.decode()
    assert "The report could not be built" in page
    assert "the chart of P2 could not be drawn" in page
    previous = reverse("delivery:panel-report-download", args=[first.uuid])
    assert f'href="{previous}"' in page
    download = client.get(previous)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    first.refresh_from_db()
    assert first.is_ready and first.file


def test_the_build_is_a_celery_task_that_runs_once(
    world, personas, django_capture_on_commit_callbacks
):
    from delivery.tasks import build_panel_report

    assert build_panel_report.name == "delivery.build_panel_report"
    report = _build(
        personas.performance_lead, world, 2025, django_capture_on_commit_callbacks, ["gaps"]
    )
    stored = report.file.name
    assert build_panel_report.delay(report.pk).get() == "finished already"
    report.refresh_from_db()
    assert report.file.name == stored
    assert build_panel_report.delay(0).get() == "missing"
