"""Plain text people type: single-line fields, email subjects, and guidance shown as
paragraphs and bullet lists (never as markup)."""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

# Bidirectional overrides and isolates: they reorder what a reader sees (a name shown
# backwards, a reference that reads as another).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def _is_control(character: str) -> bool:
    return character in BIDI_CONTROLS or (
        unicodedata.category(character) in ("Cc", "Zl", "Zp") and character not in LINE_BREAKS
    )


def single_line_problem(value: str) -> str | None:
    """What a one-line answer must not contain, if `value` holds it; else None."""
    if any(character in LINE_BREAKS for character in value):
        return "line breaks"
    if any(_is_control(character) for character in value):
        return "tabs or control characters"
    return None


@deconstructible
class SingleLineValidator:
    """Refuse line breaks and control characters in a one-line answer (a name, a title, a
    reference): they break email headers, CSV rows and letters, and can hide text.

    `name` starts the message: "Organisation name must not contain line breaks"."""

    code = "single_line"

    def __init__(self, name: str = "This answer") -> None:
        self.name = name

    def __call__(self, value: object) -> None:
        problem = single_line_problem(str(value)) if value is not None else None
        if problem:
            raise ValidationError(
                f"{self.name} must not contain {problem}: write it on one line",
                code=self.code,
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SingleLineValidator) and other.name == self.name


def one_line(text: str) -> str:
    """`text` with line breaks and control characters turned into single spaces (for an
    email subject or any header built from stored text)."""
    flattened = "".join(
        " " if character in LINE_BREAKS or _is_control(character) else character
        for character in str(text)
    )
    return re.sub(r" {2,}", " ", flattened).strip()


BULLET = re.compile(r"^\s*[-*]\s+")


def text_blocks(text: str) -> list[tuple[str, list[str]]]:
    """Plain text as blocks: ("p", lines) for a paragraph, ("ul", items) for a bulleted
    list. A blank line starts a new paragraph; lines starting "- " or "* " are list items."""
    blocks: list[tuple[str, list[str]]] = []
    normalised = str(text).replace("\r\n", "\n").replace("\r", "\n")
    for chunk in re.split(r"\n[ \t]*\n", normalised):
        current: tuple[str, list[str]] | None = None
        for line in chunk.split("\n"):
            if not line.strip():
                continue
            kind = "ul" if BULLET.match(line) else "p"
            content = BULLET.sub("", line).strip() if kind == "ul" else line.strip()
            if current is None or current[0] != kind:
                current = (kind, [])
                blocks.append(current)
            current[1].append(content)
    return blocks
