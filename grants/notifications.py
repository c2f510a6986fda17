"""Outbox senders for grant decisions: each takes the object, emails, returns a message id."""

from __future__ import annotations

from accounts import outbox
from grants.models import Application, Award, Letter
from grants.services.letters import letter_send
from grants.tasks import email_members


def send_application_ineligible(application: Application, period: str = "") -> str:
    return email_members(
        application,
        subject=f"Your application {application.reference}: not eligible",
        template="grants/email/ineligible.txt",
        extra={},
    )


def send_application_declined(application: Application, period: str = "") -> str:
    return letter_send(application=application, kind=Letter.Kind.DECLINE)


def send_award_made(award: Award, period: str = "") -> str:
    return letter_send(application=award.application, kind=Letter.Kind.AWARD)


def register() -> None:
    outbox.register("grants.application_ineligible", send_application_ineligible)
    outbox.register("grants.application_declined", send_application_declined)
    outbox.register("grants.award_made", send_award_made)
