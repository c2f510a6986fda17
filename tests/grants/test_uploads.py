import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from grants import services
from grants.errors import UploadRefused
from tests.factories import pdf_of_size
from tests.grants.conftest import PDF, pdf_upload

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


@pytest.fixture
def draft(personas, open_round):
    return services.application_start(
        round=open_round, organisation=personas.org_a, actor=personas.applicant_a
    )


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def test_a_renamed_exe_is_refused_by_its_content(client_for, personas, draft):
    client = client_for(personas.applicant_a)
    response = client.post(
        reverse("grants:application-documents", args=[draft.uuid]),
        {
            "kind": "governing_document",
            "file": SimpleUploadedFile("constitution.pdf", EXE, "application/pdf"),
        },
    )
    assert response.status_code == 200
    assert (
        "“constitution.pdf” is not a PDF, Word document (.docx), JPEG or PNG"
        in response.content.decode()
    )
    assert not draft.documents.exists()


def test_a_file_of_10_mb_is_accepted_and_one_byte_more_is_refused(personas, draft):
    limit = 10 * 1024 * 1024
    exactly = pdf_of_size(limit)
    services.document_upload(
        application=draft,
        actor=personas.applicant_a,
        kind="other",
        uploaded=pdf_upload("big.pdf", exactly),
    )
    with pytest.raises(UploadRefused, match="each file must be 10 MB or smaller"):
        services.document_upload(
            application=draft,
            actor=personas.applicant_a,
            kind="other",
            uploaded=pdf_upload("bigger.pdf", pdf_of_size(limit + 1)),
        )
    assert draft.documents.count() == 1


@pytest.mark.parametrize(
    ("name", "content", "stored_type"),
    [
        ("policy.pdf", PDF, "application/pdf"),
        ("photo.jpeg", b"\xff\xd8\xff\xe0" + b"0" * 32, "image/jpeg"),
        ("scan.png", b"\x89PNG\r\n\x1a\n" + b"0" * 32, "image/png"),
        (
            "constitution.docx",
            _docx(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_each_accepted_type_is_stored_privately_under_a_random_name(
    personas, draft, name, content, stored_type
):
    document = services.document_upload(
        application=draft,
        actor=personas.applicant_a,
        kind="other",
        uploaded=pdf_upload(name, content),
    )
    assert document.content_type == stored_type
    assert document.original_name == name
    assert name not in document.file.name
    assert document.file.name.startswith(f"applications/{draft.uuid.hex}/")


def test_a_zip_that_is_not_a_word_document_is_refused(personas, draft):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.txt", "hello")
    with pytest.raises(UploadRefused):
        services.document_upload(
            application=draft,
            actor=personas.applicant_a,
            kind="other",
            uploaded=pdf_upload("x.docx", buffer.getvalue()),
        )


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("applicant_a", 200),
        ("colleague_a", 200),
        ("officer", 200),
        ("administrator", 200),
        ("applicant_b", 404),
        ("provider", 404),
        ("assessor", 404),
        ("decision_maker", 404),
        ("commissioner", 404),
    ],
)
def test_documents_are_served_only_with_permission_and_as_attachments(
    client_for, personas, draft, persona, expected
):
    document = services.document_upload(
        application=draft, actor=personas.applicant_a, kind="other", uploaded=pdf_upload()
    )
    url = reverse("grants:document-download", args=[draft.uuid, document.uuid])
    response = client_for(personas.get(persona)).get(url)
    assert response.status_code == expected
    if expected == 200:
        assert response["Content-Disposition"].startswith("attachment")
        assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_anonymous_users_are_sent_to_sign_in_for_a_document(client_for, personas, draft):
    document = services.document_upload(
        application=draft, actor=personas.applicant_a, kind="other", uploaded=pdf_upload()
    )
    response = client_for(None).get(
        reverse("grants:document-download", args=[draft.uuid, document.uuid])
    )
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
