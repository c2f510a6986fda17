"""Sending one email with a Message-ID we keep (the outbox records it as proof of sending)."""

from __future__ import annotations

from email.utils import make_msgid
from urllib.parse import urlparse

from django.conf import settings
from django.core.mail import EmailMessage


def new_message_id() -> str:
    return make_msgid(domain=urlparse(settings.SITE_URL).hostname or "localhost")


def send_tracked(*, subject: str, body: str, to: list[str]) -> str:
    """Send a plain-text email; return its Message-ID."""
    message_id = new_message_id()
    EmailMessage(subject=subject, body=body, to=to, headers={"Message-ID": message_id}).send()
    return message_id
