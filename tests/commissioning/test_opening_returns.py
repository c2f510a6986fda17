"""The daily task opens one return per live contract for every quarter that has ended:
never twice, only for ended quarters within the contract's dates, and only from the
financial year the contract went live. Each is due RETURN_DUE_DAYS after its quarter."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, transaction

from commissioning.models import Contract, MonitoringReturn
from commissioning.quarters import Quarter
from commissioning.services import contracts as contract_services
from commissioning.services.returns import return_due_date, returns_open_due
from commissioning.tasks import returns_daily
from tests.commissioning.builders import make_contract

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
Q1, Q2, Q3, Q4 = (Quarter(2026, n) for n in (1, 2, 3, 4))


def at(moment: dt.datetime):
    return time_machine.travel(moment.replace(tzinfo=LONDON), tick=False)


def opened(contract: Contract | None = None) -> list[tuple[int, int, int]]:
    returns = MonitoringReturn.objects.all()
    if contract is not None:
        returns = returns.filter(contract=contract)
    return sorted(returns.values_list("financial_year", "quarter", "version"))


def due_dates(contract: Contract) -> dict[tuple[int, int], dt.date]:
    return {
        (r.financial_year, r.quarter): r.due_date
        for r in MonitoringReturn.objects.filter(contract=contract)
    }


@pytest.fixture
def second(personas, plan, other_provider) -> Contract:
    organisation, _member = other_provider
    return make_contract(
        provider=organisation,
        commissioner=personas.commissioner,
        plan=plan,
        reference="VS-TEST-02",
    )


def test_nothing_opens_before_the_quarter_ends(contract):
    assert returns_open_due(today=dt.date(2026, 4, 1)) == 0
    assert returns_open_due(today=Q1.end) == 0  # 30 June: the quarter is not over
    assert opened() == []


def test_the_return_opens_the_day_after_the_quarter_ends(contract):
    assert returns_open_due(today=dt.date(2026, 7, 1)) == 1
    assert opened(contract) == [(2026, 1, 1)]
    r = MonitoringReturn.objects.get(contract=contract)
    assert r.status == MonitoringReturn.Status.NOT_STARTED
    assert r.measure_set == contract.measure_set
    assert r.corrects is None


def test_run_twice_it_opens_nothing_more(contract):
    assert returns_open_due(today=dt.date(2026, 7, 1)) == 1
    assert returns_open_due(today=dt.date(2026, 7, 1)) == 0
    assert returns_open_due(today=dt.date(2026, 7, 2)) == 0
    assert MonitoringReturn.objects.count() == 1
    # The next quarter: only its own return is new.
    assert returns_open_due(today=dt.date(2026, 10, 1)) == 1
    assert returns_open_due(today=dt.date(2026, 10, 1)) == 0
    assert opened(contract) == [(2026, 1, 1), (2026, 2, 1)]


def test_each_contract_gets_its_own_return(contract, second):
    assert returns_open_due(today=dt.date(2026, 7, 1)) == 2
    assert returns_open_due(today=dt.date(2026, 7, 1)) == 0
    assert opened(contract) == [(2026, 1, 1)]
    assert opened(second) == [(2026, 1, 1)]


def test_a_missed_run_catches_up_every_ended_quarter_once(contract, second):
    # Nothing ran all year: on 2 April 2027 all four quarters are owed by both contracts.
    assert returns_open_due(today=dt.date(2027, 4, 2)) == 8
    assert returns_open_due(today=dt.date(2027, 4, 2)) == 0
    expected = [(2026, n, 1) for n in (1, 2, 3, 4)]
    assert opened(contract) == expected
    assert opened(second) == expected


def test_a_financial_year_boundary(contract):
    # Q4 is January to March 2027; it ends with the financial year on 31 March.
    returns_open_due(today=dt.date(2027, 1, 1))
    assert opened(contract) == [(2026, 1, 1), (2026, 2, 1), (2026, 3, 1)]
    assert returns_open_due(today=dt.date(2027, 3, 31)) == 0
    assert returns_open_due(today=dt.date(2027, 4, 1)) == 1
    assert opened(contract)[-1] == (2026, 4, 1)
    assert due_dates(contract)[(2026, 4)] == dt.date(2027, 4, 20)


def test_a_draft_contract_owes_nothing(personas, plan):
    draft = make_contract(
        provider=personas.provider_org,
        commissioner=personas.commissioner,
        plan=plan,
        active=False,
    )
    assert draft.status == Contract.Status.DRAFT
    assert returns_open_due(today=dt.date(2027, 6, 1)) == 0
    assert opened() == []


def test_only_quarters_from_the_year_the_contract_went_live(personas, plan):
    # A contract from April 2025, recorded and made live in May 2026: 2025/26 was
    # reported before this system, so only 2026/27 quarters are owed.
    late = make_contract(
        provider=personas.provider_org,
        commissioner=personas.commissioner,
        plan=plan,
        start=dt.date(2025, 4, 1),
        activated_on=dt.date(2026, 5, 10),
    )
    assert returns_open_due(today=dt.date(2026, 5, 11)) == 0
    assert returns_open_due(today=dt.date(2026, 10, 1)) == 2
    assert opened(late) == [(2026, 1, 1), (2026, 2, 1)]


def test_a_contract_live_in_march_owes_that_years_q4(personas, plan):
    # Live on 15 March 2027: financial year 2026/27, so all of 2026/27 from its start.
    march = make_contract(
        provider=personas.provider_org,
        commissioner=personas.commissioner,
        plan=plan,
        start=dt.date(2026, 10, 1),
        activated_on=dt.date(2027, 3, 15),
    )
    assert returns_open_due(today=dt.date(2027, 4, 1)) == 2
    assert opened(march) == [(2026, 3, 1), (2026, 4, 1)]


def test_the_end_date_bounds_the_quarters(personas, plan):
    short = make_contract(
        provider=personas.provider_org,
        commissioner=personas.commissioner,
        plan=plan,
        end=dt.date(2026, 8, 15),  # part-way through Q2
    )
    assert returns_open_due(today=dt.date(2026, 9, 1)) == 1
    assert opened(short) == [(2026, 1, 1)]
    # Q2 overlaps the contract, so it is owed once it has ended; nothing after it.
    assert returns_open_due(today=dt.date(2026, 10, 1)) == 1
    assert returns_open_due(today=dt.date(2028, 1, 1)) == 0
    assert opened(short) == [(2026, 1, 1), (2026, 2, 1)]


def test_a_contract_starting_mid_quarter_owes_that_quarter(personas, plan):
    mid = make_contract(
        provider=personas.provider_org,
        commissioner=personas.commissioner,
        plan=plan,
        start=dt.date(2026, 5, 20),
    )
    assert returns_open_due(today=dt.date(2026, 7, 1)) == 1
    assert opened(mid) == [(2026, 1, 1)]


@pytest.mark.parametrize("terminated", [False, True])
def test_an_ended_contract_still_owes_its_ended_quarters(contract, personas, terminated):
    contract_services.contract_close(
        contract=contract, actor=personas.commissioner, terminated=terminated, reason="Merged."
    )
    assert returns_open_due(today=dt.date(2026, 7, 1)) == 1
    assert opened(contract) == [(2026, 1, 1)]


def test_a_terminated_contract_owes_nothing_for_quarters_after_it_was_terminated(
    contract, personas
):
    # Terminated early, on 1 August 2026 (the contract ran to March 2028): Q1 and the
    # quarter it was terminated in are owed, and nothing later. Without this the task
    # keeps opening (and chasing) returns for a service that no longer exists.
    with at(dt.datetime(2026, 8, 1, 12)):
        contract_services.contract_close(
            contract=contract,
            actor=personas.commissioner,
            terminated=True,
            reason="The provider has closed.",
        )
    returns_open_due(today=dt.date(2027, 4, 2))
    assert opened(contract) == [(2026, 1, 1), (2026, 2, 1)]


def test_due_quarter_end_plus_20_days_when_opened_the_day_after(contract, settings):
    assert settings.RETURN_DUE_DAYS == 20
    returns_open_due(today=dt.date(2026, 7, 1))
    assert due_dates(contract) == {(2026, 1): dt.date(2026, 7, 20)}
    assert return_due_date(Q1, dt.date(2026, 7, 1)) == Q1.end + dt.timedelta(days=20)
    # Q3 ends on 31 December: due 20 January.
    assert return_due_date(Q3, dt.date(2027, 1, 1)) == dt.date(2027, 1, 20)
    # Q4 ends on 31 March: due 20 April, in the next financial year.
    assert return_due_date(Q4, dt.date(2027, 4, 1)) == dt.date(2027, 4, 20)


def test_opened_late_a_return_gets_20_days_from_the_day_before_it_opened(contract):
    returns_open_due(today=dt.date(2026, 8, 15))
    assert due_dates(contract) == {(2026, 1): dt.date(2026, 9, 3)}  # 14 August + 20 days
    assert return_due_date(Q1, dt.date(2026, 7, 2)) == dt.date(2026, 7, 21)
    assert return_due_date(Q1, dt.date(2026, 6, 15)) == dt.date(2026, 7, 20)  # never earlier


def test_catching_up_gives_every_late_quarter_the_same_grace(contract):
    returns_open_due(today=dt.date(2027, 1, 15))
    assert due_dates(contract) == {
        (2026, 1): dt.date(2027, 2, 3),
        (2026, 2): dt.date(2027, 2, 3),
        (2026, 3): dt.date(2027, 2, 3),
    }


def test_the_due_days_come_from_settings(contract, settings):
    settings.RETURN_DUE_DAYS = 30
    returns_open_due(today=dt.date(2026, 7, 1))
    assert due_dates(contract) == {(2026, 1): dt.date(2026, 7, 30)}


def test_today_is_the_london_date(contract):
    # 00:30 on 1 July in London is still 30 June in UTC: the quarter has ended here.
    with at(dt.datetime(2026, 7, 1, 0, 30)):
        assert returns_open_due() == 1
    assert due_dates(contract) == {(2026, 1): dt.date(2026, 7, 20)}


def test_the_daily_task_run_twice_opens_one_return(contract, second):
    with at(dt.datetime(2026, 7, 1, 6)):
        first = returns_daily.delay().get()
        again = returns_daily.delay().get()
    assert first == {"ended": 0, "opened": 2, "reminders": 0, "escalations": 0}
    assert again == {"ended": 0, "opened": 0, "reminders": 0, "escalations": 0}
    assert MonitoringReturn.objects.count() == 2
    with at(dt.datetime(2026, 7, 2, 6)):
        assert returns_daily.delay().get()["opened"] == 0
    assert opened(contract) == [(2026, 1, 1)]
    assert opened(second) == [(2026, 1, 1)]


def test_a_correction_does_not_count_as_a_missing_first_version(contract):
    returns_open_due(today=dt.date(2026, 7, 1))
    first = MonitoringReturn.objects.get(contract=contract)
    MonitoringReturn.objects.filter(pk=first.pk).update(
        status=MonitoringReturn.Status.ACCEPTED, is_newest=False
    )
    MonitoringReturn.objects.create(
        contract=contract,
        measure_set=contract.measure_set,
        financial_year=2026,
        quarter=1,
        version=2,
        corrects=first,
        correction_reason="Typo.",
        due_date=dt.date(2026, 8, 1),
    )
    assert returns_open_due(today=dt.date(2026, 7, 5)) == 0
    assert opened(contract) == [(2026, 1, 1), (2026, 1, 2)]


def test_the_database_refuses_a_second_return_for_a_quarter(q1_return):
    with pytest.raises(IntegrityError), transaction.atomic():
        MonitoringReturn.objects.create(
            contract=q1_return.contract,
            measure_set=q1_return.measure_set,
            financial_year=2026,
            quarter=1,
            version=1,
            due_date=dt.date(2026, 7, 20),
        )
    assert MonitoringReturn.objects.filter(contract=q1_return.contract).count() == 1


def test_opening_ignores_a_return_inserted_by_an_overlapping_run(contract):
    # Another run opened the return between this run's look and its insert: the insert
    # ignores the clash instead of failing or duplicating.
    from commissioning.services import returns as return_services

    real = return_services.MonitoringReturn.objects.bulk_create

    def racing_bulk_create(objs, **kwargs):
        objs = list(objs)
        MonitoringReturn.objects.create(
            contract=contract,
            measure_set=contract.measure_set,
            financial_year=2026,
            quarter=1,
            due_date=dt.date(2026, 7, 20),
        )
        return real(objs, **kwargs)

    import unittest.mock

    with unittest.mock.patch.object(
        return_services.MonitoringReturn.objects, "bulk_create", racing_bulk_create
    ):
        returns_open_due(today=dt.date(2026, 7, 1))
    assert opened(contract) == [(2026, 1, 1)]


def test_a_contract_past_its_end_date_is_ended_and_still_owes_its_last_quarter(personas, plan):
    from commissioning.services.contracts import contracts_end_due
    from core.models import StatusChange

    short = make_contract(
        provider=personas.provider_org,
        commissioner=personas.commissioner,
        plan=plan,
        reference="VS-SHORT-01",
        start=dt.date(2026, 4, 1),
        end=dt.date(2026, 9, 30),
    )
    assert contracts_end_due(today=dt.date(2026, 9, 30)) == 0
    assert contracts_end_due(today=dt.date(2026, 10, 1)) == 1
    assert contracts_end_due(today=dt.date(2026, 10, 2)) == 0
    short.refresh_from_db()
    assert short.status == Contract.Status.ENDED
    change = StatusChange.objects.get(object_id=short.pk, to_status="ended")
    assert (change.actor, change.reason) == (None, "Reached its end date.")
    returns_open_due(today=dt.date(2026, 10, 1))
    opened = MonitoringReturn.objects.filter(contract=short).values_list("quarter", flat=True)
    assert sorted(opened) == [1, 2]
