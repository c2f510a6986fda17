"""ReportLab building blocks for long reports: a contents page, numbered headings with PDF
bookmarks, page numbers, wide tables and a symbol font for trend arrows.

Data in, bytes out; no queries. Every font is embedded: the letter fonts (documents.pdf)
and DejaVu Sans (documents/fonts, its licence beside it), used only for the arrows
the letter fonts lack (↑ ↓ ↔), always with a word beside them.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape  # nosec B406  # escapes text for ReportLab, parses nothing

from reportlab.lib import colors
from reportlab.lib.fonts import addMapping
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from documents.pdf import BRAND, FONT, FONT_BOLD, MARGIN, register_fonts, styles

SYMBOLS = "ReportSymbols"
GREY = colors.HexColor("#b1b4b6")
DARK_GREY = colors.HexColor("#505a5f")
LIGHT = colors.HexColor("#f3f2f1")
ARROWS = frozenset("↑↓↔")


@cache
def register_symbol_font() -> None:
    register_fonts()
    path = Path(__file__).parent / "fonts" / "DejaVuSans.ttf"
    pdfmetrics.registerFont(TTFont(SYMBOLS, str(path)))
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(SYMBOLS, bold, italic, SYMBOLS)  # arrows in bold cells too


def symbol_font_has(glyphs: str) -> bool:
    """Whether the embedded symbol font draws every character of `glyphs`."""
    register_symbol_font()
    font = pdfmetrics.getFont(SYMBOLS)
    return all(ord(glyph) in font.face.charToGlyph for glyph in glyphs)


@cache
def report_styles() -> dict[str, ParagraphStyle]:
    register_symbol_font()
    base = styles()
    body = base["body"]
    return {
        **base,
        "h1": ParagraphStyle(
            "h1", parent=body, fontName=FONT_BOLD, fontSize=16, leading=20, spaceBefore=4,
            spaceAfter=8, textColor=BRAND,
        ),
        "h2": ParagraphStyle(
            "h2", parent=body, fontName=FONT_BOLD, fontSize=12.5, leading=16, spaceBefore=10,
            spaceAfter=6,
        ),
        "cover": ParagraphStyle(
            "cover", parent=body, fontName=FONT_BOLD, fontSize=22, leading=28, spaceAfter=14,
        ),
        "cell_small": ParagraphStyle(
            "cell_small", parent=body, fontSize=8, leading=10, spaceAfter=0
        ),
        "cell_small_bold": ParagraphStyle(
            "cell_small_bold", parent=body, fontName=FONT_BOLD, fontSize=8, leading=10,
            spaceAfter=0,
        ),
        "toc1": ParagraphStyle(
            "toc1", parent=body, fontName=FONT_BOLD, fontSize=11, leading=16, leftIndent=0
        ),
        "toc2": ParagraphStyle(
            "toc2", parent=body, fontSize=10, leading=13, leftIndent=8 * mm, spaceAfter=1
        ),
    }  # fmt: skip


class Heading(Paragraph):
    """A heading that goes into the contents and the PDF's bookmarks."""

    def __init__(self, text: str, level: int = 1) -> None:
        self.level = level
        self.plain = text
        super().__init__(escape(text), report_styles()[f"h{level}"])


def heading(text: str, level: int = 1) -> Heading:
    return Heading(text, level)


def para(value: str, style: str = "body") -> Paragraph:
    """Plain text as a paragraph; the arrows drawn in the symbol font."""
    return Paragraph(with_symbols(escape(value)), report_styles()[style])


def with_symbols(markup: str) -> str:
    """Escaped text with each arrow set in the symbol font (the letter fonts lack them)."""
    if not ARROWS.intersection(markup):
        return markup
    return "".join(f'<font name="{SYMBOLS}">{c}</font>' if c in ARROWS else c for c in markup)


