"""Outbox senders for commissioning: each takes the return and the message's period,
emails, and returns a message id ("" when there is nothing left to say)."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from commissioning.models import MonitoringReturn
from core import outbox
from core.mail import send_tracked

WHEN = {"due_14": "due on {due}", "due_today": "due today"}


def _load(monitoring_return: MonitoringReturn) -> MonitoringReturn:
    return MonitoringReturn.objects.select_related(
        "contract__provider", "contract__service", "contract__lead_commissioner"
    ).get(pk=monitoring_return.pk)


def _provider_emails(monitoring_return: MonitoringReturn) -> list[str]:
    return sorted(
        monitoring_return.contract.provider.memberships.values_list("user__email", flat=True)
    )


def _send(monitoring_return, *, subject: str, template: str, to: list[str], **extra) -> str:
    if not to:
        return ""
    context = {
        "r": monitoring_return,
        "contract": monitoring_return.contract,
        "url": settings.SITE_URL + reverse("commissioning:return", args=[monitoring_return.uuid]),
        "review_url": settings.SITE_URL
        + reverse("commissioning:return-review", args=[monitoring_return.uuid]),
        "service_name": settings.SERVICE_NAME,
        "today": timezone.localdate(),
        **extra,
    }
    return send_tracked(
        subject=subject, body=render_to_string(template, context), to=sorted(set(to))
    )


def _title(r: MonitoringReturn) -> str:
    return f"{r.period.label} return for {r.contract.reference}"


def send_return_reminder(monitoring_return: MonitoringReturn, period: str = "") -> str:
    """Remind the provider; nothing if the return was submitted since this was queued."""
    r = _load(monitoring_return)
    if not r.is_editable or r.submitted_at is not None:
        return ""
    when = WHEN.get(period, "overdue").format(due=f"{r.due_date:%-d %B %Y}")
    return _send(
        r,
        subject=f"Your {_title(r)} is {when}",
        template="commissioning/email/return_reminder.txt",
        to=_provider_emails(r),
        milestone=period,
    )


def send_return_escalation(monitoring_return: MonitoringReturn, period: str = "") -> str:
    """Tell the lead commissioner a return is 14 days overdue."""
    r = _load(monitoring_return)
    if not r.is_editable or r.submitted_at is not None:
        return ""
    return _send(
        r,
        subject=f"Overdue: {r.contract.provider.name}'s {_title(r)}",
        template="commissioning/email/return_escalation.txt",
        to=[r.contract.lead_commissioner.email],
        days_overdue=(timezone.localdate() - r.due_date).days,
    )


def send_return_submitted(monitoring_return: MonitoringReturn, period: str = "") -> str:
    r = _load(monitoring_return)
    return _send(
        r,
        subject=f"Submitted for review: {r.contract.provider.name}'s {_title(r)}",
        template="commissioning/email/return_submitted.txt",
        to=[r.contract.lead_commissioner.email],
    )


def send_return_changes_requested(monitoring_return: MonitoringReturn, period: str = "") -> str:
    r = _load(monitoring_return)
    review = (
        r.reviews.filter(pk=int(period.removeprefix("review-")))
        .prefetch_related("comments__measure")
        .first()
    )
    if review is None:
        return ""
    return _send(
        r,
        subject=f"Changes needed to your {_title(r)}",
        template="commissioning/email/return_changes.txt",
        to=_provider_emails(r),
        review=review,
    )


def send_return_accepted(monitoring_return: MonitoringReturn, period: str = "") -> str:
    r = _load(monitoring_return)
    return _send(
        r,
        subject=f"Accepted: your {_title(r)}",
        template="commissioning/email/return_accepted.txt",
        to=_provider_emails(r),
    )


def register() -> None:
    outbox.register("commissioning.return_reminder", send_return_reminder)
    outbox.register("commissioning.return_escalation", send_return_escalation)
    outbox.register("commissioning.return_submitted", send_return_submitted)
    outbox.register("commissioning.return_changes_requested", send_return_changes_requested)
    outbox.register("commissioning.return_accepted", send_return_accepted)
