"""Writes to services, contracts, their funding, amendments and targets. Commissioners only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation, User
from accounts.roles import Role, has_role
from commissioning.models import (
    Contract,
    ContractAmendment,
    ContractFunding,
    Measure,
    MeasureSet,
    Service,
    Target,
)
from commissioning.permissions import runs_commissioning
from commissioning.quarters import financial_year_label, financial_year_of
from commissioning.services.tallies import contract_value, tally_contract_value
from commissioning.validation import parse_figure
from core.errors import NotAllowed
from core.versioned import rows_written
from core.workflow import SYSTEM, transition
from outcomes.models import Outcome, Priority, Theme

C = Contract.Status


def _require_commissioner(actor: User) -> None:
    if not runs_commissioning(actor):
        raise NotAllowed("Only a commissioner can do this.")


@dataclass
class ServiceInput:
    name: str
    category: str
    description: str = ""
    area_ids: list[int] = field(default_factory=list)


@transaction.atomic
def service_save(*, actor: User, data: ServiceInput, service: Service | None = None) -> Service:
    _require_commissioner(actor)
    name = data.name.strip()
    clash = Service.objects.filter(name__iexact=name)
    if service is not None:
        clash = clash.exclude(pk=service.pk)
    if clash.exists():
        raise ValidationError({"name": f"There is already a service called “{name}”."})
    service = service or Service()
    service.name = name
    service.category = data.category
    service.description = data.description.strip()
    service.save()
    service.areas.set(data.area_ids)
    return service


@dataclass
class FundingLine:
    stream: str
    financial_year: int
    amount: Decimal


@dataclass
class ContractInput:
    reference: str
    provider: Organisation
    service: Service
    start_date: dt.date
    end_date: dt.date
    lead_commissioner: User
    measure_set: MeasureSet
    primary_priority: Priority
    outcomes: list[Outcome] = field(default_factory=list)
    themes: list[Theme] = field(default_factory=list)
    funding: list[FundingLine] = field(default_factory=list)


def _check_contract(data: ContractInput, contract: Contract | None) -> None:
    errors: dict[str, str] = {}
    reference = data.reference.strip()
    clash = Contract.objects.filter(reference__iexact=reference)
    if contract is not None:
        clash = clash.exclude(pk=contract.pk)
    if clash.exists():
        errors["reference"] = f"Another contract already has the reference {reference}."
    if not data.provider.is_provider:
        errors["provider"] = f"{data.provider.name} is not set up as a commissioned provider."
    if data.end_date < data.start_date:
        errors["end_date"] = "The end date must be the same as or after the start date."
    if not has_role(data.lead_commissioner, Role.COMMISSIONER):
        errors["lead_commissioner"] = "The lead commissioner must hold the commissioner role."
    plan = data.primary_priority.plan
    if any(o.plan_id != plan.pk for o in data.outcomes) or any(
        t.plan_id != plan.pk for t in data.themes
    ):
        errors["outcomes"] = "Choose outcomes and themes from the same plan as the priority."
    first, last = financial_year_of(data.start_date), financial_year_of(data.end_date)
    seen = set()
    for line in data.funding:
        if line.amount < 0:
            errors["funding"] = "A funding amount cannot be negative."
        elif not first <= line.financial_year <= last:
            errors["funding"] = (
                f"Funding for {financial_year_label(line.financial_year)} is outside the "
                f"contract's dates ({financial_year_label(first)} to "
                f"{financial_year_label(last)})."
            )
        elif (line.stream, line.financial_year) in seen:
            errors["funding"] = "Each funding stream can appear once per financial year."
        seen.add((line.stream, line.financial_year))
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def contract_save(
    *, actor: User, data: ContractInput, contract: Contract | None = None
) -> Contract:
    """Create a contract (as a draft) or change one; funding lines are replaced."""
    _require_commissioner(actor)
    if contract is not None:
        contract = Contract.objects.select_for_update().get(pk=contract.pk)
        if contract.status in (C.ENDED, C.TERMINATED):
            raise NotAllowed("This contract has ended and cannot be changed.")
    _check_contract(data, contract)
    value = contract_value(contract.pk if contract else None)
    contract = contract or Contract()
    contract.reference = data.reference.strip()
    contract.provider = data.provider
    contract.service = data.service
    contract.start_date = data.start_date
    contract.end_date = data.end_date
    contract.lead_commissioner = data.lead_commissioner
    contract.measure_set = data.measure_set
    contract.plan = data.primary_priority.plan
    contract.primary_priority = data.primary_priority
    contract.save()
    contract.outcomes.set(data.outcomes)
    contract.themes.set(data.themes)
    contract.funding.all().delete()
    ContractFunding.objects.bulk_create(
        ContractFunding(
            contract=contract,
            stream=line.stream,
            financial_year=line.financial_year,
            amount=line.amount,
        )
        for line in data.funding
    )
    rows_written.send(sender=ContractFunding)
    tally_contract_value(value, contract_value(contract.pk))
    return contract


@transaction.atomic
def contract_activate(*, contract: Contract, actor: User) -> Contract:
    """Go live: from now on the daily task opens a return when each quarter ends."""
    _require_commissioner(actor)
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if not contract.funding.exists():
        raise NotAllowed("Add the contract's funding before making it active.")
    contract.activated_on = timezone.localdate()
    value = contract_value(contract.pk)
    transition(contract, to_status=C.ACTIVE, actor=actor, extra_fields=("activated_on",))
    tally_contract_value(value, contract_value(contract.pk))
    return contract


@transaction.atomic
def contract_close(*, contract: Contract, actor: User, terminated: bool, reason: str) -> Contract:
    """End a contract, or terminate it early (a reason is required). Closing before the
    end date brings the end date forward to today: later quarters owe no return."""
    _require_commissioner(actor)
    reason = reason.strip()
    if terminated and not reason:
        raise ValidationError({"reason": "Say why the contract is being terminated."})
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    # No returns are owed for quarters after the service stopped.
    contract.end_date = min(contract.end_date, max(timezone.localdate(), contract.start_date))
    transition(
        contract,
        to_status=C.TERMINATED if terminated else C.ENDED,
        actor=actor,
        reason=reason,
        extra_fields=("end_date",),
    )
    return contract


@transaction.atomic
def contracts_end_due(*, today: dt.date | None = None) -> int:
    """Mark active contracts past their end date as ended (the daily task). Their last
    quarters' returns are still opened and owed."""
    today = today or timezone.localdate()
    ended = 0
    for contract in Contract.objects.select_for_update().filter(
        status=C.ACTIVE, end_date__lt=today
    ):
        transition(contract, to_status=C.ENDED, actor=SYSTEM, reason="Reached its end date.")
        ended += 1
    return ended


