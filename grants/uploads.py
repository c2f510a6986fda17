"""Decide what an uploaded file really is from its content, never from its name, and refuse
what could harm the officers who open it.

Every upload goes through `checked_content_type`:
1. size: 10 MB at most, not empty;
2. type, from the first bytes: PDF, Word (.docx), JPEG or PNG;
3. one type only: no polyglots (a PDF that is also a web page or a ZIP, an image or Word
   file that a PDF reader would open as a PDF);
4. no active content: PDFs without JavaScript, automatic actions (/OpenAction actions,
   /AA), embedded files, /Launch or XFA forms, and readable (a PDF that does not parse, or
   needs a password, is refused); Word files without macros or ActiveX controls, without
   templates or objects loaded from elsewhere when opened, and not a zip bomb;
5. the virus scanner (core.scanning): infected files are refused, and a scanner that is set
   up but down holds the file (refused for now, "try again in a few minutes").
"""

from __future__ import annotations

import logging
import re
import zipfile

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    StreamObject,
)

from core.scanning import UploadNotSafe, scan_upload
from grants.errors import UploadRefused

logger = logging.getLogger(__name__)

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

# Word files: a zip bomb expands far beyond its size; real documents (text compresses about
# ten times, pictures hardly at all) stay well inside these.
DOCX_MAX_EXPANDED_BYTES = 100 * 1024 * 1024
DOCX_MAX_EXPANSION_RATIO = 100
DOCX_MAX_ENTRIES = 2000
DOCX_MAX_PART_XML_BYTES = 2 * 1024 * 1024  # [Content_Types].xml and each .rels file
# PDFs: more objects than this is not a document a group would send.
PDF_MAX_OBJECTS = 200_000

# PDF readers look for the PDF header anywhere in the first 1024 bytes; browsers sniff the
# first 512 for HTML.
HEAD_BYTES = 1024
HTML_MARKUP = re.compile(
    rb"<\s*(?:!doctype\s+html|html|head|body|script|iframe|svg|object|embed|meta|img)\b",
    re.IGNORECASE,
)
# Dictionary keys that carry code, automatic actions or other files.
PDF_ACTIVE_KEYS = frozenset(
    {"/JS", "/JavaScript", "/AA", "/EmbeddedFiles", "/EmbeddedFile", "/Launch", "/RichMedia"}
    | {"/XFA"}
)
# Action types (/S) that run code, start programs or fetch content.
PDF_ACTIVE_ACTIONS = frozenset(
    {"/JavaScript", "/Launch", "/ImportData", "/RichMediaExecute", "/GoToE", "/Rendition"}
)
# Long names found in the raw bytes, after #xx escapes are decoded: they cannot occur by
# chance in compressed data, and catch objects no cross-reference table lists.
PDF_RAW_NAME = re.compile(rb"/((?:[A-Za-z]|#[0-9A-Fa-f]{2}){8,14})(?=[\s/<>\[\]()%{}]|$)")
PDF_RAW_ACTIVE_NAMES = frozenset({"JavaScript", "EmbeddedFiles", "EmbeddedFile", "RichMedia"})
PDF_ANY_NAME = re.compile(rb"/((?:[A-Za-z0-9]|#[0-9A-Fa-f]{2})+)")
PDF_PACKED_ACTIVE_NAMES = frozenset(name.lstrip("/") for name in PDF_ACTIVE_KEYS) | frozenset(
    name.lstrip("/") for name in PDF_ACTIVE_ACTIONS
)
DOCX_MACRO_PARTS = re.compile(r"(^|/)(vbaproject\.bin|vbadata\.xml)$|(^|/)activex/", re.I)
# Relationships Word follows by itself when the file opens (remote template injection).
DOCX_REMOTE_RELATIONSHIP = re.compile(
    rb"<Relationship\b[^>]*?/(?:attachedTemplate|oleObject|frame|subDocument)\"[^>]*?"
    rb"TargetMode=\"External\"|<Relationship\b[^>]*?TargetMode=\"External\"[^>]*?"
    rb"/(?:attachedTemplate|oleObject|frame|subDocument)\"",
    re.IGNORECASE,
)

