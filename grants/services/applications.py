"""Every write to grant applications. One function per state change; all atomic."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import District, Organisation, User
from accounts.permissions import is_org_member
from core.errors import NotAllowed
from core.outbox import outbox_enqueue
from core.parsers import parse_uuid
from core.workflow import SystemActor, transition
from documents.formatting import deadline_text
from grants import uploads
from grants.errors import DeadlinePassed, IncompleteApplication, RoundNotOpen, UploadRefused
from grants.models import (
    Application,
    ApplicationDocument,
    BudgetLine,
    Fund,
    Pot,
    ReminderSent,
    Round,
)
from grants.sections import SECTION_SLUGS, application_problems
from grants.selectors.applications import application_for_form
from grants.selectors.choices import round_filter_choices_forget
from grants.services.screening import screening_checks_ensure
from outcomes.models import Plan, Priority

COPYABLE_FIELDS = (
    "project_title",
    "summary",
    "activities",
    "across_west_yorkshire",
    "postcodes",
    "beneficiary_groups",
    "beneficiary_count",
    "contribution",
)


def _lock(application: Application) -> Application:
    return Application.objects.select_for_update().select_related("round").get(pk=application.pk)


def _require_draft(application: Application) -> None:
    if application.status != Application.Status.DRAFT:
        raise NotAllowed(
            f"This application has been {application.get_status_display().lower()} and can no "
            "longer be changed."
        )


@transaction.atomic
def application_start(*, round: Round, organisation: Organisation, actor: User) -> Application:
    """Start a draft, or return the organisation's live application for this round."""
    if not round.is_open:
        raise RoundNotOpen("This round is not open for applications.")
    existing = (
        Application.objects.filter(round=round, organisation=organisation)
        .exclude(status=Application.Status.WITHDRAWN)
        .first()
    )
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Application.objects.create(
                round=round, organisation=organisation, created_by=actor
            )
    except IntegrityError:  # a colleague started one at the same moment
        return Application.objects.exclude(status=Application.Status.WITHDRAWN).get(
            round=round, organisation=organisation
        )


@transaction.atomic
def application_save_section(
    *,
    application: Application,
    actor: User,
    section: str,
    values: dict[str, Any],
    unsaved: dict[str, str] | None = None,
) -> Application:
    """Save a section's answers; text that failed validation is kept in `unsaved_input`.

    `values` holds valid, typed answers (many-to-many fields as lists). Required answers
    are not enforced here: a draft may be saved half done; submission checks completeness.
    """
    if section not in SECTION_SLUGS:
        raise ValidationError(f"Unknown section {section}")
    application = _lock(application)
    _require_draft(application)
    _save_answers(application, section, values, unsaved)
    return application


def application_autosave(
    *,
    application: Application,
    actor: User,
    section: str,
    values: dict[str, Any],
    unsaved: dict[str, str] | None = None,
) -> Application:
    """Save what is typed so far, as a section save does, but with no history row: history
    keeps section saves and transitions, not every pause in typing. `application` must be
    the draft loaded under its row lock in the caller's open transaction
    (grants.permissions.lock_application_to_change), so it is not loaded again."""
    if section not in SECTION_SLUGS:
        raise ValidationError(f"Unknown section {section}")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Autosave needs the application locked in an open transaction")
    _require_draft(application)
    # django-simple-history writes no row for a save while this attribute is set.
    setattr(application, "skip_history_when_saving", True)  # noqa: B010
    try:
        _save_answers(application, section, values, unsaved)
    finally:
        delattr(application, "skip_history_when_saving")
    return application


def _save_answers(
    application: Application,
    section: str,
    values: dict[str, Any],
    unsaved: dict[str, str] | None,
) -> None:
    many = {
        name: value
        for name, value in values.items()
        if isinstance(value, list | tuple | set) or hasattr(value, "all")
    }
    plain = {name: value for name, value in values.items() if name not in many}
    for name, value in plain.items():
        setattr(application, name, value)
    pending = {
        key: text
        for key, text in application.unsaved_input.items()
        if not key.startswith(f"{section}.")
    }
    for name, text in (unsaved or {}).items():
        pending[f"{section}.{name}"] = text
    application.unsaved_input = pending
    if section not in application.saved_sections:
        application.saved_sections = [*application.saved_sections, section]
    application.save(update_fields=[*plain, "unsaved_input", "saved_sections", "updated_at"])
    for name, value in many.items():
        getattr(application, name).set(value)


