"""ReportLab building blocks for letters: fonts, styles, letterhead, page numbers.

Data in, bytes out; no queries. The fonts are the Bitstream Vera TTFs that ship with
ReportLab, embedded in every PDF, so the pound sign and accents render everywhere.
"""

from __future__ import annotations

import copy
import io
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from xml.sax.saxutils import escape  # nosec B406  # escapes text for ReportLab, parses nothing

import reportlab
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.fonts import addMapping
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    CondPageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

FONT = "LetterSans"
FONT_BOLD = "LetterSans-Bold"
BRAND = colors.HexColor("#1d70b8")
MARGIN = 20 * mm


@cache
def register_fonts() -> None:
    fonts = Path(reportlab.__file__).parent / "fonts"
    for name, file in (
        (FONT, "Vera.ttf"),
        (FONT_BOLD, "VeraBd.ttf"),
        (f"{FONT}-Italic", "VeraIt.ttf"),
        (f"{FONT}-BoldItalic", "VeraBI.ttf"),
    ):
        pdfmetrics.registerFont(TTFont(name, str(fonts / file)))
    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, FONT_BOLD)
    addMapping(FONT, 0, 1, f"{FONT}-Italic")
    addMapping(FONT, 1, 1, f"{FONT}-BoldItalic")


@cache
def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=14.5, spaceAfter=6)
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8.5, leading=11),
        "right": ParagraphStyle("right", parent=body, alignment=TA_RIGHT, spaceAfter=0),
        "title": ParagraphStyle(
            "title", parent=body, fontName=FONT_BOLD, fontSize=15, leading=19, spaceAfter=10
        ),
        "heading": ParagraphStyle(
            "heading", parent=body, fontName=FONT_BOLD, fontSize=11.5, leading=15, spaceBefore=8
        ),
        "cell": ParagraphStyle("cell", parent=body, spaceAfter=0),
        "cell_bold": ParagraphStyle("cell_bold", parent=body, fontName=FONT_BOLD, spaceAfter=0),
    }


@lru_cache(maxsize=1024)
def _parsed(markup: str, style: str) -> Paragraph:
    return Paragraph(markup, styles()[style])


def rich(markup: str, style: str = "body") -> Paragraph:
    """A paragraph of ReportLab markup the caller built from escaped parts.

    Parsing markup is most of a paragraph's cost and letters repeat their headings and
    standard wording, so parsed paragraphs are cached and each use gets a shallow copy
    (layout state lives on the copy)."""
    return copy.copy(_parsed(markup, style))


def text(value: str, style: str = "body") -> Paragraph:
    """A paragraph of plain text: escaped, line breaks kept."""
    return rich(escape(value).replace("\n", "<br/>"), style)


def bullets(items: list[str]) -> list[Paragraph]:
    return [rich(f"•&nbsp;&nbsp;{escape(item)}") for item in items]


def key_values(rows: list[tuple[str, str]]) -> Table:
    """A two-column table of labels and values (labels drawn as plain strings: faster)."""
    s = styles()
    table = Table(
        # Short values as plain strings; only long ones need a wrapping paragraph.
        [[k, v if len(v) <= 55 else text(v, "cell")] for k, v in rows],
        colWidths=[55 * mm, None],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, s["cell"].fontSize, s["cell"].leading),
                ("FONT", (0, 0), (0, -1), FONT_BOLD, s["cell"].fontSize, s["cell"].leading),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.HexColor("#b1b4b6")),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def money_table(
    header: tuple[str, str], rows: list[tuple[str, str]], total: tuple[str, str] | None = None
) -> Table:
    """A table with a right-aligned money column, e.g. a payment schedule (short cells:
    plain strings, no paragraphs)."""
    size = styles()["cell"].fontSize
    data = [list(header), *[list(row) for row in rows]]
    if total:
        data.append(list(total))
    last = len(data) - 1
    table = Table(data, colWidths=[110 * mm, None], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, size),
                ("FONT", (0, 0), (-1, 0), FONT_BOLD, size),
                *([("FONT", (0, last), (-1, last), FONT_BOLD, size)] if total else []),
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.HexColor("#b1b4b6")),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    return table


@dataclass
class Letterhead:
    organisation: str
    address: list[str]
    contact: list[str]
    service: str = ""
    reference: str = ""
    extra: list[str] = field(default_factory=list)


def _decorate(letterhead: Letterhead):
    def draw(canvas, doc) -> None:
        canvas.saveState()
        width, height = A4
        canvas.setFillColor(BRAND)
        canvas.rect(0, height - 12 * mm, width, 12 * mm, stroke=0, fill=1)
        canvas.setFillColor(colors.white)
        canvas.setFont(FONT_BOLD, 11)
        canvas.drawString(MARGIN, height - 8 * mm, letterhead.organisation)
        canvas.setFillColor(colors.HexColor("#505a5f"))
        canvas.setFont(FONT, 8)
        footer = (
            f"{letterhead.service}  ·  {letterhead.reference}"
            if letterhead.reference
            else letterhead.service
        )
        canvas.drawString(MARGIN, 10 * mm, footer)
        canvas.drawRightString(width - MARGIN, 10 * mm, f"Page {doc.page}")
        canvas.restoreState()

    return draw


def address_block(letterhead: Letterhead, recipient: list[str], date_line: str) -> Table:
    """The sender's address on the right, the recipient's on the left, then the date."""
    s = styles()
    sender = "<br/>".join(escape(line) for line in [*letterhead.address, *letterhead.contact])
    to = "<br/>".join(escape(line) for line in recipient if line)
    table = Table(
        [
            [Paragraph(to, s["cell"]), Paragraph(sender, s["right"])],
            ["", Paragraph(escape(date_line), s["right"])],
        ],
        colWidths=[95 * mm, None],
    )
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 1), (-1, 1), 8),
            ]
        )
    )
    return table


def signature(name: str, role: str, organisation: str) -> list:
    """The sign-off, kept on one page (a conditional break is cheaper than KeepTogether)."""
    return [
        CondPageBreak(50 * mm),
        Spacer(1, 6 * mm),
        text("Yours sincerely,"),
        Spacer(1, 12 * mm),
        rich(f"<b>{escape(name)}</b><br/>{escape(role)}<br/>{escape(organisation)}"),
    ]


def render(story: list, *, letterhead: Letterhead, title: str, author: str) -> bytes:
    """Lay out `story` on A4 with the letterhead band and page numbers; return PDF bytes."""
    register_fonts()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=22 * mm,
        bottomMargin=20 * mm,
        title=title,
        author=author,
        lang="en-GB",
        # ReportLab otherwise selects Helvetica at the start of each page: a font that is
        # not embedded, which archiving and accessibility checkers reject.
        initialFontName=FONT,
    )
    decorate = _decorate(letterhead)
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()