@dataclass
class AmendmentInput:
    kind: str
    effective_on: dt.date
    description: str
    reason: str
    approved_by: str
    new_end_date: dt.date | None = None
    stream: str = ""
    financial_year: int | None = None
    new_amount: Decimal | None = None


@transaction.atomic
def contract_amend(*, contract: Contract, actor: User, data: AmendmentInput) -> ContractAmendment:
    """Record a dated variation or extension and apply its new end date or value."""
    _require_commissioner(actor)
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    if contract.status in (C.ENDED, C.TERMINATED):
        raise NotAllowed("This contract has ended; it cannot be varied or extended.")
    errors: dict[str, str] = {}
    for name, label in (
        ("description", "what changed"),
        ("reason", "why"),
        ("approved_by", "who approved it"),
    ):
        if not getattr(data, name).strip():
            errors[name] = f"Say {label}."
    changes_value = data.new_amount is not None or data.stream or data.financial_year
    if data.new_end_date is None and not changes_value:
        errors["new_end_date"] = "Give a new end date, a new funding amount, or both."
    if data.kind == ContractAmendment.Kind.EXTENSION and (
        data.new_end_date is None or data.new_end_date <= contract.end_date
    ):
        errors["new_end_date"] = (
            f"An extension needs a new end date after {contract.end_date:%-d %B %Y}."
        )
    if data.new_end_date is not None and data.new_end_date < contract.start_date:
        errors["new_end_date"] = "The new end date cannot be before the contract starts."
    if changes_value:
        if not data.stream or data.financial_year is None or data.new_amount is None:
            errors["new_amount"] = (
                "To change the value, choose the funding stream and financial year and give "
                "the new amount."
            )
        elif data.new_amount < 0:
            errors["new_amount"] = "The new amount cannot be negative."
        else:
            last = financial_year_of(data.new_end_date or contract.end_date)
            first = financial_year_of(contract.start_date)
            if not first <= data.financial_year <= last:
                errors["financial_year"] = (
                    f"{financial_year_label(data.financial_year)} is outside the contract "
                    f"({financial_year_label(first)} to {financial_year_label(last)})."
                )
    if data.new_end_date is not None and "new_end_date" not in errors:
        last = financial_year_of(data.new_end_date)
        stranded = sorted(
            {
                line.financial_year
                for line in contract.funding.all()
                if line.financial_year > last and line.amount
            }
        )
        if stranded:
            errors["new_end_date"] = (
                "The contract has funding for "
                + ", ".join(financial_year_label(y) for y in stranded)
                + ", after the new end date. Reduce that funding to 0 first."
            )
    if errors:
        raise ValidationError(errors)
    amendment = ContractAmendment(
        contract=contract,
        kind=data.kind,
        effective_on=data.effective_on,
        description=data.description.strip(),
        reason=data.reason.strip(),
        approved_by=data.approved_by.strip(),
        recorded_by=actor,
    )
    if data.new_end_date is not None:
        amendment.previous_end_date = contract.end_date
        amendment.new_end_date = data.new_end_date
        contract.end_date = data.new_end_date
        contract.save(update_fields=["end_date"])
    if changes_value:
        value = contract_value(contract.pk)
        # both were checked above
        assert data.financial_year is not None and data.new_amount is not None
        line = ContractFunding.objects.filter(
            contract=contract, stream=data.stream, financial_year=data.financial_year
        ).first()
        amendment.stream = data.stream
        amendment.financial_year = data.financial_year
        amendment.previous_amount = line.amount if line else Decimal(0)
        amendment.new_amount = data.new_amount
        if line is None:
            ContractFunding.objects.create(
                contract=contract,
                stream=data.stream,
                financial_year=data.financial_year,
                amount=data.new_amount,
            )
        else:
            line.amount = data.new_amount
            line.save(update_fields=["amount"])
        tally_contract_value(value, contract_value(contract.pk))
    amendment.save()
    return amendment


