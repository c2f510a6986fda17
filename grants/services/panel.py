"""Officers' marks, the frozen panel list, the decision maker's decisions, and awards."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from accounts.models import Membership, User
from accounts.permissions import is_decision_maker
from core.errors import NotAllowed
from core.money import InvalidMoney, parse_money
from core.outbox import outbox_enqueue, outbox_next_period
from core.versioned import rows_written
from core.workflow import transition
from documents.formatting import date_text, money
from grants.models import (
    Application,
    Assessment,
    Award,
    AwardCondition,
    Letter,
    PanelItem,
    PanelRecommendation,
    PaymentInstalment,
    Round,
)
from grants.selectors.panel import ranking_changed, ranking_for_round
from grants.services.bulk import BulkResult
from grants.services.screening import _require_officer

S = Application.Status
DECIDABLE = frozenset({S.RECOMMENDED, S.RESERVE, S.NOT_RECOMMENDED})


def _amount(raw, *, field_name: str, label: str) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        value = parse_money(raw)
    except InvalidMoney:
        value = None
    if value is None or value <= 0:
        raise ValidationError({field_name: f"Enter {label} in pounds, like 4500 or 4500.50."})
    return value


def _not_markable(application: Application) -> str | None:
    if application.status == S.ASSESSED:
        return None
    return (
        f"Only assessed bids can be marked; this one is {application.get_status_display().lower()}."
    )


@transaction.atomic
def application_mark(
    *,
    application: Application,
    actor: User,
    mark: str,
    recommended_amount: str | Decimal | None = None,
    note: str = "",
) -> Application:
    """Mark an assessed bid recommended, reserve or not recommended, maybe for less money."""
    _require_officer(actor)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if problem := _not_markable(application):
        raise NotAllowed(problem)
    if mark not in Application.Mark.values and mark != "":
        raise ValidationError({"mark": "Choose recommended, reserve or not recommended."})
    amount = _amount(
        recommended_amount, field_name="recommended_amount", label="the recommended amount"
    )
    if amount is not None and amount > application.amount_requested:  # type: ignore[operator]  # a submitted bid has its reference and amount
        raise ValidationError(
            {
                "recommended_amount": f"The recommended amount cannot be more than the "
                f"{money(application.amount_requested)} requested."
            }
        )
    application.mark = mark
    application.recommended_amount = amount
    application.mark_note = note.strip()
    application.save(update_fields=["mark", "recommended_amount", "mark_note"])
    return application


@transaction.atomic
def panel_freeze(*, round: Round, actor: User, note: str = "") -> PanelRecommendation:
    """Freeze every marked, assessed bid in the round into a list for the panel.

    Each bid keeps its rank, score and budget-line position as the panel saw them, and
    moves to the status of its mark. Refused while an assessed bid has no mark.
    """

    _require_officer(actor)
    Round.objects.select_for_update().get(pk=round.pk)
    assessed = list(
        Application.objects.select_for_update()
        .filter(round=round, status=S.ASSESSED)
        .order_by("reference")
    )
    if not assessed:
        raise NotAllowed("There are no assessed bids waiting for the panel in this round.")
    unmarked = [a.reference for a in assessed if not a.mark]
    if unmarked:
        listed = ", ".join(unmarked[:10])  # type: ignore[arg-type]  # a submitted bid has its reference and amount
        more = f" and {len(unmarked) - 10} more" if len(unmarked) > 10 else ""
        raise NotAllowed(
            f"Mark every assessed bid before freezing the list. Not marked yet: {listed}{more}."
        )
    panel = PanelRecommendation.objects.create(
        round=round, frozen_by=actor, frozen_at=timezone.now(), note=note.strip()
    )
    positions = {}
    for pot_ranking in ranking_for_round(round=round):
        for row in pot_ranking.rows:
            positions[row.key.pk] = row
    items = []
    for application in assessed:
        row = positions[application.pk]
        items.append(
            PanelItem(  # type: ignore[misc]  # a submitted bid has its reference and amount
                panel=panel,
                application=application,
                pot_id=application.pot_id,
                rank=row.rank,
                score=row.score,
                mark=application.mark,
                amount_requested=application.amount_requested,
                recommended_amount=application.recommended_amount or application.amount_requested,
                within_budget=row.within_budget,
            )
        )
        transition(
            application,
            to_status=Application.MARK_STATUSES[application.mark],
            actor=actor,
            reason=f"Frozen into the panel list of {timezone.localdate():%d %B %Y}",
        )
    PanelItem.objects.bulk_create(items)
    return panel


def _refuse_conflicted_decider(item: PanelItem, actor: User) -> None:
    if not is_decision_maker(actor):
        raise NotAllowed("Only a decision maker can approve or decline bids.")
    involved = (
        Assessment.objects.filter(application_id=item.application_id, assessor=actor)
        .exclude(status=Assessment.Status.REMOVED)
        .exists()
    )
    if involved:
        raise NotAllowed(
            f"You assessed {item.application.reference} or declared a conflict on it, so "
            "another decision maker must decide it."
        )
    if Membership.objects.filter(
        user=actor, organisation_id=item.application.organisation_id
    ).exists():
        raise NotAllowed(
            f"You belong to {item.application.organisation.name}, so another decision maker "
            "must decide its bid."
        )


def _lock_pending(item: PanelItem) -> PanelItem:
    item = (
        PanelItem.objects.select_for_update()
        .select_related("application__organisation", "application__round")
        .get(pk=item.pk)
    )
    if item.decision != PanelItem.Decision.PENDING:
        raise NotAllowed(
            f"{item.application.reference} has already been {item.get_decision_display().lower()}."
        )
    return item


# A condition typed in the general box that must still be met before any money goes.
BEFORE_PAYMENT = re.compile(r"before (?:the |any |our )?first payment|before any payment", re.I)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _conditions_text(conditions: str, before_payment: str) -> str:
    """All the conditions as the letter states them, one a line; the ones to meet before
    the first payment say so."""
    marked = [
        line
        if BEFORE_PAYMENT.search(line)
        else f"Before the first payment: {line[0].lower()}{line[1:]}"
        for line in _lines(before_payment)
    ]
    return "\n".join(_lines(conditions) + marked)


def _award_conditions_create(award: Award, conditions: str, before_payment: str) -> None:
    rows = [(line, bool(BEFORE_PAYMENT.search(line))) for line in _lines(conditions)]
    rows += [(line, True) for line in _lines(before_payment)]
    AwardCondition.objects.bulk_create(
        AwardCondition(award=award, position=position, text=text, before_first_payment=flag)
        for position, (text, flag) in enumerate(rows, start=1)
    )


def _award_create(
    application: Application,
    item: PanelItem | None,
    amount: Decimal,
    conditions: str,
    actor: User,
    now,
    before_payment: str = "",
) -> Award:
    award = Award.objects.create(  # type: ignore[misc]  # a submitted bid has these
        reference=application.reference,
        application=application,
        panel_item=item,
        amount=amount,
        conditions=_conditions_text(conditions, before_payment),
        planned_start=application.start_date,
        planned_end=application.end_date,
        plan_id=application.round.plan_id,
        primary_priority_id=application.primary_priority_id,
        decided_by=actor,
        decided_at=now,
    )
    award.outcomes.set(application.outcomes.all())
    award.themes.set(application.themes.all())
    _award_conditions_create(award, conditions, before_payment)
    PaymentInstalment.objects.create(
        award=award,
        position=1,
        due_date=first_payment_date(award.planned_start, timezone.localdate(now)),
        amount=amount,
    )
    return award


def first_payment_date(planned_start: dt.date, decided_on: dt.date) -> dt.date:
    """A new award's one payment: when the project starts, or on the day of the decision
    if it has already started. Never before the start, so no grant is paid for a project
    that has not begun."""
    return max(planned_start, decided_on)


@transaction.atomic
def panel_item_approve(
    *,
    item: PanelItem,
    actor: User,
    amount: str | Decimal | None = None,
    conditions: str = "",
    conditions_before_payment: str = "",
) -> Award:
    """Approve one bid on the panel list and make its award (one payment, when the
    project starts)."""
    item = _lock_pending(item)
    _refuse_conflicted_decider(item, actor)
    application = Application.objects.select_for_update().get(pk=item.application_id)
    if application.status not in DECIDABLE:
        raise NotAllowed(
            f"{application.reference} is {application.get_status_display().lower()} and cannot be approved."
        )
    value = (
        _amount(amount, field_name="amount", label="the amount awarded") or item.recommended_amount
    )
    if value > application.amount_requested:  # type: ignore[operator]  # a submitted bid has its reference and amount
        raise ValidationError(
            {
                "amount": f"The award cannot be more than the {money(application.amount_requested)} requested."
            }
        )
    now = timezone.now()
    item.decision = PanelItem.Decision.APPROVED
    item.decided_amount = value
    item.conditions = _conditions_text(conditions, conditions_before_payment)
    item.decided_by = actor
    item.decided_at = now
    item.save(
        update_fields=["decision", "decided_amount", "conditions", "decided_by", "decided_at"]
    )
    transition(
        application, to_status=S.APPROVED, actor=actor, reason=f"Approved for {money(value)}"
    )
    award = _award_create(
        application, item, value, conditions.strip(), actor, now, conditions_before_payment
    )
    outbox_enqueue(kind="grants.award_made", obj=award)
    return award


@transaction.atomic
def panel_item_decide(
    *,
    item: PanelItem,
    actor: User,
    decision: str,
    amount: str | Decimal | None = None,
    conditions: str = "",
    conditions_before_payment: str = "",
    feedback: str = "",
) -> Award | None:
    """Approve ("approve") or decline ("decline") one bid; return the award if approved."""
    if decision == "approve":
        return panel_item_approve(
            item=item,
            actor=actor,
            amount=amount,
            conditions=conditions,
            conditions_before_payment=conditions_before_payment,
        )
    if decision == "decline":
        panel_item_decline(item=item, actor=actor, feedback=feedback)
        return None
    raise ValidationError({"decision": "Choose approve or decline."})


@transaction.atomic
def panel_item_decline(*, item: PanelItem, actor: User, feedback: str) -> PanelItem:
    """Decline one bid; the feedback is sent to the applicant in plain words."""
    item = _lock_pending(item)
    _refuse_conflicted_decider(item, actor)
    if not feedback.strip():
        raise ValidationError(
            {"feedback": "Write feedback for the applicant: why the bid was not funded."}
        )
    application = Application.objects.select_for_update().get(pk=item.application_id)
    if application.status not in DECIDABLE:
        raise NotAllowed(
            f"{application.reference} is {application.get_status_display().lower()} and cannot be declined."
        )
    item.decision = PanelItem.Decision.DECLINED
    item.feedback = feedback.strip()
    item.decided_by = actor
    item.decided_at = timezone.now()
    item.save(update_fields=["decision", "feedback", "decided_by", "decided_at"])
    application.feedback = feedback.strip()
    transition(
        application,
        to_status=S.DECLINED,
        actor=actor,
        reason=feedback.strip(),
        extra_fields=("feedback",),
    )
    outbox_enqueue(kind="grants.application_declined", obj=application)
    return item


@dataclass
class BulkApproveResult:
    approved: int = 0
    total: Decimal = Decimal(0)
    # (reference, why) for recommended bids left for someone else to decide.
    skipped: list[tuple[str, str]] = field(default_factory=list)


def panel_approve_recommended(*, panel: PanelRecommendation, actor: User) -> BulkApproveResult:
    """Approve every undecided bid the panel recommended, at its recommended amount.

    Bids the decision maker may not decide (they assessed it, or belong to the group) are
    left undecided and listed; each approval is its own transaction, so one refusal does
    not undo the others.
    """
    if not is_decision_maker(actor):
        raise NotAllowed("Only a decision maker can approve bids.")
    result = BulkApproveResult()
    items = panel.items.awaiting_bulk_approval().select_related("application__organisation")
    for item in items:
        try:
            award = panel_item_approve(item=item, actor=actor)
        except NotAllowed as refusal:
            result.skipped.append((item.application.reference, refusal.message))
        else:
            result.approved += 1
            result.total += award.amount
    return result


@dataclass(frozen=True)
class InstalmentInput:
    """One payment as typed; a row left half filled in is refused by award_schedule_set."""

    due_date: dt.date | None
    amount: Decimal | None


@transaction.atomic
def award_schedule_set(*, award: Award, actor: User, instalments: list[InstalmentInput]) -> Award:
    """Replace the award's payment schedule; the instalments must add up to the award."""
    _require_officer(actor)
    award = Award.objects.select_for_update().get(pk=award.pk)
    if award.instalments.filter(paid_on__isnull=False).exists():
        raise NotAllowed("A payment has already been made on this grant, so its schedule is fixed.")
    if award.offer_declined_at is not None:
        raise NotAllowed("The group declined this grant, so nothing will be paid.")
    if not instalments:
        raise ValidationError("Add at least one payment.")
    rows = [(i.due_date, i.amount) for i in instalments]
    filled = [(due, amount) for due, amount in rows if due is not None and amount is not None]
    if len(filled) != len(rows):
        raise ValidationError("Give every payment both a date and an amount.")
    dates = [due for due, _ in filled]
    if dates != sorted(dates):
        raise ValidationError("Put the payments in date order, earliest first.")
    if dates[0] < award.planned_start:
        raise ValidationError(
            f"The first payment cannot be before the project starts on "
            f"{date_text(award.planned_start)}. Make it due on or after that date."
        )
    if any(amount <= 0 for _, amount in filled):
        raise ValidationError("Every payment must be more than £0.")
    total = sum((amount for _, amount in filled), Decimal(0))
    if total != award.amount:
        raise ValidationError(
            f"The payments add up to {money(total)} but the award is {money(award.amount)}. "
            "Make them add up to the award."
        )
    award.instalments.all().delete()
    PaymentInstalment.objects.bulk_create(
        PaymentInstalment(award=award, position=position, due_date=due, amount=amount)
        for position, (due, amount) in enumerate(filled, start=1)
    )
    rows_written.send(sender=PaymentInstalment)
    _offer_letter_refresh(award)
    return award