@transaction.atomic
def budget_line_add(
    *, application: Application, actor: User, description: str, category: str, amount
) -> BudgetLine:
    application = _lock(application)
    _require_draft(application)
    if category in BudgetLine.EXCLUDED:
        raise ValidationError({"category": BudgetLine.EXCLUDED[category]})
    position = application.budget_lines.count()
    line = BudgetLine.objects.create(
        application=application,
        description=description,
        category=category,
        amount=amount,
        position=position,
    )
    if "budget" not in application.saved_sections:
        application.saved_sections = [*application.saved_sections, "budget"]
    application.save(update_fields=["saved_sections", "updated_at"])
    return line


@transaction.atomic
def budget_line_update(
    *, application: Application, actor: User, line_id: int, description: str, category: str, amount
) -> BudgetLine:
    """Change a budget line of a draft; a line that is not the draft's is a ValidationError."""
    application = _lock(application)
    _require_draft(application)
    if category in BudgetLine.EXCLUDED:
        raise ValidationError({"category": BudgetLine.EXCLUDED[category]})
    line = application.budget_lines.filter(pk=line_id).first()
    if line is None:
        raise ValidationError("This budget line has been removed: add it again if you need it")
    line.description, line.category, line.amount = description, category, amount
    line.save(update_fields=["description", "category", "amount"])
    application.save(update_fields=["updated_at"])
    return line


@transaction.atomic
def budget_line_remove(*, application: Application, actor: User, line_id: int) -> None:
    application = _lock(application)
    _require_draft(application)
    application.budget_lines.filter(pk=line_id).delete()
    application.save(update_fields=["updated_at"])


@transaction.atomic
def document_upload(
    *, application: Application, actor: User, kind: str, uploaded
) -> ApplicationDocument:
    """Store a file privately under a random name, if its content is an accepted type."""
    application = _lock(application)
    _require_draft(application)
    content_type = uploads.checked_content_type(uploaded)
    if application.documents.count() >= uploads.MAX_DOCUMENTS_PER_APPLICATION:
        raise UploadRefused(
            f"You can upload up to {uploads.MAX_DOCUMENTS_PER_APPLICATION} files: remove one first."
        )
    document = ApplicationDocument(
        application=application,
        kind=kind,
        original_name=uploaded.name[-200:],
        content_type=content_type,
        size=uploaded.size,
        uploaded_by=actor,
    )
    document.file.save("upload", uploaded, save=False)
    document.save()
    application.save(update_fields=["updated_at"])
    return document


@transaction.atomic
def document_remove(*, application: Application, actor: User, document_uuid) -> None:
    application = _lock(application)
    _require_draft(application)
    document_uuid = parse_uuid(document_uuid)
    document = application.documents.filter(uuid=document_uuid).first() if document_uuid else None
    if document is None:
        return
    stored = document.file.name
    storage = document.file.storage
    document.delete()
    transaction.on_commit(lambda: storage.delete(stored))  # type: ignore[arg-type]  # a stored file has a name


@transaction.atomic
def application_submit(
    *, application: Application, actor: User, now: dt.datetime | None = None
) -> Application:
    """Submit a complete draft before the deadline; give it the round's next reference.

    The server's clock at this moment decides: at or after `closes_at` the bid is refused
    and stays a draft. References come from a counter on the locked round row, so they are
    unique and gap-free even when many groups submit at once.
    """

    application = _lock(application)
    _require_draft(application)
    now = now or timezone.now()
    round = Round.objects.select_for_update().get(pk=application.round_id)
    if now >= round.closes_at:
        raise DeadlinePassed(
            f"This round closed at {deadline_text(round.closes_at)}. Your application has not "
            "been submitted, but your answers are saved."
        )
    if not round.is_open_at(now):
        raise RoundNotOpen("This round is not open for applications.")
    problems = application_problems(application_for_form(application.pk))
    if problems:
        raise IncompleteApplication(
            "Your application is not finished yet.", extra={"problems": problems}
        )
    round.last_reference_number += 1
    round.save(update_fields=["last_reference_number"])
    application.reference = f"{round.reference_prefix}-{round.last_reference_number:04d}"
    application.submitted_at = now
    application.submitted_by = actor
    application.unsaved_input = {}
    transition(
        application,
        to_status=Application.Status.SUBMITTED,
        actor=actor,
        extra_fields=("reference", "submitted_at", "submitted_by", "unsaved_input", "updated_at"),
    )
    outbox_enqueue(kind="grants.application_receipt", obj=application)
    return application


