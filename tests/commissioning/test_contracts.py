"""Contracts through their services: each refusal is a ValidationError keyed by the field
to correct and creates nothing; only commissioners (and administrators) write them.
Activation, amendments (extensions and value changes), closing, and targets."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from commissioning.models import (
    Contract,
    ContractAmendment,
    ContractFunding,
    FundingStream,
    Service,
    Target,
)
from commissioning.services import contracts as contract_services
from commissioning.services.contracts import (
    AmendmentInput,
    ContractInput,
    FundingLine,
    ServiceInput,
)
from core.errors import InvalidTransition, NotAllowed
from core.models import StatusChange
from outcomes.models import Outcome, Plan, Priority
from tests.commissioning.builders import measure_set, service

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
C = Contract.Status
MOJ, CSF = FundingStream.MOJ, FundingStream.CSF


def at(day: dt.date, hour: int = 10):
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour), LONDON), tick=False)


@pytest.fixture
def new_contract(personas, plan):
    """new_contract(**changes) -> a ContractInput for a new 2026-2028 contract."""

    def build(**changes) -> ContractInput:
        data = ContractInput(
            reference="VS-NEW-01",
            provider=personas.provider_org,
            service=service(),
            start_date=dt.date(2026, 4, 1),
            end_date=dt.date(2028, 3, 31),
            lead_commissioner=personas.commissioner,
            measure_set=measure_set(),
            primary_priority=plan.priorities.order_by("position").first(),
            outcomes=list(plan.outcomes.order_by("pk")[:2]),
            themes=list(plan.themes.order_by("pk")[:1]),
            funding=[
                FundingLine(MOJ, 2026, Decimal("100000")),
                FundingLine(MOJ, 2027, Decimal("105000")),
                FundingLine(CSF, 2026, Decimal("20000")),
            ],
        )
        return dataclasses.replace(data, **changes)

    return build


def counts() -> tuple[int, int]:
    return Contract.objects.count(), ContractFunding.objects.count()


def refused(actor, data, contract=None) -> dict[str, list[str]]:
    before = counts()
    with pytest.raises(ValidationError) as error:
        contract_services.contract_save(actor=actor, data=data, contract=contract)
    assert counts() == before
    return error.value.message_dict


def status_changes(contract) -> list[tuple[str, str, str]]:
    return list(
        StatusChange.objects.filter(
            content_type=ContentType.objects.get_for_model(Contract), object_id=contract.pk
        )
        .order_by("pk")
        .values_list("from_status", "to_status", "reason")
    )


# ---------------------------------------------------------------------------------------
# Saving


def test_a_new_contract_is_a_draft_with_its_funding(personas, plan, new_contract):
    data = new_contract(reference="  VS-NEW-01  ")
    contract = contract_services.contract_save(actor=personas.commissioner, data=data)
    assert contract.reference == "VS-NEW-01"
    assert contract.status == C.DRAFT
    assert contract.activated_on is None
    assert contract.plan == plan
    assert list(contract.outcomes.order_by("pk")) == data.outcomes
    assert list(contract.themes.all()) == data.themes
    assert sorted(contract.funding.values_list("stream", "financial_year", "amount")) == sorted(
        [
            (MOJ.value, 2026, Decimal("100000")),
            (MOJ.value, 2027, Decimal("105000")),
            (CSF.value, 2026, Decimal("20000")),
        ]
    )


def test_saving_again_replaces_the_funding(personas, new_contract):
    contract = contract_services.contract_save(actor=personas.commissioner, data=new_contract())
    contract_services.contract_save(
        actor=personas.commissioner,
        contract=contract,
        data=new_contract(funding=[FundingLine(CSF, 2027, Decimal("5000"))]),
    )
    assert list(contract.funding.values_list("stream", "financial_year", "amount")) == [
        (CSF.value, 2027, Decimal("5000"))
    ]
    assert Contract.objects.count() == 1


def test_an_administrator_may_save_a_contract(personas, new_contract):
    contract = contract_services.contract_save(actor=personas.administrator, data=new_contract())
    assert contract.pk is not None


@pytest.mark.parametrize("who", ["provider", "officer", "applicant_a", "decision_maker"])
def test_only_commissioners_write_contracts(personas, new_contract, who):
    with pytest.raises(NotAllowed, match=r"Only a commissioner can do this\."):
        contract_services.contract_save(actor=getattr(personas, who), data=new_contract())
    assert counts() == (0, 0)


def test_a_reference_is_unique_whatever_its_case(personas, new_contract, contract):
    assert refused(personas.commissioner, new_contract(reference=" vs-test-01 ")) == {
        "reference": ["Another contract already has the reference vs-test-01."]
    }
    # A contract keeps its own reference when it is saved again.
    saved = contract_services.contract_save(
        actor=personas.commissioner,
        contract=contract,
        data=new_contract(reference="VS-TEST-01"),
    )
    assert saved.pk == contract.pk


def test_the_provider_must_be_a_commissioned_provider(personas, new_contract):
    assert refused(personas.commissioner, new_contract(provider=personas.org_a)) == {
        "provider": ["Org A Youth Project is not set up as a commissioned provider."]
    }


def test_the_end_date_cannot_be_before_the_start(personas, new_contract):
    assert refused(
        personas.commissioner,
        new_contract(end_date=dt.date(2026, 3, 31), funding=[]),
    ) == {"end_date": ["The end date must be the same as or after the start date."]}
    # A one-day contract is fine.
    contract_services.contract_save(
        actor=personas.commissioner,
        data=new_contract(end_date=dt.date(2026, 4, 1), funding=[]),
    )


@pytest.mark.parametrize("who", ["officer", "administrator", "provider"])
def test_the_lead_commissioner_must_hold_the_commissioner_role(personas, new_contract, who):
    assert refused(
        personas.commissioner, new_contract(lead_commissioner=getattr(personas, who))
    ) == {"lead_commissioner": ["The lead commissioner must hold the commissioner role."]}


@pytest.mark.parametrize(
    ("year", "label"), [(2025, "2025/26"), (2028, "2028/29"), (2035, "2035/36")]
)
def test_funding_must_fall_in_the_contracts_financial_years(personas, new_contract, year, label):
    assert refused(
        personas.commissioner,
        new_contract(funding=[FundingLine(MOJ, year, Decimal("1000"))]),
    ) == {"funding": [f"Funding for {label} is outside the contract's dates (2026/27 to 2027/28)."]}


def test_a_funding_stream_appears_once_a_year(personas, new_contract):
    assert refused(
        personas.commissioner,
        new_contract(
            funding=[
                FundingLine(MOJ, 2026, Decimal("1000")),
                FundingLine(MOJ, 2026, Decimal("2000")),
            ]
        ),
    ) == {"funding": ["Each funding stream can appear once per financial year."]}


def test_funding_cannot_be_negative(personas, new_contract):
    assert refused(
        personas.commissioner, new_contract(funding=[FundingLine(MOJ, 2026, Decimal("-1"))])
    ) == {"funding": ["A funding amount cannot be negative."]}


def test_outcomes_and_themes_come_from_the_priority_s_plan(personas, plan, new_contract):
    other = Plan.objects.create(
        code="other-plan",
        title="Another plan",
        starts_on=dt.date(2025, 4, 1),
        ends_on=dt.date(2029, 3, 31),
    )
    priority = Priority.objects.create(plan=other, code="X1", title="Elsewhere")
    stray = Outcome.objects.create(plan=other, priority=priority, code="XO1", title="Stray")
    assert refused(personas.commissioner, new_contract(outcomes=[stray])) == {
        "outcomes": ["Choose outcomes and themes from the same plan as the priority."]
    }
    # The other plan's priority with this plan's outcomes is refused the same way.
    assert "outcomes" in refused(personas.commissioner, new_contract(primary_priority=priority))


def test_every_problem_is_reported_at_once(personas, new_contract, contract):
    errors = refused(
        personas.commissioner,
        new_contract(
            reference="VS-TEST-01",
            provider=personas.org_b,
            end_date=dt.date(2025, 1, 1),
            lead_commissioner=personas.officer,
        ),
    )
    assert set(errors) == {"reference", "provider", "end_date", "lead_commissioner", "funding"}


@pytest.mark.parametrize("terminated", [False, True])
def test_an_ended_contract_cannot_be_changed(personas, contract, new_contract, terminated):
    contract_services.contract_close(
        contract=contract, actor=personas.commissioner, terminated=terminated, reason="Done."
    )
    with pytest.raises(NotAllowed, match="has ended"):
        contract_services.contract_save(
            actor=personas.commissioner,
            contract=contract,
            data=new_contract(reference="VS-TEST-01"),
        )


def test_a_service_name_is_unique_whatever_its_case(personas):
    service()
    with pytest.raises(ValidationError) as error:
        contract_services.service_save(
            actor=personas.commissioner,
            data=ServiceInput(name=" independent sexual violence advisers ", category="isva"),
        )
    assert "name" in error.value.message_dict
    assert Service.objects.count() == 1


# ---------------------------------------------------------------------------------------
# Activating


def test_activating_needs_funding(personas, new_contract):
    draft = contract_services.contract_save(
        actor=personas.commissioner, data=new_contract(funding=[])
    )
    with pytest.raises(NotAllowed, match="Add the contract's funding"):
        contract_services.contract_activate(contract=draft, actor=personas.commissioner)
    draft.refresh_from_db()
    assert draft.status == C.DRAFT and draft.activated_on is None
    assert status_changes(draft) == []


def test_activating_records_the_day(personas, new_contract):
    draft = contract_services.contract_save(actor=personas.commissioner, data=new_contract())
    with at(dt.date(2026, 5, 12)):
        live = contract_services.contract_activate(contract=draft, actor=personas.commissioner)
    assert live.status == C.ACTIVE
    assert live.activated_on == dt.date(2026, 5, 12)
    assert status_changes(live) == [(C.DRAFT, C.ACTIVE, "")]
    with pytest.raises(InvalidTransition):
        contract_services.contract_activate(contract=live, actor=personas.commissioner)


def test_only_commissioners_activate(personas, new_contract):
    draft = contract_services.contract_save(actor=personas.commissioner, data=new_contract())
    with pytest.raises(NotAllowed):
        contract_services.contract_activate(contract=draft, actor=personas.provider)
    draft.refresh_from_db()
    assert draft.status == C.DRAFT


# ---------------------------------------------------------------------------------------
# Amending


def amendment(**changes) -> AmendmentInput:
    data = AmendmentInput(
        kind=ContractAmendment.Kind.EXTENSION,
        effective_on=dt.date(2027, 1, 10),
        description="One more year.",
        reason="The service is working.",
        approved_by="Commissioning board, 8 January 2027",
    )
    return dataclasses.replace(data, **changes)


def amend(contract, actor, data):
    return contract_services.contract_amend(contract=contract, actor=actor, data=data)


def test_an_extension_moves_the_end_date_and_records_both(contract, personas):
    assert contract.end_date == dt.date(2028, 3, 31)
    done = amend(contract, personas.commissioner, amendment(new_end_date=dt.date(2029, 3, 31)))
    assert done.kind == ContractAmendment.Kind.EXTENSION
    assert done.previous_end_date == dt.date(2028, 3, 31)
    assert done.new_end_date == dt.date(2029, 3, 31)
    assert done.previous_amount is None and done.new_amount is None
    assert done.recorded_by == personas.commissioner
    assert done.approved_by == "Commissioning board, 8 January 2027"
    contract.refresh_from_db()
    assert contract.end_date == dt.date(2029, 3, 31)


@pytest.mark.parametrize("new_end", [None, dt.date(2028, 3, 31), dt.date(2027, 12, 31)])
def test_an_extension_needs_a_later_end_date(contract, personas, new_end):
    with pytest.raises(ValidationError) as error:
        amend(contract, personas.commissioner, amendment(new_end_date=new_end))
    assert error.value.message_dict == {
        "new_end_date": ["An extension needs a new end date after 31 March 2028."]
    }
    contract.refresh_from_db()
    assert contract.end_date == dt.date(2028, 3, 31)
    assert not ContractAmendment.objects.exists()


def test_an_extension_with_more_money(contract, personas):
    done = amend(
        contract,
        personas.commissioner,
        amendment(
            new_end_date=dt.date(2029, 3, 31),
            stream=MOJ,
            financial_year=2028,
            new_amount=Decimal("90000"),
        ),
    )
    assert (done.previous_amount, done.new_amount) == (Decimal(0), Decimal("90000"))
    assert contract.funding.get(financial_year=2028).amount == Decimal("90000")


def test_a_variation_of_value_records_and_applies_the_new_amount(contract, personas):
    line = contract.funding.get()
    assert (line.stream, line.financial_year, line.amount) == (MOJ, 2026, Decimal("100000"))
    done = amend(
        contract,
        personas.commissioner,
        amendment(
            kind=ContractAmendment.Kind.VARIATION,
            description="Extra ISVA hours.",
            stream=MOJ,
            financial_year=2026,
            new_amount=Decimal("112500.50"),
        ),
    )
    assert (done.stream, done.financial_year) == (MOJ, 2026)
    assert done.previous_amount == Decimal("100000")
    assert done.new_amount == Decimal("112500.50")
    assert done.previous_end_date is None and done.new_end_date is None
    line.refresh_from_db()
    assert line.amount == Decimal("112500.50")
    assert contract.funding.count() == 1
    contract.refresh_from_db()
    assert contract.end_date == dt.date(2028, 3, 31)


def test_a_variation_can_add_a_funding_line(contract, personas):
    done = amend(
        contract,
        personas.commissioner,
        amendment(
            kind=ContractAmendment.Kind.VARIATION,
            stream=CSF,
            financial_year=2027,
            new_amount=Decimal("15000"),
        ),
    )
    assert done.previous_amount == Decimal(0)
    assert sorted(contract.funding.values_list("stream", "financial_year", "amount")) == sorted(
        [(MOJ.value, 2026, Decimal("100000")), (CSF.value, 2027, Decimal("15000"))]
    )


def test_a_variation_can_shorten_the_contract(contract, personas):
    done = amend(
        contract,
        personas.commissioner,
        amendment(kind=ContractAmendment.Kind.VARIATION, new_end_date=dt.date(2027, 9, 30)),
    )
    assert done.previous_end_date == dt.date(2028, 3, 31)
    contract.refresh_from_db()
    assert contract.end_date == dt.date(2027, 9, 30)


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"kind": "variation"},
            {"new_end_date": ["Give a new end date, a new funding amount, or both."]},
        ),
        (
            {"kind": "variation", "stream": MOJ, "financial_year": 2026},
            {
                "new_amount": [
                    "To change the value, choose the funding stream and financial year and "
                    "give the new amount."
                ]
            },
        ),
        (
            {"kind": "variation", "new_amount": Decimal("5")},
            {
                "new_amount": [
                    "To change the value, choose the funding stream and financial year and "
                    "give the new amount."
                ]
            },
        ),
        (
            {"kind": "variation", "stream": MOJ, "financial_year": 2026, "new_amount": Decimal(-1)},
            {"new_amount": ["The new amount cannot be negative."]},
        ),
        (
            {"kind": "variation", "new_end_date": dt.date(2026, 3, 1)},
            {"new_end_date": ["The new end date cannot be before the contract starts."]},
        ),
        (
            {
                "new_end_date": dt.date(2029, 3, 31),
                "description": " ",
                "reason": "",
                "approved_by": "",
            },
            {
                "description": ["Say what changed."],
                "reason": ["Say why."],
                "approved_by": ["Say who approved it."],
            },
        ),
    ],
)
def test_an_amendment_refused_changes_nothing(contract, personas, changes, errors):
    with pytest.raises(ValidationError) as error:
        amend(contract, personas.commissioner, amendment(**changes))
    assert error.value.message_dict == errors
    contract.refresh_from_db()
    assert contract.end_date == dt.date(2028, 3, 31)
    assert list(contract.funding.values_list("amount", flat=True)) == [Decimal("100000")]
    assert not ContractAmendment.objects.exists()


def test_a_value_change_must_fall_in_the_contracts_financial_years(contract, personas):
    # contract_save refuses funding outside the contract's financial years (2026/27 and
    # 2027/28 here); a variation must not be a way round that.
    with pytest.raises(ValidationError):
        amend(
            contract,
            personas.commissioner,
            amendment(
                kind=ContractAmendment.Kind.VARIATION,
                stream=MOJ,
                financial_year=2031,
                new_amount=Decimal("50000"),
            ),
        )
    assert not contract.funding.filter(financial_year=2031).exists()
    assert not ContractAmendment.objects.exists()


@pytest.mark.parametrize("terminated", [False, True])
def test_an_ended_contract_cannot_be_amended(contract, personas, terminated):
    contract_services.contract_close(
        contract=contract, actor=personas.commissioner, terminated=terminated, reason="Over."
    )
    contract.refresh_from_db()
    closed_on = contract.end_date  # brought forward to the day it closed
    assert closed_on <= dt.date(2028, 3, 31)
    with pytest.raises(NotAllowed, match="cannot be varied or extended"):
        amend(contract, personas.commissioner, amendment(new_end_date=dt.date(2029, 3, 31)))
    contract.refresh_from_db()
    assert contract.end_date == closed_on
    assert not ContractAmendment.objects.exists()


def test_only_commissioners_amend(contract, personas):
    with pytest.raises(NotAllowed):
        amend(contract, personas.provider, amendment(new_end_date=dt.date(2029, 3, 31)))
    assert not ContractAmendment.objects.exists()


# ---------------------------------------------------------------------------------------
# Closing


def test_terminating_needs_a_reason(contract, personas):
    for reason in ("", "   "):
        with pytest.raises(ValidationError) as error:
            contract_services.contract_close(
                contract=contract, actor=personas.commissioner, terminated=True, reason=reason
            )
        assert error.value.message_dict == {"reason": ["Say why the contract is being terminated."]}
    contract.refresh_from_db()
    assert contract.status == C.ACTIVE
    closed = contract_services.contract_close(
        contract=contract,
        actor=personas.commissioner,
        terminated=True,
        reason=" The provider closed. ",
    )
    assert closed.status == C.TERMINATED
    assert status_changes(closed)[-1] == (C.ACTIVE, C.TERMINATED, "The provider closed.")


def test_ending_needs_no_reason(contract, personas):
    closed = contract_services.contract_close(
        contract=contract, actor=personas.commissioner, terminated=False, reason=""
    )
    assert closed.status == C.ENDED
    assert status_changes(closed) == [(C.DRAFT, C.ACTIVE, ""), (C.ACTIVE, C.ENDED, "")]
    with pytest.raises(InvalidTransition):
        contract_services.contract_close(
            contract=closed, actor=personas.commissioner, terminated=True, reason="Again."
        )


def test_a_draft_cannot_be_closed(personas, new_contract):
    draft = contract_services.contract_save(actor=personas.commissioner, data=new_contract())
    with pytest.raises(InvalidTransition):
        contract_services.contract_close(
            contract=draft, actor=personas.commissioner, terminated=False, reason=""
        )


def test_only_commissioners_close(contract, personas):
    with pytest.raises(NotAllowed):
        contract_services.contract_close(
            contract=contract, actor=personas.provider, terminated=True, reason="Bye."
        )
    contract.refresh_from_db()
    assert contract.status == C.ACTIVE


# ---------------------------------------------------------------------------------------
# Targets


def targets(contract, year=2026) -> dict[tuple[str, int], Decimal]:
    return {
        (code, quarter): value
        for code, quarter, value in Target.objects.filter(
            contract=contract, financial_year=year
        ).values_list("measure__code", "quarter", "value")
    }


def save_targets(contract, actor, values, year=2026):
    return contract_services.targets_save(
        contract=contract, actor=actor, financial_year=year, values=values
    )


def test_targets_per_quarter_and_for_the_year(contract, personas):
    errors = save_targets(
        contract,
        personas.commissioner,
        {
            "t-SUPPORTED-1": "40",
            "t-SUPPORTED-2": "45",
            "t-SUPPORTED-0": "1,800",
            "t-OUT_SAFER-0": "75.5",
            "t-SPEND-3": "£25,000.50",
            "t-REF-4": "",
            "t-SUCCESSES-1": "ignored: text has no target",
        },
    )
    assert errors == {}
    assert targets(contract) == {
        ("SUPPORTED", 1): Decimal(40),
        ("SUPPORTED", 2): Decimal(45),
        ("SUPPORTED", 0): Decimal(1800),
        ("OUT_SAFER", 0): Decimal("75.5"),
        ("SPEND", 3): Decimal("25000.50"),
    }
    # Another year is separate.
    assert save_targets(contract, personas.commissioner, {"t-SUPPORTED-1": "50"}, year=2027) == {}
    assert targets(contract, 2027) == {("SUPPORTED", 1): Decimal(50)}
    assert targets(contract)[("SUPPORTED", 1)] == Decimal(40)


def test_changing_and_removing_targets(contract, personas):
    save_targets(contract, personas.commissioner, {"t-SUPPORTED-1": "40", "t-CLOSED-2": "10"})
    errors = save_targets(
        contract, personas.commissioner, {"t-SUPPORTED-1": "42", "t-CLOSED-2": "  "}
    )
    assert errors == {}
    assert targets(contract) == {("SUPPORTED", 1): Decimal(42)}
    # A field not sent leaves its target alone.
    save_targets(contract, personas.commissioner, {"t-CLOSED-2": "8"})
    assert targets(contract) == {("SUPPORTED", 1): Decimal(42), ("CLOSED", 2): Decimal(8)}


def test_any_bad_target_saves_nothing_and_names_the_period(contract, personas):
    save_targets(contract, personas.commissioner, {"t-SUPPORTED-1": "40"})
    before = targets(contract)
    errors = save_targets(
        contract,
        personas.commissioner,
        {
            "t-SUPPORTED-1": "41",  # good, but not saved beside the bad ones
            "t-SUPPORTED-2": "40.5",
            "t-OUT_SAFER-0": "150",
            "t-SPEND-4": "-5",
            "t-CLOSED-3": "",
        },
    )
    assert errors == {
        "t-SUPPORTED-2": "Target for Q2: Victims supported must be a whole number, like 12 or 0.",
        "t-OUT_SAFER-0": "Target for the year: Feel safer must be a percentage from 0 to 100, "
        "like 85 or 72.5.",
        "t-SPEND-4": "Target for Q4: Spend in the quarter cannot be negative.",
    }
    assert targets(contract) == before


@pytest.mark.parametrize("who", ["provider", "officer"])
def test_only_commissioners_set_targets(contract, personas, who):
    with pytest.raises(NotAllowed):
        save_targets(contract, getattr(personas, who), {"t-SUPPORTED-1": "40"})
    assert targets(contract) == {}


def test_shortening_a_contract_cannot_strand_funding_after_the_new_end(contract, personas):
    from commissioning.models import ContractFunding

    ContractFunding.objects.create(
        contract=contract, stream=MOJ, financial_year=2027, amount=Decimal("90000")
    )
    shorter = amendment(kind=ContractAmendment.Kind.VARIATION, new_end_date=dt.date(2027, 3, 31))
    with pytest.raises(ValidationError) as refused:
        amend(contract, personas.commissioner, shorter)
    assert refused.value.message_dict["new_end_date"] == [
        "The contract has funding for 2027/28, after the new end date. Reduce that funding to "
        "0 first."
    ]
    contract.refresh_from_db()
    assert contract.end_date == dt.date(2028, 3, 31)
    amend(
        contract,
        personas.commissioner,
        amendment(
            kind=ContractAmendment.Kind.VARIATION,
            stream=MOJ,
            financial_year=2027,
            new_amount=Decimal("0"),
        ),
    )
    amend(contract, personas.commissioner, shorter)
    contract.refresh_from_db()
    assert contract.end_date == dt.date(2027, 3, 31)
