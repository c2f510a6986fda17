"""Uploads that could harm the officers who open them are refused, each with an error that
names the file and says what to do (issue 17): viruses (a fake scanner here, the real clamd
in tests marked needs_clamav), a scanner that is down, polyglots, PDFs with JavaScript,
automatic actions or attached files, Word files with macros, remote templates or a zip bomb.
"""

from __future__ import annotations

import io
import zipfile
import zlib

import pytest
from django.urls import reverse

from core import scanning
from core.scanning import ClamdScanner, ScanResult
from grants import services
from grants.errors import UploadRefused
from grants.uploads import DOCX, PDF
from tests.factories import minimal_pdf
from tests.grants.conftest import pdf_upload

# The EICAR anti-virus test file, built from parts so this file is not itself flagged.
EICAR = ("X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*").encode()


class FakeScanner:
    """Finds EICAR anywhere in the bytes, like clamd with the test signature."""

    is_scanning = True

    def __init__(self, down: bool = False) -> None:
        self.down = down
        self.scanned: list[bytes] = []

    def scan(self, fileobj) -> ScanResult:
        fileobj.seek(0)
        content = fileobj.read()
        fileobj.seek(0)
        self.scanned.append(content)
        if self.down:
            return ScanResult.unavailable("connection refused")
        if EICAR in content:
            return ScanResult.infected("Eicar-Test-Signature")
        return ScanResult.clean()


@pytest.fixture
def fake_scanner(monkeypatch):
    fake = FakeScanner()
    monkeypatch.setattr(scanning, "scanner", lambda: fake)
    return fake


@pytest.fixture
def draft(personas, open_round):
    return services.application_start(
        round=open_round, organisation=personas.org_a, actor=personas.applicant_a
    )


def _upload(draft, personas, name, content):
    return services.document_upload(
        application=draft,
        actor=personas.applicant_a,
        kind="other",
        uploaded=pdf_upload(name, content),
    )


def _refused(draft, personas, name, content) -> str:
    with pytest.raises(UploadRefused) as refused:
        _upload(draft, personas, name, content)
    assert not draft.documents.exists()
    assert f"“{name}”" in refused.value.message
    return refused.value.message


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<</Length %d%s>>stream\n" % (len(data), extra) + data + b"\nendstream"


