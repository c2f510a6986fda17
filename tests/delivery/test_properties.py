"""Properties of the plan-delivery arithmetic, for random awards and contracts: the priority
totals are the sum of the awards decided in the period, and no award or contract is
counted twice in an additive table (priorities, districts) or left out of one.

Awards are decided around the year's edges (midnight London time on 1 April, in summer
time or not), some offers are declined, and districts come singly, in pairs, or as across
West Yorkshire; contracts are funded in the year, the years either side, or are drafts.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import District, Organisation
from commissioning.models import (
    Contract,
    ContractFunding,
    FundingStream,
    MonitoringReturn,
    Service,
)
from commissioning.models.returns import ReturnValue
from delivery.selectors import (
    AREA,
    DISTRICT,
    KINDS,
    OUTCOME,
    PRIORITY,
    THEME,
    TOTAL,
    Scope,
    dashboard,
    drilldown,
    grouped,
    load_facts,
    table,
)
from delivery.selectors.tables import gaps
from grants.models import Application, Award, MonitoringReport, PaymentInstalment
from tests.commissioning.builders import measure_set
from tests.factories import OrganisationFactory, RoundFactory, UserFactory

LONDON = ZoneInfo("Europe/London")
YEAR = 2026
FIRST, LAST = dt.date(YEAR, 4, 1), dt.date(YEAR + 1, 3, 31)

awards = st.lists(
    st.fixed_dictionaries(
        {
            "priority": st.integers(0, 3),
            "outcomes": st.lists(st.integers(0, 4), max_size=3, unique=True),
            "themes": st.lists(st.integers(0, 2), max_size=3, unique=True),
            "districts": st.lists(st.integers(0, 4), max_size=3, unique=True),
            "across": st.booleans(),
            # Days from 31 March of the year before to 2 April after, at any minute.
            "day": st.integers(-1, 366),
            "minute": st.integers(0, 24 * 60 - 1),
            "edge": st.sampled_from([None, "start", "end"]),
            "declined": st.booleans(),
            "pence": st.integers(100, 2_000_000),
        }
    ),
    max_size=10,
)
contracts = st.lists(
    st.fixed_dictionaries(
        {
            "priority": st.integers(0, 3),
            "draft": st.booleans(),
            "funding": st.lists(
                st.tuples(
                    st.sampled_from([YEAR - 1, YEAR, YEAR + 1]),
                    st.sampled_from(FundingStream.values),
                    st.integers(0, 50_000_000),
                ),
                max_size=4,
                unique_by=lambda line: (line[0], line[1]),
            ),
            "outcomes": st.lists(st.integers(0, 4), max_size=3, unique=True),
            "themes": st.lists(st.integers(0, 2), max_size=3, unique=True),
            # The service's districts: none, some, or every one (across West Yorkshire).
            "areas": st.one_of(
                st.just("all"), st.lists(st.integers(0, 4), max_size=3, unique=True)
            ),
            # Returns: (quarter, accepted, victims supported, cases closed, a cope value).
            "returns": st.lists(
                st.tuples(
                    st.integers(1, 4),
                    st.booleans(),
                    st.one_of(st.none(), st.integers(0, 40)),
                    st.one_of(st.none(), st.integers(0, 9)),
                    st.one_of(st.none(), st.decimals(0, 100, places=2)),
                ),
                max_size=3,
                unique_by=lambda r: r[0],
            ),
        }
    ),
    max_size=4,
)


def _decided(spec) -> dt.datetime:
    """An instant: midnight London time on either side of the year's start or end, or a
    minute of a day near and inside the year."""
    if spec["edge"] == "start":
        return dt.datetime(YEAR, 4, 1, tzinfo=LONDON) - dt.timedelta(
            microseconds=spec["minute"] % 2
        )
    if spec["edge"] == "end":
        return dt.datetime(YEAR + 1, 4, 1, tzinfo=LONDON) - dt.timedelta(
            microseconds=spec["minute"] % 2
        )
    day = dt.datetime(YEAR, 3, 31, tzinfo=LONDON) + dt.timedelta(days=spec["day"])
    return day + dt.timedelta(minutes=spec["minute"])


def _make_award(spec, number, round, plan, districts) -> tuple[Award, bool]:
    priority = list(plan.priorities.order_by("position"))[spec["priority"]]
    outcomes = list(priority.outcomes.order_by("position"))
    themes = list(plan.themes.order_by("position"))
    organisation = Organisation.objects.create(
        name=f"Group {number}",
        type="community_group",
        address_line_1="1 Road",
        town="Leeds",
        postcode="LS1 1AA",
    )
    decided = _decided(spec)
    application = Application.objects.create(
        round=round,
        organisation=organisation,
        status="active",
        reference=f"P-{number:04d}",
        submitted_at=decided,
        amount_requested=Decimal(spec["pence"]) / 100,
        primary_priority=priority,
        across_west_yorkshire=spec["across"],
    )
    application.districts.set([districts[i] for i in spec["districts"]])
    award = Award.objects.create(
        reference=application.reference,
        application=application,
        amount=Decimal(spec["pence"]) / 100,
        planned_start=dt.date(YEAR, 5, 1),
        planned_end=dt.date(YEAR, 12, 1),
        plan=plan,
        primary_priority=priority,
        decided_at=decided,
        offer_declined_at=timezone.now() if spec["declined"] else None,
    )
    award.outcomes.set([outcomes[i] for i in spec["outcomes"] if i < len(outcomes)])
    award.themes.set([themes[i] for i in spec["themes"]])
    in_period = FIRST <= decided.astimezone(LONDON).date() <= LAST and not spec["declined"]
    return award, in_period


def _make_contract(spec, number, plan, provider, commissioner) -> Decimal:
    districts = list(District.objects.order_by("position"))
    own = Service.objects.create(name=f"Service {number}", category=Service.Category.ISVA)
    own.areas.set(
        districts if spec.get("areas") == "all" else [districts[i] for i in spec.get("areas", [])]
    )
    contract = Contract.objects.create(
        reference=f"C-{number}",
        provider=provider,
        service=own,
        start_date=dt.date(YEAR - 1, 4, 1),
        end_date=dt.date(YEAR + 2, 3, 31),
        status=Contract.Status.DRAFT if spec["draft"] else Contract.Status.ACTIVE,
        lead_commissioner=commissioner,
        measure_set=measure_set(),
        plan=plan,
        primary_priority=list(plan.priorities.order_by("position"))[spec["priority"]],
    )
    for year, stream, pence in spec["funding"]:
        ContractFunding.objects.create(
            contract=contract, stream=stream, financial_year=year, amount=Decimal(pence) / 100
        )
    outcomes = list(contract.primary_priority.outcomes.order_by("position"))
    contract.outcomes.set([outcomes[i] for i in spec.get("outcomes", []) if i < len(outcomes)])
    themes = list(plan.themes.order_by("position"))
    contract.themes.set([themes[i] for i in spec.get("themes", [])])
    by_code = {m.code: m for m in contract.measure_set.measures.all()}
    for quarter, accepted, supported, closed, cope in spec.get("returns", []):
        made = MonitoringReturn.objects.create(
            contract=contract,
            measure_set=contract.measure_set,
            financial_year=YEAR,
            quarter=quarter,
            due_date=LAST,
            status=MonitoringReturn.Status.ACCEPTED
            if accepted
            else MonitoringReturn.Status.SUBMITTED,
        )
        for code, value in (("SUPPORTED", supported), ("CLOSED", closed), ("OUT_COPE", cope)):
            if value is not None:
                ReturnValue.objects.create(
                    monitoring_return=made, measure=by_code[code], value=Decimal(value)
                )
    if spec["draft"]:
        return Decimal(0)
    return sum((Decimal(p) / 100 for y, _, p in spec["funding"] if y == YEAR), Decimal(0))


@pytest.fixture
def world(plan):
    round = RoundFactory(plan=plan, status="closed")
    provider = OrganisationFactory(name="Provider", is_applicant=False, is_provider=True)
    commissioner = UserFactory(email="commissioner@example.org")
    return plan, round, provider, commissioner, list(District.objects.order_by("position"))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(award_specs=awards, contract_specs=contracts)
def test_priority_totals_are_the_awards_in_the_period_and_nothing_counts_twice(
    world, award_specs, contract_specs
):
    plan, round, provider, commissioner, districts = world
    with transaction.atomic():
        made = [_make_award(spec, n, round, plan, districts) for n, spec in enumerate(award_specs)]
        value = sum(
            (
                _make_contract(spec, n, plan, provider, commissioner)
                for n, spec in enumerate(contract_specs)
            ),
            Decimal(0),
        )
        counted = [award for award, in_period in made if in_period]
        scope = Scope(plan=plan, year=YEAR)
        result = dashboard(scope)

        for rows in (result.priorities, result.areas):
            parts = [row for row in rows if not row.is_total]
            total = next(row for row in rows if row.is_total).figures
            assert sum(row.figures.awards for row in parts) == total.awards == len(counted)
            assert (
                sum((row.figures.awarded for row in parts), Decimal(0))
                == total.awarded
                == sum((a.amount for a in counted), Decimal(0))
            )
            assert sum((row.figures.contract_value for row in parts), Decimal(0)) == value

        # Each award counted lies in exactly one priority's list and one area's list.
        for dimension, rows in ((PRIORITY, result.priorities), (AREA, result.areas)):
            seen: Counter[int] = Counter()
            for row in rows:
                if row.key == TOTAL:
                    continue
                listed = drilldown(scope, dimension=dimension, key=row.key, kind="awards")
                assert listed is not None
                seen.update(a.pk for a in listed.awards)
            assert seen == Counter(a.pk for a in counted)
        transaction.set_rollback(True)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    award_specs=awards,
    contract_specs=contracts,
    district=st.sampled_from([None, 0, 2]),
    theme=st.sampled_from([None, 1]),
    paid=st.lists(st.integers(0, 3), max_size=10),
)
def test_the_figures_counted_by_the_database_are_those_of_grouping_every_fact(
    world, award_specs, contract_specs, district, theme, paid
):
    """The dashboard adds up grants in the database and a list reads only its page: both
    give what grouping one object per award, bid and contract gives (load_facts, table),
    with and without the district and theme filters."""
    plan, round, provider, commissioner, districts = world
    with transaction.atomic():
        made = [_make_award(spec, n, round, plan, districts) for n, spec in enumerate(award_specs)]
        for (award, _), instalments in zip(made, paid, strict=False):
            for number in range(instalments):
                PaymentInstalment.objects.create(
                    award=award,
                    position=number + 1,
                    amount=Decimal("100.00"),
                    due_date=FIRST,
                    paid_on=FIRST if number % 2 == 0 else None,
                    paid_amount=Decimal("33.33") if number % 2 == 0 else None,
                )
            if instalments:
                MonitoringReport.objects.create(
                    award=award,
                    kind=MonitoringReport.Kind.SIX_MONTH,
                    due_date=LAST,
                    status=MonitoringReport.Status.ACCEPTED,
                    beneficiaries={"under_18": instalments, "18_24": 2, "note": "x"},
                )
        for n, spec in enumerate(contract_specs):
            _make_contract(spec, n, plan, provider, commissioner)
        themes = list(plan.themes.order_by("position"))
        scope = Scope(
            plan=plan,
            year=YEAR,
            district_id=None if district is None else districts[district].pk,
            theme_id=None if theme is None else themes[theme].pk,
        )
        facts = load_facts(scope)
        board = dashboard(scope)
        for dimension, rows in (
            (PRIORITY, board.priorities),
            (OUTCOME, board.outcomes),
            (THEME, board.themes),
            (AREA, board.areas),
        ):
            assert rows == table(facts, dimension), dimension
            groups = grouped(facts, dimension)
            for row in rows:
                for kind in KINDS:
                    listed = drilldown(scope, dimension=dimension, key=row.key, kind=kind)
                    assert listed is not None
                    assert listed.figures == row.figures, (dimension, row.key, kind)
                    expected = getattr(groups.get(row.key), kind, [])
                    assert [f.pk for f in listed.items] == [f.pk for f in expected]
        assert board.gaps == gaps(
            table(facts, OUTCOME), table(facts, THEME), table(facts, DISTRICT)
        )
        transaction.set_rollback(True)
