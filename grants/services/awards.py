"""After the decision: the group accepts or declines the offer, bank details are checked by a
second person, and payments are recorded against the schedule."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet, Sum
from django.utils import timezone

from accounts.models import Membership, User
from core.errors import NotAllowed
from core.workflow import transition
from documents.formatting import money
from grants import uploads
from grants.budget import budget_shares
from grants.errors import UploadRefused
from grants.models import (
    Application,
    Award,
    AwardCondition,
    BankDetails,
    MonitoringReport,
    OutcomeProgress,
    PaymentInstalment,
    SpendLine,
)
from grants.permissions import runs_grants
from grants.services.panel import _amount
from grants.services.screening import _require_officer

S = Application.Status
OFFER_OPEN = frozenset({S.APPROVED, S.OFFERED})


def _is_member(actor: User, award: Award) -> bool:
    return Membership.objects.filter(
        user=actor, organisation_id=award.application.organisation_id
    ).exists()


def _lock_award(award: Award) -> Award:
    award = (
        Award.objects.select_for_update()
        .select_related("application__organisation")
        .get(pk=award.pk)
    )
    return award


@dataclass(frozen=True)
class BankInput:
    account_name: str
    sort_code: str
    account_number: str
    evidence: UploadedFile | None


@dataclass(frozen=True)
class AcceptanceInput:
    signatory_name: str
    signatory_position: str
    terms_accepted: bool
    supplier_name: str
    supplier_address: str
    supplier_email: str
    bank: BankInput


def _bank_errors(bank: BankInput) -> tuple[dict[str, str], str, str]:
    """Every problem with the bank details, the evidence file's contents included, at once."""
    errors: dict[str, str] = {}
    sort_code = re.sub(r"[\s-]", "", bank.sort_code or "")
    account_number = re.sub(r"\s", "", bank.account_number or "")
    if not bank.account_name.strip():
        errors["account_name"] = "Enter the name on the account, as the bank shows it."
    if not re.fullmatch(r"\d{6}", sort_code):
        errors["sort_code"] = "Enter the sort code as 6 digits, like 30-94-57."
    if not re.fullmatch(r"\d{6,8}", account_number):
        errors["account_number"] = "Enter the account number: 6 to 8 digits, like 00733445."
    if bank.evidence is None:
        errors["evidence"] = (
            "Upload a bank statement or paying-in slip showing the group's name and the "
            "account details."
        )
    else:
        try:
            uploads.checked_content_type(bank.evidence)
        except UploadRefused as refusal:
            errors["evidence"] = refusal.message
    return errors, sort_code, account_number.zfill(8)


def _bank_details_create(award: Award, actor: User, bank: BankInput, sort_code, account_number):
    assert bank.evidence is not None  # _bank_errors refuses details without evidence
    content_type = uploads.checked_content_type(bank.evidence)
    details = BankDetails(  # type: ignore[misc]  # an upload has a size
        award=award,
        account_name=bank.account_name.strip()[:140],
        sort_code=sort_code,
        account_number=account_number,
        evidence_name=bank.evidence.name[-200:],  # type: ignore[index]  # an upload has a name
        evidence_type=content_type,
        evidence_size=bank.evidence.size,
        entered_by=actor,
        entered_at=timezone.now(),
    )
    details.evidence.save("evidence", bank.evidence, save=False)
    details.save()
    return details


def _reports_create(award: Award) -> None:
    """The 6-month and end-of-grant reports, each with a row per budget line and outcome."""
    kinds = zip(
        (MonitoringReport.Kind.SIX_MONTH, MonitoringReport.Kind.FINAL),
        (due for _, due in award.monitoring_due_dates),
        strict=True,
    )
    lines = list(award.application.budget_lines.all())
    shares = budget_shares([line.amount for line in lines], award.amount)
    outcomes = list(award.outcomes.all())
    for kind, due in kinds:
        report, created = MonitoringReport.objects.get_or_create(
            award=award, kind=kind, defaults={"due_date": due}
        )
        if created:
            SpendLine.objects.bulk_create(
                SpendLine(report=report, budget_line=line, approved_amount=share)
                for line, share in zip(lines, shares, strict=True)
            )
            OutcomeProgress.objects.bulk_create(
                OutcomeProgress(report=report, outcome=o) for o in outcomes
            )


