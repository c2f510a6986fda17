"""Decision letters: render once, store, email once with the PDF attached."""

from __future__ import annotations

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Model
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core import outbox
from core.mail import new_message_id
from core.models import OutboxMessage
from core.outbox import outbox_enqueue
from core.text import one_line
from core.workflow import SYSTEM, transition
from grants import letters
from grants.models import Application, Award, Letter
from grants.selectors.letters import failed_letter_ids
from grants.services.screening import _require_officer

KIND_FOR_STATUS: dict[str, str] = {
    Application.Status.APPROVED: Letter.Kind.AWARD,
    Application.Status.OFFERED: Letter.Kind.AWARD,
    Application.Status.ACCEPTED: Letter.Kind.AWARD,
    Application.Status.OFFER_DECLINED: Letter.Kind.AWARD,
    Application.Status.ACTIVE: Letter.Kind.AWARD,
    Application.Status.COMPLETED: Letter.Kind.AWARD,
    Application.Status.DECLINED: Letter.Kind.DECLINE,
}


def _award_for(application: Application) -> Award:
    return (
        Award.objects.select_related(
            "application__organisation", "application__round__fund", "plan", "primary_priority"
        )
        .prefetch_related("instalments", "outcomes")
        .get(application=application)
    )


def _render(application: Application, kind: str) -> bytes:
    if kind == Letter.Kind.AWARD:
        return letters.award_letter(_award_for(application))
    decided = (
        application.panel_items.exclude(decided_at=None)
        .values_list("decided_at", flat=True)
        .first()
    )
    return letters.decline_letter(application, timezone.localdate(decided or timezone.now()))


def letter_kind_for(application: Application) -> str | None:
    return KIND_FOR_STATUS.get(application.status)


@transaction.atomic
def letter_get_or_render(*, application: Application, kind: str) -> Letter:
    """The stored letter, rendering and storing it the first time it is asked for."""
    existing = Letter.objects.select_for_update().filter(application=application, kind=kind).first()
    if existing is not None:
        return existing
    content = _render(application, kind)
    letter = Letter(application=application, kind=kind, size=len(content))
    letter.file.save("letter.pdf", ContentFile(content), save=False)
    letter.save()
    return letter


def letter_for_reading(*, application: Application, kind: str) -> tuple[Letter, bytes]:
    """The letter and its PDF for reading on the site; never stores anything.

    Once sent, the stored letter (what the group was emailed); before then a fresh render,
    dated today, that the send will store."""
    stored = Letter.objects.filter(application=application, kind=kind).first()
    if stored is not None:
        with stored.file.open("rb") as handle:
            return stored, handle.read()
    content = _render(application, kind)
    unsaved = Letter(application=application, kind=kind, size=len(content))
    unsaved.created_at = timezone.now()
    return unsaved, content


def letter_send(*, application: Application, kind: str, updated: bool = False) -> str:
    """Email the letter to every member of the group, once; return the message id.

    A letter already marked sent is not sent again (the outbox may retry a row whose send
    went out but whose "sent" mark was lost)."""
    letter = letter_get_or_render(application=application, kind=kind)
    if letter.sent_at is not None:
        return letter.message_id
    application = Application.objects.select_related("organisation", "round__fund").get(
        pk=application.pk
    )
    context = {
        "application": application,
        "letter": letter,
        "award": getattr(application, "award", None),
        "url": settings.SITE_URL + reverse("grants:letter", args=[application.uuid]),
        "service_name": settings.SERVICE_NAME,
    }
    template = f"grants/email/letter_{kind}"
    title = letter.get_kind_display()
    if updated:
        title = f"Updated {title[0].lower()}{title[1:]}"
    message_id = new_message_id()
    email = EmailMultiAlternatives(
        subject=one_line(f"{title}: {application.reference}"),
        body=render_to_string(f"{template}.txt", context),
        to=sorted(application.organisation.memberships.values_list("user__email", flat=True)),
        headers={"Message-ID": message_id},
    )
    email.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    with letter.file.open("rb") as stored:
        email.attach(letter.filename, stored.read(), "application/pdf")
    email.send()
    Letter.objects.filter(pk=letter.pk).update(sent_at=timezone.now(), message_id=message_id)
    return message_id


@transaction.atomic
def application_offer(*, application: Application) -> bool:
    """Mark an approved bid as offered once its award letter has been sent; the system
    makes this change, not a person. Return whether it moved.

    Does nothing if the letter has not been sent yet, or the bid has moved on already
    (accepted or declined before the letter's "sent" mark arrived)."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.status != Application.Status.APPROVED:
        return False
    sent = Letter.objects.filter(
        application=locked, kind=Letter.Kind.AWARD, sent_at__isnull=False
    ).exists()
    if not sent:
        return False
    transition(
        locked, to_status=Application.Status.OFFERED, actor=SYSTEM, reason="Award letter sent"
    )
    return True


def _letter_messages(round) -> list[tuple[str, Model]]:
    """(outbox kind, object) for every decided bid in the round that gets a letter."""
    awards = Award.objects.filter(application__round=round)
    declined = Application.objects.filter(round=round, status=Application.Status.DECLINED)
    return [("grants.award_made", award) for award in awards] + [
        ("grants.application_declined", application) for application in declined
    ]


@transaction.atomic
def letters_send_for_round(*, round, actor) -> int:
    """Queue a letter for every decided bid in the round (once each); return how many
    were newly queued. Letters already queued or sent are left alone."""

    _require_officer(actor)
    before = OutboxMessage.objects.count()
    for kind, obj in _letter_messages(round):
        outbox_enqueue(kind=kind, obj=obj)
    return OutboxMessage.objects.count() - before


@transaction.atomic
def letters_retry_failed(*, round, actor) -> int:
    """Give failed letters in the round a fresh set of attempts; the relay sends them."""

    _require_officer(actor)
    failed = failed_letter_ids(round=round)
    OutboxMessage.objects.filter(pk__in=failed).update(attempts=0, last_error="")
    transaction.on_commit(outbox.relay_soon)  # looked up at call time: tests replace it
    return len(failed)
