"""Downloads in tests: the body of a response whether it streams or not, and golden files
(the bytes an export gave before it streamed, kept under tests/golden/ and compared)."""

from __future__ import annotations

import os
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden"


def body(response) -> bytes:
    """All of a response's bytes; a streamed one is read to its end (the test client
    closes it then, without closing the database connection as response.close() would)."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def xlsx_text(content: bytes) -> str:
    """What a reader sees in an XLSX file, as text (the bytes differ by timestamps)."""
    from pprint import pformat

    from tests.core.legacy_xlsx import cells

    return pformat(cells(content), width=100) + "\n"


def assert_golden(name: str, content: bytes) -> None:
    """`content` is byte for byte tests/golden/<name>. UPDATE_GOLDEN=1 writes the file
    (done once, with the export as it was before it streamed)."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_bytes(content)
    assert path.exists(), f"{path} is missing: run once with UPDATE_GOLDEN=1"
    assert content == path.read_bytes(), f"{name} differs from its golden file"