RESAVE = "Save it again from the program that made it and upload the new copy."
PROBLEMS = {
    "polyglot": (
        "is not a plain {description}: it also contains another kind of file (a web page "
        "or an archive). " + RESAVE
    ),
    "pdf_unreadable": "could not be read as a PDF: it may be damaged. " + RESAVE,
    "pdf_password": (  # nosec B105  # a message, not a password
        "is protected with a password. Save a copy without the password and upload that."
    ),
    "pdf_active": (
        "contains JavaScript, actions that run when it opens or files attached inside it, "
        "which we do not accept. Print it to a new PDF (choose “Print”, then “Save as PDF”) "
        "and upload that."
    ),
    "docx_unreadable": ("could not be opened as a Word document: it may be damaged. " + RESAVE),
    "docx_macros": (
        "contains macros or controls, which we do not accept. Save it as a Word document "
        "(.docx) or as a PDF and upload that."
    ),
    "docx_remote": (
        "loads a template or other content from elsewhere when it opens, which we do not "
        "accept. Save it as a PDF and upload that."
    ),
    "docx_bomb": (
        "becomes far bigger when opened (over {expanded_mb} MB), so it may be harmful. "
        "Save it as a PDF and upload that."
    ),
}


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
    problem = content_problem(uploaded, content_type)
    if problem:
        logger.warning(
            "Upload refused: %s",
            problem,
            extra={"file_name": uploaded.name, "content_type": content_type},
        )
        message = PROBLEMS[problem].format(
            description=_DESCRIPTIONS[content_type],
            expanded_mb=DOCX_MAX_EXPANDED_BYTES // 2**20,
        )
        raise UploadRefused(f"“{uploaded.name}” {message}")
    try:
        scan_upload(uploaded)
    except UploadNotSafe as refusal:
        raise UploadRefused(refusal.message) from refusal
    return content_type


_DESCRIPTIONS = {PDF: "PDF", DOCX: "Word document", JPEG: "JPEG image", PNG: "PNG image"}


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
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        finally:
            uploaded.seek(0)
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return DOCX
    return None


def content_problem(uploaded, content_type: str) -> str | None:
    """The key of PROBLEMS that refuses this file, or None when it is safe to keep."""
    try:
        problem = _polyglot_problem(uploaded, content_type)
        if problem is None and content_type == PDF:
            problem = _pdf_problem(uploaded)
        if problem is None and content_type == DOCX:
            problem = _docx_problem(uploaded)
        return problem
    finally:
        uploaded.seek(0)


def _polyglot_problem(uploaded, content_type: str) -> str | None:
    uploaded.seek(0)
    head = uploaded.read(HEAD_BYTES)
    uploaded.seek(max(0, uploaded.size - HEAD_BYTES))
    tail = uploaded.read(HEAD_BYTES)
    uploaded.seek(0)
    if content_type != DOCX:
        if HTML_MARKUP.search(head) or HTML_MARKUP.search(tail):
            return "polyglot"
        try:
            also_zip = zipfile.is_zipfile(uploaded)
        finally:
            uploaded.seek(0)
        if also_zip or b"PK\x03\x04" in head:
            return "polyglot"
    if content_type != PDF and b"%PDF-" in head:
        return "polyglot"
    return None


def _pdf_problem(uploaded) -> str | None:
    uploaded.seek(0)
    raw = uploaded.read()
    uploaded.seek(0)
    for match in PDF_RAW_NAME.finditer(raw):
        if _decoded_name(match.group(1)) in PDF_RAW_ACTIVE_NAMES:
            return "pdf_active"
    # Readers find the file's end first: without it in the last kilobytes the file is
    # damaged (and searching 10 MB for it would take pypdf seconds).
    if b"%%EOF" not in raw[-2048:] or b"startxref" not in raw[-4096:]:
        return "pdf_unreadable"
    # pypdf raises many kinds of exception on a hostile or damaged file; any of them means
    # we cannot vouch for the file, so it is refused.
    try:
        reader = PdfReader(uploaded, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return "pdf_password"
        return "pdf_active" if _pdf_has_active_content(reader) else None
    except _PdfTooComplex:
        return "pdf_unreadable"
    except Exception:  # any failure to parse: see above
        logger.info("Upload refused: the PDF does not parse", exc_info=True)
        return "pdf_unreadable"


class _PdfTooComplex(Exception):
    pass


def _decoded_name(raw: bytes) -> str:
    return re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw).decode(
        "latin-1"
    )


