"""Reads for decision letters: how many of a round's letters are sent, waiting or failed,
and one page of them at a time (keyset pages, in the order they were queued)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import BigIntegerField, Case, Count, F, OuterRef, Q, QuerySet, Subquery, When

from core.keyset import Key, keyset_page
from core.models import OutboxMessage
from grants.models import Application, Award, Round

LETTERS_PAGE_SIZE = 50
CURSOR_SALT = "grants.round-letters"
AWARD_MADE = "grants.award_made"
DECLINED = "grants.application_declined"

# A letter is sent, waiting to send, or failed (tried and not sent yet).
STATES = {
    "failed": Q(sent_at__isnull=True, attempts__gt=0),
    "pending": Q(sent_at__isnull=True, attempts=0),
    "sent": Q(sent_at__isnull=False),
}
STATE_LABELS = [("failed", "Failed"), ("pending", "Waiting to send"), ("sent", "Sent")]


def _letters(round: Round) -> QuerySet[OutboxMessage]:
    """The outbox rows of the round's decision letters, found by subqueries (no id lists)."""
    types = ContentType.objects.get_for_models(Application, Award)
    return OutboxMessage.objects.filter(period="").filter(
        Q(
            kind=AWARD_MADE,
            content_type=types[Award],
            object_id__in=Award.objects.filter(application__round=round).values("pk"),
        )
        | Q(
            kind=DECLINED,
            content_type=types[Application],
            object_id__in=Application.objects.filter(
                round=round, submitted_at__isnull=False
            ).values("pk"),
        )
    )


def letter_counts(*, round: Round) -> dict[str, int]:
    """How many of the round's letters are sent, pending and failed (one query)."""
    return _letters(round).aggregate(
        **{state: Count("pk", filter=condition) for state, condition in STATES.items()}
    )


def failed_letter_ids(*, round: Round) -> list[int]:
    return list(_letters(round).filter(STATES["failed"]).values_list("pk", flat=True))


@dataclass
class LetterPage:
    rows: list[dict]  # each with kind, state, sent_at, attempts, last_error and application
    next_cursor: str | None
    previous_cursor: str | None


def letter_page(
    *, round: Round, state: str = "", cursor: str = "", size: int | None = None
) -> LetterPage:
    """One page of the round's letters, oldest queued first, `state` one of STATES or all.

    Two queries at any depth: the page's outbox rows (each with its bid's id), then those
    bids' references and organisations."""
    letters = _letters(round)
    if state in STATES:
        letters = letters.filter(STATES[state])
    award_application = Award.objects.filter(pk=OuterRef("object_id")).values("application_id")
    rows = letters.annotate(
        application_id=Case(
            When(kind=AWARD_MADE, then=Subquery(award_application)),
            default=F("object_id"),
            output_field=BigIntegerField(),
        )
    ).values("pk", "kind", "sent_at", "attempts", "last_error", "application_id")
    page = keyset_page(
        rows,
        keys=[Key(F("created_at"), dt.datetime.fromisoformat)],
        cursor=cursor,
        tag=state or "all",
        salt=CURSOR_SALT,
        size=size or LETTERS_PAGE_SIZE,
    )
    applications = {
        row["pk"]: row
        for row in Application.objects.filter(
            pk__in=[row["application_id"] for row in page.rows]
        ).values("pk", "uuid", "reference", "organisation__name")
    }
    for row in page.rows:
        row["application"] = applications.get(row["application_id"])
        row["state"] = "sent" if row["sent_at"] else ("failed" if row["attempts"] else "pending")
    return LetterPage(page.rows, page.next_cursor, page.previous_cursor)
