"""Award and decline letters as PDFs: objects in, bytes out (the caller loads them)."""

from __future__ import annotations

import datetime as dt
from xml.sax.saxutils import escape  # nosec B406  # escapes text for ReportLab, parses nothing

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from documents import pdf
from documents.formatting import date_text, money
from grants.models import Application, Award

# Conditions every grant carries, after any the decision maker added.
STANDARD_CONDITIONS = [
    "Spend the grant only on the project and budget described in your application.",
    "Ask us in writing before changing how the money is used; we must agree first.",
    "Send the monitoring reports by the dates below.",
    "Return any money not spent on the project by the end of the grant.",
    "Acknowledge the Mayor's Safer Communities Fund in your publicity.",
]


def _letterhead(reference: str) -> pdf.Letterhead:
    return pdf.Letterhead(
        organisation=settings.ORGANISATION_NAME,
        address=settings.LETTER_ADDRESS,
        contact=settings.LETTER_CONTACT,
        service=settings.SERVICE_NAME,
        reference=reference,
    )


def _recipient(application: Application) -> list[str]:
    organisation = application.organisation
    return [
        organisation.name,
        organisation.address_line_1,
        organisation.address_line_2,
        organisation.town,
        organisation.postcode,
    ]


def accept_by(award: Award) -> dt.date:
    return award.accept_by


def award_letter(award: Award) -> bytes:
    """The offer of grant: amount, schedule, conditions, monitoring dates, how to accept."""
    application = award.application
    round = application.round
    head = _letterhead(award.reference)
    portal = settings.SITE_URL + reverse("grants:application-detail", args=[application.uuid])
    instalments = list(award.instalments.all())
    outcomes = [f"{o.code} {o.title}" for o in award.outcomes.all()]
    story = [
        pdf.address_block(
            head, _recipient(application), date_text(timezone.localdate(award.decided_at))
        ),
        pdf.text(f"Offer of grant: {award.reference}", "title"),
        pdf.text(f"Dear {application.organisation.name},"),
        pdf.text(
            f"I am pleased to offer you a grant of {money(award.amount, pence=True)} from the "
            f"{round.fund.name}, round {round.number}, for your project "
            f"“{application.project_title}”."
        ),
        pdf.key_values(
            [
                ("Reference", award.reference),
                ("Organisation", application.organisation.name),
                ("Project", application.project_title),
                ("Amount awarded", money(award.amount, pence=True)),
                (
                    "Project dates",
                    f"{date_text(award.planned_start)} to {date_text(award.planned_end)}",
                ),
                ("Plan priority", f"{award.primary_priority.code} {award.primary_priority.title}"),
            ]
        ),
        pdf.text("Payments", "heading"),
        pdf.money_table(
            ("Payment date", "Amount"),
            [(date_text(i.due_date), money(i.amount, pence=True)) for i in instalments],
            total=("Total", money(award.amount, pence=True)),
        ),
        pdf.text(
            "We pay once you have accepted this offer and we have checked your bank details.",
            "small",
        ),
        pdf.text("Conditions of the grant", "heading"),
        *pdf.bullets(
            [line for line in award.conditions.splitlines() if line.strip()] + STANDARD_CONDITIONS
        ),
        pdf.text("Monitoring", "heading"),
        pdf.text("Tell us what the grant has achieved in two short reports:"),
        *pdf.bullets([f"{name}: due {date_text(due)}" for name, due in award.monitoring_due_dates]),
    ]
    if outcomes:
        story += [
            pdf.text("What the grant is for", "heading"),
            pdf.text(
                "Your project supports these outcomes of the Police and Crime Plan "
                f"({award.plan.title}):"
            ),
            *pdf.bullets(outcomes),
        ]
    story += [
        pdf.text("How to accept", "heading"),
        pdf.rich(
            f"Sign in at <u>{escape(portal)}</u> and choose “Accept the grant” by "
            f"<b>{escape(date_text(accept_by(award)))}</b>. You will need the name and position "
            "of the person signing for your organisation, your bank details and a recent bank "
            "statement. If we do not hear from you by then, the offer may be withdrawn."
        ),
        *pdf.signature(
            settings.LETTER_SIGNATORY, settings.LETTER_SIGNATORY_ROLE, settings.ORGANISATION_NAME
        ),
    ]
    return pdf.render(
        story,
        letterhead=head,
        title=f"Offer of grant {award.reference}",
        author=settings.ORGANISATION_NAME,
    )


def decline_letter(application: Application, decided_on: dt.date) -> bytes:
    """The decision letter for a bid not funded, with the panel's feedback."""
    round = application.round
    head = _letterhead(application.reference or "")
    story = [
        pdf.address_block(head, _recipient(application), date_text(decided_on)),
        pdf.text(f"Your application {application.reference}", "title"),
        pdf.text(f"Dear {application.organisation.name},"),
        pdf.text(
            f"Thank you for applying to the {round.fund.name}, round {round.number}, for "
            f"“{application.project_title}”. We received many more strong applications than "
            "we could fund, and I am sorry to tell you that your application has not been "
            "successful this time."
        ),
        pdf.text("Feedback from the panel", "heading"),
        pdf.text(application.feedback),
        pdf.text("Further advice", "heading"),
        pdf.text(
            "If you would like to talk about this feedback or about applying again, contact "
            f"the grants team ({', '.join(settings.LETTER_CONTACT)}). Local infrastructure organisations "
            "such as your council for voluntary service can also help with bids."
        ),
        *pdf.signature(
            settings.LETTER_SIGNATORY, settings.LETTER_SIGNATORY_ROLE, settings.ORGANISATION_NAME
        ),
    ]
    return pdf.render(
        story,
        letterhead=head,
        title=f"Decision on {application.reference}",
        author=settings.ORGANISATION_NAME,
    )