def target_field(measure: Measure, quarter: int) -> str:
    return f"t-{measure.code}-{quarter}"


@transaction.atomic
def targets_save(
    *, contract: Contract, actor: User, financial_year: int, values: dict[str, str]
) -> dict[str, str]:
    """Set a year's targets from {"t-CODE-Q": text} (Q 1-4, or 0 for the year). Blank
    removes a target. Returns errors, naming the measure; with any error nothing is saved."""
    _require_commissioner(actor)
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    measures = [m for m in contract.measure_set.measures.all() if m.is_numeric]
    errors: dict[str, str] = {}
    wanted: dict[tuple[int, int], Decimal | None] = {}
    for measure in measures:
        for quarter in (1, 2, 3, 4, Target.YEAR):
            name = target_field(measure, quarter)
            if name not in values:
                continue
            value, error = parse_figure(measure, values[name])
            if error:
                period = "the year" if quarter == Target.YEAR else f"Q{quarter}"
                errors[name] = f"Target for {period}: {error}"
            else:
                assert not isinstance(value, str)  # the measures are numeric
                wanted[(measure.pk, quarter)] = value
    if errors:
        return errors
    existing = {
        (t.measure_id, t.quarter): t
        for t in Target.objects.filter(contract=contract, financial_year=financial_year)
    }
    for (measure_id, quarter), value in wanted.items():
        target = existing.get((measure_id, quarter))
        if value is None:
            if target is not None:
                target.delete()
        elif target is None:
            Target.objects.create(
                contract=contract,
                measure_id=measure_id,
                financial_year=financial_year,
                quarter=quarter,
                value=value,
            )
        elif target.value != value:
            target.value = value
            target.save(update_fields=["value"])
    return {}
