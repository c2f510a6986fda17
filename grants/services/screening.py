"""Due-diligence screening: the round's checklist and each bid's eligible/ineligible call."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from core.errors import NotAllowed
from core.outbox import outbox_enqueue
from core.workflow import transition
from grants.models import DEFAULT_SCREENING_CHECKS, Application, Round, Screening, ScreeningCheck
from grants.permissions import runs_grants


def _require_officer(actor: User) -> None:
    if not runs_grants(actor):
        raise NotAllowed("Only grants officers can do this.")


def screening_checks_ensure(*, round: Round) -> list[ScreeningCheck]:
    """The round's checklist, starting it from the standard checks if it has none.

    A write: called when a round is created and by the services that change its checklist,
    never by a page that only shows it."""
    checks = list(round.screening_checks.all())
    if checks:
        return checks
    with transaction.atomic():
        for position, (question, guidance) in enumerate(DEFAULT_SCREENING_CHECKS, start=1):
            ScreeningCheck.objects.get_or_create(
                round=round,
                question=question,
                defaults={"guidance": guidance, "position": position},
            )
    return list(round.screening_checks.all())


@transaction.atomic
def screening_check_add(
    *, round: Round, actor: User, question: str, guidance: str = ""
) -> ScreeningCheck:
    _require_officer(actor)
    screening_checks_ensure(round=round)  # a new check joins the standard ones
    question = question.strip()
    if not question:
        raise ValidationError(
            {"question": "Enter the check, for example “Public liability insurance”."}
        )
    position = (round.screening_checks.aggregate(last=Max("position"))["last"] or 0) + 1
    try:
        with transaction.atomic():
            return ScreeningCheck.objects.create(
                round=round, question=question, guidance=guidance.strip(), position=position
            )
    except IntegrityError:
        raise ValidationError({"question": "This round already has that check."}) from None


@transaction.atomic
def screening_check_remove(*, round: Round, actor: User, check_id: int) -> None:
    """Remove a check; screenings already done keep their own copy of the questions."""
    _require_officer(actor)
    screening_checks_ensure(round=round)
    round.screening_checks.filter(pk=check_id).delete()


@dataclass(frozen=True)
class CheckAnswer:
    question: str
    passed: bool | None  # None: not answered
    note: str = ""
    key: str = ""  # the form field it was answered in, so a missing answer is shown there


@transaction.atomic
def application_screen(
    *,
    application: Application,
    actor: User,
    answers: list[CheckAnswer],
    outcome: str,
    reason: str = "",
) -> Screening:
    """Record the checklist and move a submitted bid to eligible or ineligible.

    Every check needs an answer. Eligible needs every check passed. Ineligible needs a
    reason in plain words: it is emailed to the applicant.
    """
    _require_officer(actor)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != Application.Status.SUBMITTED:
        raise NotAllowed(
            f"This bid has already been screened: it is {application.get_status_display().lower()}."
        )
    errors: dict[str, str] = {}
    for answer in answers:
        if answer.passed is None:
            errors[answer.key or "__all__"] = f"Answer “{answer.question}”: pass or fail."
    if outcome not in Screening.Outcome.values:
        errors["outcome"] = "Choose whether the bid is eligible or ineligible."
    elif outcome == Screening.Outcome.ELIGIBLE and any(
        answer.passed is False for answer in answers
    ):
        errors["outcome"] = (
            "A bid that fails a check cannot be eligible. Choose ineligible and say why."
        )
    elif outcome == Screening.Outcome.INELIGIBLE and not reason.strip():
        errors["reason"] = "Say why the bid is ineligible. The applicant is sent these words."
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    screening = Screening.objects.create(
        application=application,
        results=[
            {"question": answer.question, "passed": answer.passed, "note": answer.note.strip()}
            for answer in answers
        ],
        outcome=outcome,
        reason=reason.strip(),
        screened_by=actor,
        screened_at=now,
    )
    if outcome == Screening.Outcome.ELIGIBLE:
        transition(
            application,
            to_status=Application.Status.ELIGIBLE,
            actor=actor,
            reason="Passed screening",
        )
    else:
        application.feedback = reason.strip()
        transition(
            application,
            to_status=Application.Status.INELIGIBLE,
            actor=actor,
            reason=reason.strip(),
            extra_fields=("feedback",),
        )
        outbox_enqueue(kind="grants.application_ineligible", obj=application)
    return screening