def docx(*, parts: dict[str, bytes] | None = None, content_types: bytes = b"<Types/>") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("word/document.xml", "<w:document/>")
        for name, data in (parts or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


# --- accepted --------------------------------------------------------------------------


def test_a_clean_pdf_and_a_clean_word_document_are_accepted_after_a_scan(
    personas, draft, fake_scanner
):
    pdf = minimal_pdf(
        _stream(zlib.compress(b"BT (Our constitution) Tj ET"), b"/Filter/FlateDecode")
    )
    # Word processors set the opening page and zoom with a destination: that is no action.
    pdf_with_destination = minimal_pdf(catalog_extra=b"/OpenAction[3 0 R/XYZ null null 0]")
    word = docx(
        parts={
            "word/_rels/document.xml.rels": (
                b'<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                b'officeDocument/2006/relationships/hyperlink" Target="https://example.org" '
                b'TargetMode="External"/></Relationships>'
            ),
            "word/printerSettings/printerSettings1.bin": b"\0" * 64,
        }
    )
    assert _upload(draft, personas, "constitution.pdf", pdf).content_type == PDF
    assert _upload(draft, personas, "opens.pdf", pdf_with_destination).content_type == PDF
    assert _upload(draft, personas, "policy.docx", word).content_type == DOCX
    assert len(fake_scanner.scanned) == 3
    assert draft.documents.count() == 3


# --- viruses and the scanner -----------------------------------------------------------


def test_eicar_inside_a_pdf_is_refused_as_a_virus(personas, draft, fake_scanner, caplog):
    infected = minimal_pdf(_stream(EICAR))
    message = _refused(draft, personas, "accounts.pdf", infected)
    assert message == (
        "“accounts.pdf” contains a virus, so we have not kept it. Do not open it: choose a "
        "different file, or ask whoever sent you the file for a clean copy."
    )
    logged = [r for r in caplog.records if r.getMessage() == "Upload refused: virus found"]
    assert logged[0].signature == "Eicar-Test-Signature"
    assert logged[0].file_name == "accounts.pdf"


def test_a_scanner_that_is_down_holds_the_upload_and_says_try_again(personas, draft, fake_scanner):
    fake_scanner.down = True
    message = _refused(draft, personas, "constitution.pdf", minimal_pdf())
    assert message == (
        "We could not check “constitution.pdf” for viruses, so we have not kept it. "
        "Try again in a few minutes."
    )


def test_a_clamd_that_is_not_listening_is_unavailable_never_clean(tmp_path):
    result = ClamdScanner(socket_path=str(tmp_path / "no-clamd.sock")).scan(io.BytesIO(b"x"))
    assert result.status == ScanResult.UNAVAILABLE
    assert not result.is_clean


def test_without_a_scanner_set_up_uploads_are_accepted_and_marked_not_scanned(settings):
    settings.CLAMD_SOCKET = settings.CLAMD_TCP = ""
    chosen = scanning.scanner()
    assert not chosen.is_scanning
    result = chosen.scan(io.BytesIO(EICAR))
    assert result.is_clean and not result.scanned


def test_the_settings_choose_clamd_over_a_socket_or_tcp(settings):
    settings.CLAMD_SOCKET, settings.CLAMD_TCP = "/run/clamav/clamd.sock", ""
    assert scanning.scanner().socket_path == "/run/clamav/clamd.sock"
    settings.CLAMD_SOCKET, settings.CLAMD_TCP = "", "clamav:3310"
    assert scanning.scanner().address == ("clamav", 3310)


@pytest.mark.needs_clamav
def test_the_real_clamd_refuses_eicar_inside_a_pdf_even_compressed(personas, draft):
    assert scanning.scanner().ping()
    plain = minimal_pdf(_stream(EICAR))
    compressed = minimal_pdf(_stream(zlib.compress(EICAR), b"/Filter/FlateDecode"))
    for name, content in (("plain.pdf", plain), ("compressed.pdf", compressed)):
        assert "contains a virus" in _refused(draft, personas, name, content)
    assert _upload(draft, personas, "clean.pdf", minimal_pdf()).content_type == PDF


# --- polyglots -------------------------------------------------------------------------


def _docx_with_a_pdf_first() -> bytes:
    """A Word file whose first part, stored uncompressed, is a PDF: PDF readers find the
    header in the first kilobyte and open it as a PDF."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("a", minimal_pdf())
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param(
            "page.pdf",
            b"%PDF-1.4\n%<html><script>alert(document.cookie)</script></html>\n"
            + minimal_pdf()[9:],
            id="pdf-and-html",
        ),
        pytest.param("page.pdf", minimal_pdf() + docx(), id="pdf-and-zip"),
        pytest.param(
            "photo.jpg",
            b"\xff\xd8\xff\xe0" + b"\0" * 32 + minimal_pdf(),
            id="jpeg-with-a-pdf-header-in-its-first-kilobyte",
        ),
        pytest.param("photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 32 + docx(), id="png-and-zip"),
        pytest.param(
            "photo.png", b"\x89PNG\r\n\x1a\n<svg onload=alert(1)>" + b"\0" * 32, id="png-and-svg"
        ),
        pytest.param("policy.docx", _docx_with_a_pdf_first(), id="docx-and-pdf"),
    ],
)
def test_a_file_that_is_two_kinds_of_file_at_once_is_refused(
    personas, draft, fake_scanner, name, content
):
    message = _refused(draft, personas, name, content)
    assert "it also contains another kind of file" in message
    assert "Save it again from the program that made it and upload the new copy." in message
    assert fake_scanner.scanned == [], "refused before the scan"


# --- PDFs with active content ----------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(
            minimal_pdf(
                b"<</S/JavaScript/JS(app.alert\\('hi'\\))>>",
                catalog_extra=b"/OpenAction 4 0 R",
            ),
            id="open-action-javascript",
        ),
        pytest.param(
            minimal_pdf(b"<</S/Launch/F(cmd.exe)>>", catalog_extra=b"/OpenAction 4 0 R"),
            id="open-action-launch",
        ),
        pytest.param(
            minimal_pdf(
                b"<</S/URI/URI(https://evil.example)>>", catalog_extra=b"/OpenAction 4 0 R"
            ),
            id="open-action-that-is-not-go-to",
        ),
        pytest.param(
            minimal_pdf(catalog_extra=b"/AA<</WC<</S/GoTo/D[3 0 R/Fit]>>>>"),
            id="additional-actions",
        ),
        pytest.param(
            minimal_pdf(catalog_extra=b"/Names<</J#61vaScript 4 0 R>>"),
            id="hex-escaped-javascript-name",
        ),
        pytest.param(
            minimal_pdf(
                b"<</Type/Filespec/F(run.exe)/EF<</F 5 0 R>>>>",
                _stream(b"MZ"),
                catalog_extra=b"/Names<</EmbeddedFiles<</Names[(run.exe) 4 0 R]>>>>",
            ),
            id="embedded-file",
        ),
        pytest.param(
            minimal_pdf(
                _stream(
                    zlib.compress(b"4 0 <</S/JavaScript/JS(x)>>"),
                    b"/Type/ObjStm/N 1/First 4/Filter/FlateDecode",
                )
            ),
            id="javascript-hidden-in-a-compressed-object-stream",
        ),
    ],
)
def test_a_pdf_with_javascript_actions_or_attached_files_is_refused(
    personas, draft, fake_scanner, content
):
    message = _refused(draft, personas, "form.pdf", content)
    assert message == (
        "“form.pdf” contains JavaScript, actions that run when it opens or files attached "
        "inside it, which we do not accept. Print it to a new PDF (choose “Print”, then "
        "“Save as PDF”) and upload that."
    )


def test_a_pdf_that_does_not_parse_is_refused(personas, draft, fake_scanner):
    message = _refused(draft, personas, "broken.pdf", b"%PDF-1.4\nnot really a pdf\n")
    assert message.startswith("“broken.pdf” could not be read as a PDF: it may be damaged.")


# --- Word documents --------------------------------------------------------------------


def test_a_204_kb_word_file_that_expands_to_200_mb_is_refused_without_expanding_it(
    personas, draft, fake_scanner
):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        with archive.open("word/media/padding.bin", "w", force_zip64=True) as part:
            zeros = b"\0" * (1024 * 1024)
            for _ in range(200):
                part.write(zeros)
    bomb = buffer.getvalue()
    assert len(bomb) < 250 * 1024
    message = _refused(draft, personas, "bomb.docx", bomb)
    assert message == (
        "“bomb.docx” becomes far bigger when opened (over 100 MB), so it may be harmful. "
        "Save it as a PDF and upload that."
    )


def test_a_word_file_whose_parts_are_small_but_expand_a_hundredfold_is_refused(
    personas, draft, fake_scanner
):
    bomb = docx(parts={"word/media/zeros.bin": b"\0" * (5 * 1024 * 1024)})
    assert "becomes far bigger when opened" in _refused(draft, personas, "zeros.docx", bomb)


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(docx(parts={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"}), id="vba-project"),
        pytest.param(
            docx(
                content_types=(
                    b'<Types><Override PartName="/word/document.xml" ContentType="application/'
                    b'vnd.ms-word.document.macroEnabled.main+xml"/></Types>'
                )
            ),
            id="docm-content-type",
        ),
        pytest.param(docx(parts={"word/activeX/activeX1.bin": b"\0"}), id="activex-control"),
    ],
)
def test_a_word_file_with_macros_is_refused(personas, draft, fake_scanner, content):
    message = _refused(draft, personas, "budget.docx", content)
    assert message == (
        "“budget.docx” contains macros or controls, which we do not accept. Save it as a Word "
        "document (.docx) or as a PDF and upload that."
    )


def test_a_word_file_that_loads_a_template_from_elsewhere_is_refused(personas, draft, fake_scanner):
    remote = docx(
        parts={
            "word/_rels/settings.xml.rels": (
                b'<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                b'officeDocument/2006/relationships/attachedTemplate" '
                b'Target="http://evil.example/t.dotm" TargetMode="External"/></Relationships>'
            )
        }
    )
    assert "loads a template or other content from elsewhere" in _refused(
        draft, personas, "letter.docx", remote
    )


def test_a_damaged_word_file_is_refused(personas, draft, fake_scanner):
    good = bytearray(docx(parts={"word/styles.xml": b"<w:styles/>" * 200}))
    middle = len(good) // 2
    good[middle : middle + 40] = b"\xff" * 40
    message = _refused(draft, personas, "damaged.docx", bytes(good))
    assert "could not be opened as a Word document" in message or "is not a PDF" in message


# --- in the page -----------------------------------------------------------------------


def test_the_page_shows_the_refusal_on_the_file_field(client_for, personas, draft, fake_scanner):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(personas.applicant_a).post(
        reverse("grants:application-documents", args=[draft.uuid]),
        {
            "kind": "governing_document",
            "file": SimpleUploadedFile(
                "constitution.pdf", minimal_pdf(_stream(EICAR)), "application/pdf"
            ),
        },
    )
    page = response.content.decode()
    assert "“constitution.pdf” contains a virus" in page
    assert 'href="#file"' in page or "#id_file" in page
    assert not draft.documents.exists()


def test_a_pdf_that_needs_a_password_to_open_is_refused_and_one_without_is_kept(
    personas, draft, fake_scanner
):
    from pypdf import PdfWriter

    def encrypted(user_password: str) -> bytes:
        writer = PdfWriter(clone_from=io.BytesIO(minimal_pdf()))
        writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-256")
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    message = _refused(draft, personas, "statement.pdf", encrypted("secret"))
    assert message == (
        "“statement.pdf” is protected with a password. Save a copy without the password and "
        "upload that."
    )
    # Banks often restrict printing with an owner password only: it opens without one.
    assert _upload(draft, personas, "restricted.pdf", encrypted("")).content_type == PDF


def test_clamd_over_tcp_gets_the_file_in_length_prefixed_chunks_and_its_verdict_is_read():
    """A stand-in clamd that checks the INSTREAM framing byte by byte."""
    import socketserver
    import struct
    import threading

    received: list[bytes] = []

    class Clamd(socketserver.BaseRequestHandler):
        def handle(self):
            stream = self.request.makefile("rb")
            assert stream.read(len(b"zINSTREAM\0")) == b"zINSTREAM\0"
            data = b""
            while size := struct.unpack("!L", stream.read(4))[0]:
                data += stream.read(size)
            received.append(data)
            verdict = b"stream: Eicar-Test-Signature FOUND\0" if EICAR in data else b"stream: OK\0"
            self.request.sendall(verdict)

    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), Clamd) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        scanner = ClamdScanner(address=server.server_address, timeout=10)
        big = b"x" * (scanning.CHUNK_BYTES * 2 + 5) + EICAR
        infected = io.BytesIO(big)
        infected.seek(7)
        result = scanner.scan(infected)
        assert result == ScanResult.infected("Eicar-Test-Signature")
        assert infected.tell() == 7, "the file is left where it was"
        assert scanner.scan(io.BytesIO(b"hello")).is_clean
        server.shutdown()
    assert received == [big, b"hello"]
