"""Readings CSV files are scanned like every upload, and staff are told beside uploaded
files when no scanner is set up (issue 17)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from core import scanning
from grants import services
from outcomes.models import ReadingUpload
from tests.grants.conftest import complete_application, pdf_upload
from tests.grants.test_upload_safety import EICAR, FakeScanner

NOTICE = "Files are not being scanned for viruses on this server."


@pytest.fixture
def fake_scanner(monkeypatch):
    fake = FakeScanner()
    monkeypatch.setattr(scanning, "scanner", lambda: fake)
    return fake


def test_a_readings_csv_with_a_virus_is_refused_and_nothing_is_read(
    plan, personas, client_for, fake_scanner
):
    response = client_for(personas.performance_lead).post(
        reverse("outcomes:readings-upload", args=[plan.code]),
        {"file": SimpleUploadedFile("readings.csv", b"indicator\n" + EICAR, "text/csv")},
    )
    assert response.status_code == 400
    assert "“readings.csv” contains a virus" in response.content.decode()
    assert not ReadingUpload.objects.exists()


@pytest.fixture
def submitted_with_a_document(personas, open_round):
    draft = complete_application(open_round, personas.org_a, personas.applicant_a)
    services.document_upload(
        application=draft, actor=personas.applicant_a, kind="other", uploaded=pdf_upload()
    )
    return services.application_submit(application=draft, actor=personas.applicant_a)


def test_staff_are_told_beside_uploaded_files_when_nothing_scans_them(
    settings, client_for, personas, submitted_with_a_document
):
    settings.CLAMD_SOCKET = settings.CLAMD_TCP = ""
    staff_page = reverse("grants:staff-application", args=[submitted_with_a_document.uuid])
    assert NOTICE in client_for(personas.officer).get(staff_page).content.decode()
    # Groups are not staff: the notice is for the people who open the files.
    request = RequestFactory().get("/")
    request.user = personas.applicant_a
    assert NOTICE not in render_to_string("includes/scanning_notice.html", request=request)
    request.user = personas.officer
    assert NOTICE in render_to_string("includes/scanning_notice.html", request=request)


def test_no_notice_when_a_scanner_is_set_up(
    settings, client_for, personas, submitted_with_a_document, fake_scanner
):
    settings.CLAMD_SOCKET = "/run/clamav/clamd.sock"
    staff_page = reverse("grants:staff-application", args=[submitted_with_a_document.uuid])
    page = client_for(personas.officer).get(staff_page).content.decode()
    assert "constitution.pdf" in page
    assert NOTICE not in page
