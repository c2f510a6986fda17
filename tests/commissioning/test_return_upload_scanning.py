"""A provider's return CSV is scanned for viruses like every upload (issue 17)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from commissioning.models import ReturnValue
from core import scanning
from tests.grants.test_upload_safety import EICAR, FakeScanner


@pytest.fixture
def fake_scanner(monkeypatch):
    fake = FakeScanner()
    monkeypatch.setattr(scanning, "scanner", lambda: fake)
    return fake


def test_a_return_csv_with_a_virus_is_refused_on_the_file_field(
    q1_return, personas, client_for, fake_scanner
):
    content = b"measure_code,category,value\nSUPPORTED,,10\n" + EICAR
    response = client_for(personas.provider).post(
        reverse("commissioning:return-upload", args=[q1_return.uuid]),
        {"file": SimpleUploadedFile("q1.csv", content, content_type="text/csv")},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "The file was not uploaded: nothing has been saved" in page
    assert "“q1.csv” contains a virus, so we have not kept it." in page
    assert fake_scanner.scanned == [content]
    assert not ReturnValue.objects.filter(monitoring_return=q1_return).exists()


def test_a_return_csv_is_held_while_the_scanner_is_down(
    q1_return, personas, client_for, fake_scanner
):
    fake_scanner.down = True
    response = client_for(personas.provider).post(
        reverse("commissioning:return-upload", args=[q1_return.uuid]),
        {"file": SimpleUploadedFile("q1.csv", b"measure_code,category,value\n", "text/csv")},
    )
    assert response.status_code == 400
    assert "We could not check “q1.csv” for viruses" in response.content.decode()
    assert "Try again in a few minutes." in response.content.decode()
