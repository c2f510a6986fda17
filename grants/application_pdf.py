"""A submitted application as a PDF, to print or keep: every answer of every section, the
budget with its total, the documents' names, the plan alignment and the declarations,
with the reference and submission time (London) on the first page and the reference on
every page. Objects in, bytes out: the caller loads the application (with
selectors.application_for_form) and nothing is stored.

Answers are laid out as flowing paragraphs, not table cells, so a long answer breaks
across pages instead of overflowing one."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from xml.sax.saxutils import escape  # nosec B406  # escapes text for ReportLab, parses nothing

from django.conf import settings
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Paragraph, Table, TableStyle

from documents import pdf
from documents.formatting import date_text, deadline_text, money
from grants.forms.sections import DeclarationsForm
from grants.models import Application
from grants.sections import SECTION_TITLES

NOT_ANSWERED = "Not answered"
DECLARATIONS = ["declaration_true", "declaration_terms", "declaration_data"]


@cache
def _label_style() -> ParagraphStyle:
    """A question (a conditional break before it keeps it off the foot of a page; not
    keepWithNext, which would push a long answer whole onto the next page)."""
    body = pdf.styles()["body"]
    return ParagraphStyle(
        "answer_label",
        parent=body,
        fontName=pdf.FONT_BOLD,
        spaceBefore=4,
        spaceAfter=1,
    )


@cache
def _heading_style() -> ParagraphStyle:
    return ParagraphStyle("section_heading", parent=pdf.styles()["heading"], spaceBefore=14)


def _answer(label: str, value: object) -> list:
    """A question in bold and the group's answer below it, line breaks kept. Built
    directly (not through pdf.rich's cache): answers are the group's own words."""
    shown = str(value).replace("\r\n", "\n").replace("\r", "\n").strip() if value else ""
    body = pdf.styles()["body"]
    return [
        CondPageBreak(20 * mm),
        Paragraph(escape(label), _label_style()),
        Paragraph(escape(shown or NOT_ANSWERED).replace("\n", "<br/>"), body),
    ]


def _heading(slug: str) -> list:
    return [CondPageBreak(40 * mm), Paragraph(escape(SECTION_TITLES[slug]), _heading_style())]


def _budget_table(application: Application) -> Table | Paragraph:
    lines = list(application.budget_lines.all())
    if not lines:
        return pdf.text("No budget lines.")
    cell = pdf.styles()["cell"]
    bold = pdf.styles()["cell_bold"]
    total = sum((line.amount for line in lines), Decimal(0))
    data = [
        [Paragraph("Item", bold), Paragraph("Type of cost", bold), "Amount"],
        *[
            [
                Paragraph(escape(line.description), cell),
                Paragraph(escape(line.get_category_display()), cell),
                money(line.amount, pence=True),
            ]
            for line in lines
        ],
        [Paragraph("Total", bold), "", money(total, pence=True)],
    ]
    size = cell.fontSize
    table = Table(data, colWidths=[85 * mm, 50 * mm, None], hAlign="LEFT", repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), pdf.FONT, size),
                ("FONT", (2, 0), (2, 0), pdf.FONT_BOLD, size),
                ("FONT", (2, -1), (2, -1), pdf.FONT_BOLD, size),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (2, 0), (2, -1), "RIGHT"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, colors.HexColor("#b1b4b6")),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    return table


def _organisation(application: Application) -> list:
    organisation = application.organisation
    address = ", ".join(
        part
        for part in (
            organisation.address_line_1,
            organisation.address_line_2,
            organisation.town,
            organisation.postcode,
        )
        if part
    )
    story = [
        *_heading("organisation"),
        *_answer("Organisation", organisation.name),
        *_answer("Type of organisation", organisation.get_type_display()),
    ]
    if organisation.charity_number:
        story += _answer("Charity number", organisation.charity_number)
    if organisation.company_number:
        story += _answer("Company number", organisation.company_number)
    story += [
        *_answer("Address", address),
        *_answer("District", organisation.district.name if organisation.district else ""),
    ]
    return story


def _project(application: Application) -> list:
    dates = (
        f"{date_text(application.start_date)} to {date_text(application.end_date)}"
        if application.start_date and application.end_date
        else ""
    )
    return [
        *_heading("project"),
        *_answer("Project title", application.project_title),
        *_answer("Summary", application.summary),
        *_answer("Activities", application.activities),
        *_answer("Project dates", dates),
        *_answer("Pot", application.pot.name if application.pot else ""),
        *_answer(
            "Amount requested",
            money(application.amount_requested, pence=True)
            if application.amount_requested is not None
            else "",
        ),
    ]


def _where(application: Application) -> list:
    districts = (
        "Across West Yorkshire"
        if application.across_west_yorkshire
        else ", ".join(district.name for district in application.districts.all())
    )
    story = [*_heading("where"), *_answer("Districts", districts)]
    if application.postcodes.strip():
        story += _answer("Postcodes or wards", application.postcodes)
    count = application.beneficiary_count
    story += _answer("Who it will help", application.beneficiary_groups)
    story += _answer("How many people it will help", f"{count:,}" if count is not None else "")
    return story


def _alignment(application: Application) -> list:
    priority = application.primary_priority
    outcomes = [f"{outcome.code} {outcome.title}" for outcome in application.outcomes.all()]
    themes = ", ".join(theme.title for theme in application.themes.all())
    story = [
        *_heading("alignment"),
        *_answer("Police and Crime Plan", application.round.plan.title),
        *_answer("Main priority", f"{priority.code} {priority.title}" if priority else ""),
        CondPageBreak(20 * mm),
        Paragraph("Outcomes", _label_style()),
    ]
    story += pdf.bullets(outcomes) if outcomes else [pdf.text("None chosen.")]
    story += _answer("Themes", themes or "None chosen.")
    story += _answer("How the project contributes to the plan", application.contribution)
    return story


def _documents(application: Application) -> list:
    documents = [
        f"{document.get_kind_display()}: {document.original_name}"
        for document in application.documents.all()
    ]
    return [
        *_heading("documents"),
        *(pdf.bullets(documents) if documents else [pdf.text("No documents.")]),
    ]


def _declarations(application: Application) -> list:
    fields = DeclarationsForm.base_fields
    story = [*_heading("declarations")]
    for name in DECLARATIONS:
        story += _answer(str(fields[name].label), "Yes" if getattr(application, name) else "No")
    submitter = application.submitter_name
    if application.submitter_position:
        submitter = f"{submitter}, {application.submitter_position}"
    return story + _answer("Submitted by", submitter)


def application_pdf(application: Application) -> bytes:
    """The submitted application on A4 with the letterhead band, fonts embedded and page
    numbers. Expects what selectors.application_for_form loads."""
    round = application.round
    reference = application.reference or ""
    head = pdf.Letterhead(
        organisation=settings.ORGANISATION_NAME,
        address=[],
        contact=[],
        service=settings.SERVICE_NAME,
        reference=reference,
    )
    submitted = deadline_text(application.submitted_at) if application.submitted_at else ""
    story = [
        pdf.text(f"Application {reference}", "title"),
        pdf.text(application.project_title or NOT_ANSWERED, "heading"),
        pdf.key_values(
            [
                ("Reference", reference),
                ("Submitted", submitted),
                ("Fund", f"{round.fund.name}, round {round.number}"),
                ("Organisation", application.organisation.name),
            ]
        ),
        pdf.text(
            "This is the application as it was submitted. Times are UK time.",
            "small",
        ),
        *_organisation(application),
        *_project(application),
        *_where(application),
        *_alignment(application),
        *_heading("budget"),
        _budget_table(application),
        *_documents(application),
        *_declarations(application),
    ]
    return pdf.render(
        story,
        letterhead=head,
        title=f"Application {reference}",
        author=application.organisation.name,
    )


def filename(application: Application) -> str:
    return f"application-{application.reference or application.uuid}.pdf"
