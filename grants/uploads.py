"""Decide what an uploaded file really is from its first bytes, never from its name."""

from __future__ import annotations

import zipfile

from grants.errors import UploadRefused

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_DOCUMENTS_PER_APPLICATION = 12
ALLOWED_DESCRIPTION = "a PDF, Word document (.docx), JPEG or PNG"

PDF, DOCX, JPEG, PNG = (
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "image/jpeg",
    "image/png",
)
EXTENSIONS = {PDF: "pdf", DOCX: "docx", JPEG: "jpg", PNG: "png"}


def checked_content_type(uploaded) -> str:
    """The accepted type of an upload, or UploadRefused saying in plain words what is wrong."""

    if uploaded.size > MAX_UPLOAD_BYTES:
        raise UploadRefused(
            f"“{uploaded.name}” is {uploaded.size / 1024 / 1024:.1f} MB: each file must be 10 MB or smaller."
        )
    if uploaded.size == 0:
        raise UploadRefused(f"“{uploaded.name}” is empty.")
    content_type = sniff_content_type(uploaded)
    if content_type is None:
        raise UploadRefused(
            f"“{uploaded.name}” is not {ALLOWED_DESCRIPTION}. We check what a file "
            "contains, not just its name: save it as one of those types and try again."
        )
    return content_type


def sniff_content_type(uploaded) -> str | None:
    """The file's real type if it is one we accept, else None."""
    uploaded.seek(0)
    head = uploaded.read(8)
    uploaded.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(uploaded) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError):
            return None
        finally:
            uploaded.seek(0)
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return DOCX
    return None
