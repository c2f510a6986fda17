"""The Panel report pages: who reaches them, the request form's errors, progress and
versions, and the same queries however many awards and contracts there are."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from core.models import OutboxMessage
from delivery import services
from delivery.models import SECTION_ORDER, PanelReport
from delivery.selectors.panel import panel_report_data
from tests.commissioning.builders import bulk_contracts
from tests.delivery.builders import bulk_awards
from tests.delivery.test_queries import YEAR
from tests.factories import RoundFactory
from tests.personas import refused_everywhere_else

ALLOWED = ["performance_lead", "officer", "commissioner", "decision_maker", "administrator"]


def _report(plan, who, *, status="ready", version=1, year=2025) -> PanelReport:
    report = PanelReport(
        plan=plan,
        year=year,
        sections=SECTION_ORDER,
        version=version,
        requested_by=who,
        requested_at=timezone.now(),
        status=status,
    )
    if status == "ready":
        report.file.save("report.pdf", ContentFile(b"%PDF-1.4 test"), save=False)
        report.built_at = timezone.now()
    report.save()
    return report


@pytest.fixture
def report(plan, personas):
    return _report(plan, personas.performance_lead)


def _pages(report) -> list[str]:
    return [
        reverse("delivery:panel-reports"),
        reverse("delivery:panel-report", args=[report.uuid]),
        reverse("delivery:panel-report-download", args=[report.uuid]),
        reverse("delivery:panel-report-page", args=[report.uuid]),
    ]


def test_only_the_staff_who_read_plan_delivery_reach_the_report_pages(client_for, personas, report):
    wrong = []
    for url in _pages(report):
        wrong += refused_everywhere_else(
            client_for, personas, url=url, allowed=ALLOWED, refused_with=403
        )
    again = reverse("delivery:panel-report-regenerate", args=[report.uuid])
    for url, data in ((again, {}), (reverse("delivery:panel-reports"), {"sections": "gaps"})):
        wrong += refused_everywhere_else(
            client_for,
            personas,
            url=url,
            allowed=ALLOWED,
            refused_with=403,
            method="POST",
            data=data,
        )
    assert wrong == []
    assert PanelReport.objects.count() == 1  # a refused persona asked for nothing


@pytest.mark.parametrize("persona", ALLOWED)
def test_every_reader_gets_every_page_and_the_pdf(client_for, personas, report, persona):
    client = client_for(personas.get(persona))
    answers = {url: client.get(url).status_code for url in _pages(report)}
    assert answers == dict.fromkeys(_pages(report), 200)


def test_a_missing_report_is_one_404(client_for, personas, plan):
    client = client_for(personas.performance_lead)
    missing = "00000000-0000-4000-8000-000000000000"
    for name in ("panel-report", "panel-report-download", "panel-report-page"):
        assert client.get(reverse(f"delivery:{name}", args=[missing])).status_code == 404


def test_the_form_lists_every_problem_at_once_and_keeps_the_choices(client_for, personas, plan):
    client = client_for(personas.performance_lead)
    response = client.post(
        reverse("delivery:panel-reports"), {"plan": "NOPE", "year": "1850", "quarter": "9"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    for message in (
        "Choose a plan from the list",
        "Choose a financial year from the list",
        "Choose a quarter from the list, or the whole year",
        "Choose at least one section for the report",
    ):
        assert message in page
    assert "This field is required" not in page
    assert 'href="#id_sections_0"' in page
    assert not PanelReport.objects.exists()


def test_asking_builds_the_report_and_shows_it_ready_with_its_versions(
    client_for, personas, plan, django_capture_on_commit_callbacks
):
    client = client_for(personas.performance_lead)
    data = {"plan": plan.code, "year": "2025", "quarter": "2", "sections": ["grants", "gaps"]}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("delivery:panel-reports"), data)
    first = PanelReport.objects.get()
    assert response.url == reverse("delivery:panel-report", args=[first.uuid])
    assert (first.version, first.quarter, first.sections) == (1, 2, ["grants", "gaps"])
    assert first.status == PanelReport.Status.READY
    page = client.get(response.url).content.decode()
    assert "Q2 2025/26" in page and 'http-equiv="refresh"' not in page
    assert reverse("delivery:panel-report-download", args=[first.uuid]) in page
    download = client.get(reverse("delivery:panel-report-download", args=[first.uuid]))
    assert download["Content-Disposition"].endswith('.pdf"')
    assert download["Cache-Control"] == "private, no-store"

    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(reverse("delivery:panel-report-regenerate", args=[first.uuid]))
    second = PanelReport.objects.get(version=2)
    assert again.url == reverse("delivery:panel-report", args=[second.uuid])
    page = client.get(again.url).content.decode()
    assert escape(str(personas.performance_lead)) in page  # names like O'Donnell come escaped
    assert reverse("delivery:panel-report", args=[first.uuid]) in page  # the earlier version
    assert OutboxMessage.objects.count() == 0


def test_a_report_still_building_refreshes_itself_and_cannot_be_downloaded(
    client_for, personas, plan
):
    waiting = _report(plan, personas.performance_lead, status="waiting")
    client = client_for(personas.officer)
    page = client.get(reverse("delivery:panel-report", args=[waiting.uuid])).content.decode()
    assert '<meta http-equiv="refresh" content="5">' in page
    assert "waiting for the build to start" in page
    assert "refresh it now" in page
    download = client.get(reverse("delivery:panel-report-download", args=[waiting.uuid]))
    assert download.status_code == 302


def test_with_the_broker_down_the_request_fails_at_once_with_a_reason(
    plan, personas, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = False

    def refuse(self, *args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr("celery.canvas.Signature.apply_async", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.panel_report_request(
            plan=plan, year=2025, sections=["gaps"], actor=personas.performance_lead
        )
    report.refresh_from_db()
    assert report.status == PanelReport.Status.FAILED
    assert "task queue is not answering" in report.failure_reason


def test_the_report_page_and_data_make_the_same_queries_at_any_size(client_for, personas, plan):
    round = RoundFactory(plan=plan, status="closed")
    report = _report(plan, personas.performance_lead, year=YEAR)
    client = client_for(personas.performance_lead)
    url = reverse("delivery:panel-report-page", args=[report.uuid])

    def measure() -> tuple[int, int, str]:
        with CaptureQueriesContext(connection) as page_queries:
            response = client.get(url)
        assert response.status_code == 200
        with CaptureQueriesContext(connection) as data_queries:
            panel_report_data(plan=plan, year=YEAR, sections=SECTION_ORDER)
        return len(page_queries), len(data_queries), response.content.decode()

    bulk_awards(round=round, count=10, year=YEAR)
    bulk_contracts(count=5, quarters=8, commissioner=personas.commissioner, plan=plan, values=True)
    small_page, small_data, page = measure()
    assert "10 projects awarded" in page

    bulk_awards(round=round, count=4990, year=YEAR, seed=2)
    bulk_contracts(
        count=295, quarters=8, commissioner=personas.commissioner, plan=plan, values=True
    )
    large_page, large_data, page = measure()
    assert "5000 projects awarded" in page or "5,000 projects awarded" in page
    assert (large_page, large_data) == (small_page, small_data)
    # The data: the plan's priorities, measures and West Yorkshire readings; the same for
    # the district tables (measures, districts, readings); the plan-delivery figures,
    # counted as the dashboard counts them (the plan, the grants grouped by the database,
    # the contracts' facts: see delivery.selectors.dashboard); the rounds; the returns by
    # quarter and rating, the overdue ones listed and counted.
    assert large_data == 22
    # The page: user, the report (+plan, who asked), then the data (the session and the
    # roles come from the cache).
    assert large_page == large_data + 2


@pytest.mark.needs_redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_builds_the_report_through_redis(plan, personas):
    """In CI: the request queues the task on a real Redis and a worker thread builds it."""
    import time

    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    assert app.conf.task_always_eager is False
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        report = services.panel_report_request(
            plan=plan, year=2025, sections=["grants", "gaps"], actor=personas.performance_lead
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            report.refresh_from_db()
            if not report.in_progress:
                break
            time.sleep(0.2)
    assert report.status == PanelReport.Status.READY, report.failure_reason
    with report.file.open("rb") as stored:
        assert stored.read(5) == b"%PDF-"