def contents() -> TableOfContents:
    toc = TableOfContents(dotsMinLevel=0)
    s = report_styles()
    toc.levelStyles = [s["toc1"], s["toc2"]]
    # Its table's cells would otherwise start in Helvetica, which is not embedded.
    toc.tableStyle = TableStyle(
        [
            ("FONT", (0, 0), (-1, -1), FONT, 10),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ]
    )
    return toc


def data_table(
    header: list[str],
    rows: list[list[str]],
    *,
    widths: list[float] | None = None,
    numeric: tuple[int, ...] = (),
    total_row: bool = False,
    small: bool = False,
) -> Table:
    """A table with a bold header row repeated on each page; `numeric` columns right-
    aligned; a last TOTAL row in bold. Cells are wrapped paragraphs (arrows included)."""
    s = report_styles()
    cell = s["cell_small" if small else "cell"]
    bold = s["cell_small_bold" if small else "cell_bold"]
    right = ParagraphStyle(f"{cell.name}-right", parent=cell, alignment=2)
    right_bold = ParagraphStyle(f"{bold.name}-right", parent=bold, alignment=2)

    def wrap(value: str, column: int, strong: bool) -> Paragraph:
        style = (
            (right_bold if strong else right) if column in numeric else (bold if strong else cell)
        )
        return Paragraph(with_symbols(escape(value)).replace("\n", "<br/>"), style)

    last = len(rows)
    data = [[wrap(h, i, True) for i, h in enumerate(header)]]
    for number, row in enumerate(rows, start=1):
        strong = total_row and number == last
        data.append([wrap(value, i, strong) for i, value in enumerate(row)])
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, cell.fontSize),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), LIGHT),
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, GREY),
                ("LINEABOVE", (0, last), (-1, last), 1, colors.black)
                if total_row and rows
                else ("LINEBELOW", (0, 0), (-1, 0), 0.5, GREY),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


class ReportDocument(BaseDocTemplate):
    """A4 pages with a running head and page numbers; headings feed the contents."""

    def __init__(self, buffer, *, title: str, author: str, running_head: str) -> None:
        super().__init__(
            buffer,
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=22 * mm,
            bottomMargin=20 * mm,
            title=title,
            author=author,
            lang="en-GB",
            initialFontName=FONT,  # never ReportLab's Helvetica, which is not embedded
        )
        self.running_head = running_head
        self.headings = 0
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._decorate)])

    def _decorate(self, canvas, doc) -> None:
        canvas.saveState()
        width, height = A4
        canvas.setFillColor(BRAND)
        canvas.rect(0, height - 12 * mm, width, 12 * mm, stroke=0, fill=1)
        canvas.setFillColor(colors.white)
        canvas.setFont(FONT_BOLD, 10)
        canvas.drawString(MARGIN, height - 8 * mm, self.running_head)
        canvas.setFillColor(DARK_GREY)
        canvas.setFont(FONT, 8)
        canvas.drawRightString(width - MARGIN, 10 * mm, f"Page {doc.page}")
        canvas.restoreState()

    def afterFlowable(self, flowable) -> None:
        if isinstance(flowable, Heading):
            self.headings += 1
            key = f"h{self.headings}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(flowable.plain, key, level=flowable.level - 1)
            # The contents draws each entry as a Paragraph, which reads markup: escape it,
            # as the heading itself is (a "<" in a priority's title must stay text).
            self.notify("TOCEntry", (flowable.level - 1, escape(flowable.plain), self.page, key))

    def handle_documentBegin(self) -> None:
        self.headings = 0  # each layout pass numbers the bookmarks afresh
        super().handle_documentBegin()


def render_report(story: list, *, title: str, author: str, running_head: str) -> bytes:
    """Lay out the story (twice when it has a contents page, which needs the page
    numbers) and return the PDF."""
    register_symbol_font()
    buffer = io.BytesIO()
    doc = ReportDocument(buffer, title=title, author=author, running_head=running_head)
    doc.multiBuild(story)
    return buffer.getvalue()