@transaction.atomic
def award_accept(*, award: Award, actor: User, data: AcceptanceInput) -> Award:
    """The group accepts the grant online: a named signatory accepts the terms and gives
    supplier and bank details with evidence. Bank details wait for an officer's check."""
    award = _lock_award(award)
    if not _is_member(actor, award):
        raise NotAllowed("Only a member of the group can accept its grant.")
    application = Application.objects.select_for_update().get(pk=award.application_id)
    if application.status not in OFFER_OPEN:
        raise NotAllowed(
            f"This offer cannot be accepted: it is {application.get_status_display().lower()}."
        )
    errors: dict[str, str] = {}
    if not data.signatory_name.strip():
        errors["signatory_name"] = "Enter the full name of the person accepting for the group."
    if not data.signatory_position.strip():
        errors["signatory_position"] = "Enter their position in the group, like Chair or Treasurer."
    if not data.terms_accepted:
        errors["terms_accepted"] = (
            "Confirm that the group accepts the grant's terms and conditions."
        )
    if not data.supplier_name.strip():
        errors["supplier_name"] = "Enter the name payments should be made to."
    if not data.supplier_address.strip():
        errors["supplier_address"] = "Enter the address for remittance advice."
    try:
        validate_email(data.supplier_email.strip())
    except ValidationError:
        errors["supplier_email"] = (
            "Enter an email address for remittance advice, like treasurer@example.org."
        )
    bank_errors, sort_code, account_number = _bank_errors(data.bank)
    errors.update(bank_errors)
    if errors:
        raise ValidationError(errors)
    _bank_details_create(award, actor, data.bank, sort_code, account_number)
    award.signatory_name = data.signatory_name.strip()[:150]
    award.signatory_position = data.signatory_position.strip()[:150]
    award.terms_accepted = True
    award.supplier_name = data.supplier_name.strip()[:200]
    award.supplier_address = data.supplier_address.strip()[:500]
    award.supplier_email = data.supplier_email.strip()
    award.accepted_at = timezone.now()
    award.accepted_by = actor
    award.save()
    transition(
        application,
        to_status=S.ACCEPTED,
        actor=actor,
        reason=f"Accepted by {award.signatory_name}, {award.signatory_position}",
    )
    _reports_create(award)
    return award


@transaction.atomic
def award_decline_offer(*, award: Award, actor: User, reason: str) -> Award:
    """The group turns the grant down; its money goes back to the pot for other bids."""
    award = _lock_award(award)
    if not _is_member(actor, award):
        raise NotAllowed("Only a member of the group can decline its grant.")
    application = Application.objects.select_for_update().get(pk=award.application_id)
    if application.status not in OFFER_OPEN:
        raise NotAllowed(
            f"This offer cannot be declined: it is {application.get_status_display().lower()}."
        )
    if not reason.strip():
        raise ValidationError({"reason": "Tell us why the group is declining the grant."})
    award.offer_declined_at = timezone.now()
    award.offer_declined_reason = reason.strip()
    award.save(update_fields=["offer_declined_at", "offer_declined_reason"])
    transition(application, to_status=S.OFFER_DECLINED, actor=actor, reason=reason.strip())
    return award


@transaction.atomic
def bank_details_replace(*, award: Award, actor: User, bank: BankInput) -> BankDetails:
    """New bank details for an accepted award (the old ones were rejected, or the group
    changed bank). A member or an officer may enter them; another person checks them."""
    award = _lock_award(award)
    if not (_is_member(actor, award) or runs_grants(actor)):
        raise NotAllowed("Only the group's members or grants officers can enter bank details.")
    if not award.is_accepted:
        raise NotAllowed("Bank details are given when the grant is accepted.")
    if award.instalments.filter(paid_on__isnull=True).count() == 0:
        raise NotAllowed("Every payment on this grant has been made.")
    errors, sort_code, account_number = _bank_errors(bank)
    if errors:
        raise ValidationError(errors)
    return _bank_details_create(award, actor, bank, sort_code, account_number)


def _lock_pending_bank(details: BankDetails, actor: User) -> BankDetails:
    _require_officer(actor)
    details = (
        BankDetails.objects.select_for_update()
        .select_related("award__application__organisation")
        .get(pk=details.pk)
    )
    if details.status != BankDetails.Status.PENDING:
        raise NotAllowed(f"These bank details are already {details.get_status_display().lower()}.")
    if details.entered_by_id == actor.pk:
        raise NotAllowed("You entered these bank details, so another person must check them.")
    if _is_member(actor, details.award):
        raise NotAllowed(
            f"You belong to {details.award.application.organisation.name}, so another officer "
            "must check its bank details."
        )
    current = current_bank_details(details.award)
    if current is None or current.pk != details.pk:
        raise NotAllowed("Newer bank details have been entered for this grant; check those.")
    return details