def _pdf_has_active_content(reader: PdfReader) -> bool:
    """Walk every object the file holds (object streams included), not just the pages."""
    objects: list = [reader.trailer]
    numbers = {
        (number, generation) for generation, entries in reader.xref.items() for number in entries
    }
    numbers |= {(number, 0) for number in reader.xref_objStm}
    if len(numbers) > PDF_MAX_OBJECTS:
        raise _PdfTooComplex
    for number, generation in numbers:
        objects.append(reader.get_object(IndirectObject(number, generation, reader)))
    stack = objects
    while stack:
        item = stack.pop()
        if isinstance(item, StreamObject) and item.get("/Type") == "/ObjStm":
            # The objects packed in an object stream, read as text: also those that no
            # cross-reference entry lists.
            packed = {_decoded_name(m.group(1)) for m in PDF_ANY_NAME.finditer(item.get_data())}
            if packed & PDF_PACKED_ACTIVE_NAMES:
                return True
        if isinstance(item, DictionaryObject):
            for key, value in item.items():
                if key in PDF_ACTIVE_KEYS:
                    return True
                if key == "/S" and isinstance(value, NameObject) and value in PDF_ACTIVE_ACTIONS:
                    return True
                if key == "/OpenAction" and _is_action(value):
                    return True
                if not isinstance(value, IndirectObject):
                    stack.append(value)
        elif isinstance(item, ArrayObject):
            stack.extend(value for value in item if not isinstance(value, IndirectObject))
    return False


def _is_action(value) -> bool:
    """An /OpenAction that does something: a destination (which page, what zoom, as word
    processors write) is fine; an action dictionary other than "go to a page" is not."""
    if isinstance(value, IndirectObject):
        value = value.get_object()
    if isinstance(value, DictionaryObject):
        return value.get("/S") != "/GoTo"
    return False


def _docx_problem(uploaded) -> str | None:
    uploaded.seek(0)
    try:
        with zipfile.ZipFile(uploaded) as archive:
            entries = archive.infolist()
            expanded = sum(entry.file_size for entry in entries)
            if (
                len(entries) > DOCX_MAX_ENTRIES
                or expanded > DOCX_MAX_EXPANDED_BYTES
                or expanded > DOCX_MAX_EXPANSION_RATIO * max(uploaded.size, 1)
            ):
                return "docx_bomb"
            if any(DOCX_MACRO_PARTS.search(entry.filename) for entry in entries):
                return "docx_macros"
            for entry in entries:
                name = entry.filename
                if name == "[Content_Types].xml" or name.endswith(".rels"):
                    if entry.file_size > DOCX_MAX_PART_XML_BYTES:
                        return "docx_unreadable"
                    part = archive.read(entry)
                    if name == "[Content_Types].xml" and re.search(
                        rb"macroEnabled|vbaProject|ms-office\.activeX", part, re.IGNORECASE
                    ):
                        return "docx_macros"
                    if name.endswith(".rels") and DOCX_REMOTE_RELATIONSHIP.search(part):
                        return "docx_remote"
            # Read every part to the end: the zip module stops at each part's stated size
            # and checks its CRC, so a part that hides a bigger one, or is damaged, fails.
            for entry in entries:
                with archive.open(entry) as part_file:
                    while part_file.read(1024 * 1024):
                        pass
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return "docx_unreadable"
    except NotImplementedError:  # a compression method Word does not use
        return "docx_unreadable"
    finally:
        uploaded.seek(0)
    return None