@transaction.atomic
def application_withdraw(*, application: Application, actor: User, reason: str) -> Application:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Tell us why you are withdrawing"})
    application = _lock(application)
    if not application.can_be_withdrawn:
        raise NotAllowed(
            f"This application has been {application.get_status_display().lower()}: it can no longer be withdrawn."
        )
    application.withdrawn_reason = reason
    transition(
        application,
        to_status=Application.Status.WITHDRAWN,
        actor=actor,
        reason=reason,
        extra_fields=("withdrawn_reason", "updated_at"),
    )
    return application


@transaction.atomic
def application_copy(*, source: Application, round: Round, actor: User) -> Application:
    """Start a draft for another round with the answers (and documents) of an earlier one.

    Only the group's own members may: officers see every bid but never apply for a group."""
    if not is_org_member(actor, source.organisation):
        raise NotAllowed(f"Only members of {source.organisation.name} can copy its applications.")
    draft = application_start(round=round, organisation=source.organisation, actor=actor)
    if draft.saved_sections:
        raise NotAllowed(
            "You already have an application for this round. Carry on with that one instead."
        )
    for field in COPYABLE_FIELDS:
        setattr(draft, field, getattr(source, field))
    if source.round.plan_id == round.plan_id:
        draft.primary_priority_id = source.primary_priority_id
    draft.saved_sections = [
        s for s in source.saved_sections if s not in ("project", "declarations")
    ]
    draft.save()
    draft.districts.set(source.districts.all())
    if source.round.plan_id == round.plan_id:
        draft.outcomes.set(source.outcomes.all())
        draft.themes.set(source.themes.all())
    for document in source.documents.all():
        copy = ApplicationDocument(
            application=draft,
            kind=document.kind,
            original_name=document.original_name,
            content_type=document.content_type,
            size=document.size,
            uploaded_by=actor,
        )
        with document.file.open("rb") as handle:
            copy.file.save("upload", ContentFile(handle.read()), save=False)
        copy.save()
    return draft


@dataclass
class ReminderResult:
    sent: int
    skipped: int


def reminders_send_due(*, now: dt.datetime | None = None) -> ReminderResult:
    """Email holders of unsubmitted drafts 7 days and 1 day before their round closes.

    Each (draft, milestone) is claimed by inserting a ReminderSent row first; the unique
    constraint makes a second run, or two overlapping runs, send nothing more.
    """

    now = now or timezone.now()
    sent = skipped = 0
    # A draft started late gets only the nearer reminder, never "a week left" with a day to go.
    for milestone, nearest, furthest in (("7_days", 1, 7), ("1_day", 0, 1)):
        drafts = Application.objects.filter(
            status=Application.Status.DRAFT,
            round__status=Round.Status.OPEN,
            round__closes_at__gt=now + dt.timedelta(days=nearest),
            round__closes_at__lte=now + dt.timedelta(days=furthest),
        ).exclude(reminders__milestone=milestone)
        for application_id in drafts.values_list("pk", flat=True):
            try:
                with transaction.atomic():
                    ReminderSent.objects.create(application_id=application_id, milestone=milestone)
                    outbox_enqueue(
                        kind="grants.draft_reminder",
                        obj=Application(pk=application_id),
                        period=milestone,
                    )
            except IntegrityError:
                skipped += 1
                continue
            sent += 1
    return ReminderResult(sent=sent, skipped=skipped)


@dataclass(frozen=True, kw_only=True)
class FundDetails:
    name: str
    code: str
    funding_source: str = ""
    description: str = ""


