"""Reads for decision letters: the round's letters and how many are sent, pending or failed."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from core.models import OutboxMessage
from grants.models import Application, Award, Round


def letter_messages_for_round(*, round: Round):
    """The outbox rows of the round's decision letters, each with `state` (sent, pending or
    failed) and `application` set; the first failure counts as failed until it is sent."""

    types = ContentType.objects.get_for_models(Application, Award)
    awards = dict(
        Award.objects.filter(application__round=round).values_list("pk", "application_id")
    )
    applications = {
        a.pk: a
        for a in Application.objects.filter(round=round, submitted_at__isnull=False)
        .select_related("organisation")
        .only("pk", "uuid", "reference", "status", "organisation__name")
    }
    messages = list(
        OutboxMessage.objects.filter(period="")
        .filter(
            Q(kind="grants.award_made", content_type=types[Award], object_id__in=list(awards))
            | Q(
                kind="grants.application_declined",
                content_type=types[Application],
                object_id__in=list(applications),
            )
        )
        .order_by("created_at", "pk")
    )
    for message in messages:
        application_id = (
            awards[message.object_id] if message.kind == "grants.award_made" else message.object_id
        )
        # set for the template, which shows them beside the message
        message.application = applications[application_id]  # type: ignore[attr-defined]
        message.state = "sent" if message.sent_at else ("failed" if message.attempts else "pending")  # type: ignore[attr-defined]
    return sorted(messages, key=lambda m: m.application.reference)


def letter_counts(messages) -> dict[str, int]:
    return {
        state: sum(1 for m in messages if m.state == state)
        for state in ("sent", "pending", "failed")
    }