@transaction.atomic
def bank_details_verify(*, details: BankDetails, actor: User) -> BankDetails:
    """A second person confirms the details match the evidence."""
    details = _lock_pending_bank(details, actor)
    details.checked_by = actor
    details.checked_at = timezone.now()
    transition(
        details,
        to_status=BankDetails.Status.VERIFIED,
        actor=actor,
        extra_fields=("checked_by", "checked_at"),
    )
    return details


@transaction.atomic
def bank_details_reject(*, details: BankDetails, actor: User, reason: str) -> BankDetails:
    """The details do not match the evidence; the group is asked for new ones."""
    details = _lock_pending_bank(details, actor)
    if not reason.strip():
        raise ValidationError({"reason": "Say what does not match, so the group can put it right."})
    details.checked_by = actor
    details.checked_at = timezone.now()
    details.rejection_reason = reason.strip()
    transition(
        details,
        to_status=BankDetails.Status.REJECTED,
        actor=actor,
        reason=details.rejection_reason,
        extra_fields=("checked_by", "checked_at", "rejection_reason"),
    )
    return details


def payment_conditions_waiting(award: Award) -> QuerySet[AwardCondition]:
    """Conditions the officer must confirm met before the first payment (none once paid)."""
    return AwardCondition.objects.filter(
        award=award, before_first_payment=True, met_at__isnull=True
    ).order_by("position")


def current_bank_details(award: Award) -> BankDetails | None:
    return award.newest_bank_details


@transaction.atomic
def payment_record(
    *,
    instalment: PaymentInstalment,
    actor: User,
    paid_on: dt.date | None,
    amount: str | Decimal | None,
    reference: str,
    conditions_met: Collection[int] = (),
) -> PaymentInstalment:
    """Record an instalment as paid. The award must be accepted with verified bank details,
    and the payments on it never add up to more than the award.

    Before the first payment, the officer confirms each condition marked "before the first
    payment" is met (`conditions_met`: their ids); who confirmed it and when is kept."""
    _require_officer(actor)
    award = _lock_award(instalment.award)
    instalment = PaymentInstalment.objects.select_for_update().get(pk=instalment.pk)
    if instalment.is_paid:
        raise NotAllowed(f"Payment {instalment.position} was already recorded as paid.")
    if not award.is_accepted:
        raise NotAllowed("The group has not accepted this grant yet, so nothing can be paid.")
    bank = current_bank_details(award)
    if bank is None or bank.status != BankDetails.Status.VERIFIED:
        raise NotAllowed("Bank details must be checked by a second person before a payment.")
    errors: dict[str, str] = {}
    if paid_on is None:
        errors["paid_on"] = "Enter the date the payment was made, like 14 3 2027."
    elif paid_on > timezone.localdate():
        errors["paid_on"] = "The payment date cannot be in the future."
    try:
        value = _amount(amount, field_name="amount", label="the amount paid")
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
        value = None
    else:
        if value is None:
            errors["amount"] = "Enter the amount paid, like 4500 or 4500.50."
    if not reference.strip():
        errors["reference"] = "Enter the payment reference from the finance system."
    waiting = list(payment_conditions_waiting(award))
    confirmed = set(conditions_met)
    unconfirmed = [c for c in waiting if c.pk not in confirmed]
    if unconfirmed:
        errors["conditions_met"] = (
            "Confirm that the group has met each condition before the first payment: "
            + "; ".join(c.text for c in unconfirmed)
        )
    if value is not None and "amount" not in errors:
        paid = award.instalments.aggregate(total=Sum("paid_amount"))["total"] or Decimal(0)
        if paid + value > award.amount:
            errors["amount"] = (
                f"That would pay {money(paid + value)} in all, more than the "
                f"{money(award.amount)} award. No more than {money(award.amount - paid)} "
                "is left to pay."
            )
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    AwardCondition.objects.filter(pk__in=[c.pk for c in waiting]).update(met_at=now, met_by=actor)
    instalment.paid_on = paid_on
    instalment.paid_amount = value
    instalment.payment_reference = reference.strip()[:60]
    instalment.recorded_by = actor
    instalment.recorded_at = now
    instalment.save(
        update_fields=["paid_on", "paid_amount", "payment_reference", "recorded_by", "recorded_at"]
    )
    application = Application.objects.select_for_update().get(pk=award.application_id)
    if application.status == S.ACCEPTED:
        transition(
            application,
            to_status=S.ACTIVE,
            actor=actor,
            reason=f"First payment of {money(value)} made",
        )
    return instalment
