"""Sending one email with a Message-ID we keep (the outbox records it as proof of sending)."""

from __future__ import annotations

from email.utils import make_msgid
from urllib.parse import urlparse

from django.conf import settings
from django.core.mail import EmailMessage

from core.text import one_line


def new_message_id() -> str:
    return make_msgid(domain=urlparse(settings.SITE_URL).hostname or "localhost")


def send_tracked(*, subject: str, body: str, to: list[str]) -> str:
    """Send a plain-text email; return its Message-ID.

    The subject is flattened to one line: it is often built from stored names, and a line
    break in a header would stop the email being sent at all."""
    message_id = new_message_id()
    EmailMessage(
        subject=one_line(subject), body=body, to=to, headers={"Message-ID": message_id}
    ).send()
    return message_id