@dataclass(frozen=True, kw_only=True)
class RoundDetails:
    """What an officer sets on a round; `status` moves through round_open/round_close."""

    fund: Fund
    number: int
    title: str
    plan: Plan
    opens_at: dt.datetime
    closes_at: dt.datetime
    reference_prefix: str
    status: str = Round.Status.DRAFT
    theme: str = ""
    description: str = ""
    priorities: Sequence[Priority] = ()
    all_districts: bool = True
    districts: Sequence[District] = ()
    postcodes: str = ""
    assessment_deadline: dt.date | None = None


@dataclass(frozen=True, kw_only=True)
class PotDetails:
    name: str
    max_award: Decimal
    budget: Decimal
    min_award: Decimal = Decimal("0")
    description: str = ""
    joint_bids_allowed: bool = False
    position: int = 0


def _set_fields(instance: Any, details: Any, *, skip: tuple[str, ...] = ()) -> list[str]:
    """Copy a details dataclass onto a model; return the many-to-many names left to set."""
    many = []
    for item in fields(details):
        if item.name in skip:
            continue
        if instance._meta.get_field(item.name).many_to_many:
            many.append(item.name)
        else:
            setattr(instance, item.name, getattr(details, item.name))
    return many


@transaction.atomic
def round_save(*, details: RoundDetails, actor: User, round: Round | None = None) -> Round:
    """Create or change a round; a change of status goes through round_open/round_close.

    A new round starts as a draft (so one created open has its opening audited too) with
    the standard screening checklist, which the officer may then change."""
    # A fresh copy: the caller's may carry a status a form set on it by assignment.
    round = Round.objects.select_for_update().get(pk=round.pk) if round else Round()
    creating = round.pk is None
    many = _set_fields(round, details, skip=("status",))
    round.full_clean()
    round.save()
    if creating:
        screening_checks_ensure(round=round)
    for name in many:
        getattr(round, name).set(getattr(details, name))
    if details.status == Round.Status.OPEN and round.status != Round.Status.OPEN:
        round_open(round=round, actor=actor)
    elif details.status == Round.Status.CLOSED and round.status != Round.Status.CLOSED:
        round_close(round=round, actor=actor)
    elif details.status == Round.Status.DRAFT and round.status != Round.Status.DRAFT:
        raise ValidationError(
            {"status": "A round that has opened cannot go back to draft: close it instead"}
        )
    round.refresh_from_db()
    _forget_choices(round)
    return round


@transaction.atomic
def round_open(*, round: Round, actor: User) -> Round:
    """Open a draft or closed round to applicants (it takes bids between its two dates)."""
    locked = Round.objects.select_for_update().get(pk=round.pk)
    transition(locked, to_status=Round.Status.OPEN, actor=actor)
    round.status = locked.status
    return locked


@transaction.atomic
def round_close(*, round: Round, actor: User | SystemActor) -> Round:
    """Close an open round: applicants can no longer start or submit bids to it.

    SYSTEM closes it when no person does (the demo's past round)."""
    locked = Round.objects.select_for_update().get(pk=round.pk)
    transition(locked, to_status=Round.Status.CLOSED, actor=actor)
    round.status = locked.status
    return locked


@transaction.atomic
def pot_save(*, details: PotDetails, round: Round, actor: User, pot: Pot | None = None) -> Pot:
    """Create or change one of a round's pots."""
    pot = Pot.objects.select_for_update().get(pk=pot.pk) if pot else Pot()
    _set_fields(pot, details)
    pot.round = round
    pot.full_clean()
    pot.save()
    _forget_choices(round)
    return pot


def _forget_choices(round: Round) -> None:
    """The officers' filters list the round's pots: read them afresh once this commits."""
    transaction.on_commit(lambda: round_filter_choices_forget(round=round))


@transaction.atomic
def fund_save(*, details: FundDetails, actor: User, fund: Fund | None = None) -> Fund:
    """Create or change a fund."""
    fund = Fund.objects.select_for_update().get(pk=fund.pk) if fund else Fund()
    _set_fields(fund, details)
    fund.full_clean()
    fund.save()
    return fund