def _offer_letter_refresh(award: Award) -> None:
    """The offer letter states the payment schedule: drop the stored one so the next view
    renders the new schedule, and if the old one was already sent, send the new one."""
    letter = (
        Letter.objects.select_for_update()
        .filter(application_id=award.application_id, kind=Letter.Kind.AWARD)
        .first()
    )
    if letter is None:
        return
    was_sent = letter.sent_at is not None
    transaction.on_commit(lambda name=letter.file.name: letter.file.storage.delete(name))  # type: ignore[misc]  # mypy cannot type a lambda's default
    letter.delete()
    if was_sent:
        # The letter's version: the first letter went with period "", so this is 2 or more.
        kind = "grants.award_made"
        outbox_enqueue(
            kind=kind, obj=award, period=outbox_next_period(kind=kind, obj=award, prefix="schedule")
        )


@transaction.atomic
def applications_mark_bulk(
    *, round: Round, application_uuids: list, actor: User, mark: str
) -> BulkResult:
    """Give every chosen bid the same mark, keeping each one's amount and note.

    All or none: when any bid cannot be marked (no longer assessed, say) nothing changes and
    every refusal is returned with its reference, so the officer sees them all at once. The
    bids are locked, checked and marked together: the queries do not grow with the bids.
    """
    _require_officer(actor)
    if mark not in Application.Mark.values and mark != "":
        raise ValidationError({"mark": "Choose recommended, reserve or not recommended."})
    applications = list(
        Application.objects.select_for_update(of=("self",))
        .filter(round=round, uuid__in=application_uuids)
        .order_by("reference")
    )
    refused = [
        (application.reference or "", why)
        for application in applications
        if (why := _not_markable(application))
    ]
    if refused:
        return BulkResult(refused=refused)
    for application in applications:
        application.mark = mark
    if applications:
        bulk_update_with_history(applications, Application, ["mark"], default_user=actor)
        ranking_changed(round_id=round.pk)  # written in bulk, past Application.save
    return BulkResult(done=len(applications))
