"""Builders for commissioning tests and benchmarks: contracts through the real services,
complete and valid figures, and bulk contracts with many quarters of returns."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from accounts.models import Organisation, User
from commissioning.models import (
    Contract,
    ContractFunding,
    FundingStream,
    Measure,
    MeasureSet,
    MonitoringReturn,
    ReturnValue,
    Service,
)
from commissioning.quarters import Quarter
from commissioning.services import contracts as contract_services
from commissioning.services.contracts import ContractInput, FundingLine
from commissioning.services.tallies import recount_tallies
from outcomes.models import Plan
from tests.grants.builders import Save, bulk_save

SET_CODE = "victim-services-2026-27"  # seeded by migration commissioning 0002


def measure_set() -> MeasureSet:
    """The migrated 2026/27 set; seeded again if a live-server test flushed the tables."""
    from commissioning.catalogue import seed_measure_set

    return seed_measure_set(MeasureSet, Measure, year=2026, code=SET_CODE)


def measures(of: MeasureSet | None = None) -> list[Measure]:
    return list((of or measure_set()).measures.select_related("total_matches"))


def service(name: str = "Independent Sexual Violence Advisers") -> Service:
    found, _ = Service.objects.get_or_create(
        name=name, defaults={"category": Service.Category.ISVA}
    )
    return found


def make_contract(
    *,
    provider: Organisation,
    commissioner: User,
    plan: Plan,
    reference: str = "VS-TEST-01",
    start: dt.date = dt.date(2026, 4, 1),
    end: dt.date = dt.date(2028, 3, 31),
    active: bool = True,
    activated_on: dt.date | None = None,
    amount: Decimal = Decimal("100000"),
) -> Contract:
    """A contract made by the commissioner through the services; active unless told not,
    with `activated_on` defaulting to its start date (so every ended quarter is owed)."""
    priority = plan.priorities.order_by("position").first()
    contract = contract_services.contract_save(
        actor=commissioner,
        data=ContractInput(
            reference=reference,
            provider=provider,
            service=service(),
            start_date=start,
            end_date=end,
            lead_commissioner=commissioner,
            measure_set=measure_set(),
            primary_priority=priority,
            funding=[
                FundingLine(
                    FundingStream.MOJ, start.year if start.month >= 4 else start.year - 1, amount
                )
            ],
        ),
    )
    if active:
        contract_services.contract_activate(contract=contract, actor=commissioner)
        Contract.objects.filter(pk=contract.pk).update(activated_on=activated_on or start)
        contract.refresh_from_db()
    return contract


def complete_figures(
    supported: int = 40, *, of: MeasureSet | None = None
) -> dict[tuple[str, str], str]:
    """A full, valid return as typed text: every breakdown adds up to its total and every
    victim profile to victims supported."""
    typed: dict[tuple[str, str], str] = {}
    for measure in measures(of):
        if measure.kind == Measure.Kind.TEXT:
            typed[(measure.code, "")] = f"{measure.label}: some words."
        elif measure.kind == Measure.Kind.PERCENTAGE:
            typed[(measure.code, "")] = "80"
        elif measure.kind == Measure.Kind.MONEY:
            typed[(measure.code, "")] = "25000.00"
        else:
            total = supported if measure.code.startswith(("SUPPORTED", "SUP_")) else 20
            typed[(measure.code, "")] = str(total)
            codes = measure.category_codes
            for i, code in enumerate(codes):
                share = total // len(codes) if codes else 0
                typed[(measure.code, code)] = str(share if i else total - share * (len(codes) - 1))
    return typed


def open_return(contract: Contract, quarter: Quarter) -> MonitoringReturn:
    """The contract's return for `quarter`, opened as the daily task would the next day."""
    from commissioning.services.returns import returns_open_due

    returns_open_due(today=quarter.end + dt.timedelta(days=1))
    return MonitoringReturn.objects.get(
        contract=contract, financial_year=quarter.year, quarter=quarter.number, version=1
    )


def bulk_contracts(
    *,
    count: int,
    quarters: int,
    commissioner: User,
    plan: Plan,
    provider: Organisation | None = None,
    seed: int = 1,
    values: bool = False,
    save: Save = bulk_save,
    recount: bool = True,
) -> list[Contract]:
    """`count` active contracts, each with `quarters` returns (ending last quarter) in a
    spread of states; bulk-inserted, so hundreds take seconds. With `values`, each return
    gets a few figures too. `save` inserts each table's rows (bulk_create). Inserted
    around the services, so the dashboard's tallies are recounted after (unless told not,
    by a caller that recounts once when it has inserted everything)."""
    rng = random.Random(seed)
    today = timezone.localdate()
    last = Quarter.containing(today).previous()
    periods = [*last.back(quarters - 1), last]
    priority = plan.priorities.order_by("position").first()
    the_set = measure_set()
    the_service = service()
    start_index = Contract.objects.count()
    if provider is None:
        provider = Organisation.objects.create(
            name=f"Bulk Provider {start_index}",
            type=Organisation.Type.REGISTERED_CHARITY,
            address_line_1="1 Park Row",
            town="Leeds",
            postcode="LS1 5HN",
            is_applicant=False,
            is_provider=True,
        )
    contracts = save(
        Contract,
        [
            Contract(
                reference=f"VS-BULK-{start_index + i:05d}",
                provider=provider,
                service=the_service,
                start_date=periods[0].start,
                end_date=last.end + dt.timedelta(days=365),
                status=Contract.Status.ACTIVE,
                activated_on=periods[0].start,
                lead_commissioner=commissioner,
                measure_set=the_set,
                plan=plan,
                primary_priority=priority,
            )
            for i in range(count)
        ],
    )
    save(
        ContractFunding,
        [
            ContractFunding(
                contract=contract,
                stream=rng.choice(FundingStream.values),
                financial_year=q.year,
                amount=Decimal(rng.randint(20, 400) * 1000),
            )
            for contract in contracts
            for q in {Quarter(p.year, 1) for p in periods}
        ],
    )
    statuses = MonitoringReturn.Status.values
    returns = save(
        MonitoringReturn,
        [
            MonitoringReturn(
                contract=contract,
                measure_set=the_set,
                financial_year=q.year,
                quarter=q.number,
                due_date=q.end + dt.timedelta(days=20),
                status=MonitoringReturn.Status.ACCEPTED if q != last else rng.choice(statuses),
                rating="green" if q != last else "",
            )
            for contract in contracts
            for q in periods
        ],
    )
    if values:
        supported = next(m for m in the_set.measures.all() if m.code == "SUPPORTED")
        save(
            ReturnValue,
            [
                ReturnValue(
                    monitoring_return=r, measure=supported, value=Decimal(rng.randint(5, 90))
                )
                for r in returns
            ],
        )
    if recount:
        recount_tallies()
    return contracts
