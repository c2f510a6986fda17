"""What is published about a grant: the group's public title and summary, written when it
accepts, and officers withholding a grant or its location, each with a reason, audited."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.errors import NotAllowed
from grants.models import Award, PublicationChange
from grants.publication import public_text_errors
from grants.services.awards import AcceptanceInput, award_accept
from grants.services.screening import _require_officer

Change = PublicationChange.Change
GROUP_WITHHELD_LOCATION = (
    "The group asked, when it accepted the grant, that where the project works is not published."
)


@dataclass(frozen=True)
class PublicationInput:
    public_title: str
    public_summary: str
    withhold_location: bool = False


def _merge(first: dict[str, str], error: ValidationError) -> ValidationError:
    merged: dict[str, list[str]] = {key: [message] for key, message in first.items()}
    for key, messages in error.message_dict.items():
        merged.setdefault(key, list(messages))
    return ValidationError(merged)


def _save_text(award: Award, actor: User, title: str, summary: str, reason: str = "") -> None:
    award.public_title = title.strip()
    award.public_summary = summary.strip()
    award.publication_changed_at = timezone.now()
    award.save(update_fields=["public_title", "public_summary", "publication_changed_at"])
    PublicationChange.objects.create(award=award, change=Change.TEXT, actor=actor, reason=reason)


def _set_withheld(award: Award, actor: User, *, location: bool, withhold: bool, reason: str):
    field = "location_withheld" if location else "publication_withheld"
    setattr(award, field, withhold)
    setattr(award, f"{field}_reason", reason if withhold else "")
    award.publication_changed_at = timezone.now()
    award.save(update_fields=[field, f"{field}_reason", "publication_changed_at"])
    if location:
        change = Change.LOCATION_WITHHELD if withhold else Change.LOCATION_RELEASED
    else:
        change = Change.GRANT_WITHHELD if withhold else Change.GRANT_RELEASED
    PublicationChange.objects.create(award=award, change=change, actor=actor, reason=reason)


@transaction.atomic
def award_accept_with_publication(
    *, award: Award, actor: User, data: AcceptanceInput, publication: PublicationInput
) -> Award:
    """Accept the grant and record what is published about it, in one transaction.

    Every problem with the acceptance and with the public text is listed at once; the
    acceptance is undone if the public text is refused. Ticking "do not publish where the
    project works" withholds the location from the start (a refuge's, say)."""
    text_errors = public_text_errors(
        title=publication.public_title, summary=publication.public_summary
    )
    try:
        award = award_accept(award=award, actor=actor, data=data)
    except ValidationError as error:
        raise _merge(text_errors, error) from None
    if text_errors:
        raise ValidationError(text_errors)
    _save_text(award, actor, publication.public_title, publication.public_summary)
    if publication.withhold_location:
        _set_withheld(award, actor, location=True, withhold=True, reason=GROUP_WITHHELD_LOCATION)
    return award


def _lock(award: Award) -> Award:
    return Award.objects.select_for_update().get(pk=award.pk)


@transaction.atomic
def award_public_text_record(*, award: Award, actor: User, title: str, summary: str) -> Award:
    """An officer writes (or corrects) the public title and summary, for a grant accepted
    without one or whose text needed putting right. The same checks as at acceptance."""
    _require_officer(actor)
    award = _lock(award)
    if not award.is_accepted:
        raise NotAllowed("The group writes the public summary when it accepts the grant.")
    errors = public_text_errors(title=title, summary=summary)
    if errors:
        raise ValidationError(errors)
    _save_text(award, actor, title, summary, reason="Written by a grants officer")
    return award


def _reason(reason: str) -> str:
    if not reason.strip():
        raise ValidationError(
            {"reason": "Give the reason: it is kept with the change for the audit."}
        )
    return reason.strip()


def _change(award: Award, actor: User, *, location: bool, withhold: bool, reason: str) -> Award:
    _require_officer(actor)
    reason = _reason(reason)
    award = _lock(award)
    current = award.location_withheld if location else award.publication_withheld
    if current == withhold:
        what = "Its location" if location else "This grant"
        state = "already withheld" if withhold else "not withheld"
        raise NotAllowed(f"{what} is {state}.")
    _set_withheld(award, actor, location=location, withhold=withhold, reason=reason)
    return award


@transaction.atomic
def award_publication_withhold(*, award: Award, actor: User, reason: str) -> Award:
    """Keep the grant out of every file and public page, from the next page view on (the
    published files holding it are taken down at once: see opendata.selectors)."""
    return _change(award, actor, location=False, withhold=True, reason=reason)


@transaction.atomic
def award_publication_release(*, award: Award, actor: User, reason: str) -> Award:
    """Publish a withheld grant again, from the next file."""
    return _change(award, actor, location=False, withhold=False, reason=reason)


@transaction.atomic
def award_location_withhold(*, award: Award, actor: User, reason: str) -> Award:
    """Publish the grant without where it works (a refuge's location is never published)."""
    return _change(award, actor, location=True, withhold=True, reason=reason)


@transaction.atomic
def award_location_release(*, award: Award, actor: User, reason: str) -> Award:
    """Publish where the grant works again, from the next file."""
    return _change(award, actor, location=True, withhold=False, reason=reason)
