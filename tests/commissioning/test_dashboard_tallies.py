"""The dashboard's tallies are kept by the services in step with the returns and funding
they write: after a run of real service calls they equal a recount from the rows, and the
dashboard reads the same counts and values from them as from the rows themselves."""

from __future__ import annotations

import datetime as dt
import importlib
import io
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Sum

from commissioning import selectors
from commissioning.models import (
    Contract,
    ContractAmendment,
    ContractFunding,
    ContractValueTally,
    FundingStream,
    MonitoringReturn,
    ReturnTally,
    Service,
)
from commissioning.quarters import Quarter
from commissioning.services import contracts as contract_services
from commissioning.services.returns import (
    return_correct,
    return_request_changes,
    return_save,
    returns_open_due,
)
from commissioning.services.tallies import recount_tallies
from tests.commissioning.builders import make_contract
from tests.commissioning.test_rollup import accept, figures

pytestmark = pytest.mark.django_db
R = MonitoringReturn.Status
Q1, Q2, Q3 = Quarter(2026, 1), Quarter(2026, 2), Quarter(2026, 3)


def _kept() -> tuple[set, set]:
    """The tallies' non-empty rows, as kept by the services."""
    returns = set(
        ReturnTally.objects.exclude(count=0).values_list(
            "financial_year", "quarter", "status", "due_date", "was_submitted", "count"
        )
    )
    values = set(
        ContractValueTally.objects.exclude(lines=0).values_list(
            "financial_year", "stream", "service_id", "priority_id", "live", "lines", "amount"
        )
    )
    return returns, values


def _get(contract: Contract, quarter: Quarter, version: int = 1) -> MonitoringReturn:
    return MonitoringReturn.objects.get(
        contract=contract, financial_year=quarter.year, quarter=quarter.number, version=version
    )


@pytest.fixture
def worked(personas, plan):
    """Two live contracts and a draft one, their returns opened, filled in, submitted,
    sent back, resubmitted, accepted and corrected, and their funding changed: all
    through the services."""
    provider, commissioner = personas.provider, personas.commissioner
    a = make_contract(provider=personas.provider_org, commissioner=commissioner, plan=plan)
    b = make_contract(
        provider=personas.provider_org,
        commissioner=commissioner,
        plan=plan,
        reference="VS-TEST-02",
        amount=Decimal("50000"),
    )
    make_contract(
        provider=personas.provider_org,
        commissioner=commissioner,
        plan=plan,
        reference="VS-DRAFT-03",
        active=False,
        amount=Decimal("7000"),
    )
    assert returns_open_due(today=Q1.end + dt.timedelta(days=1)) == 2
    assert returns_open_due(today=Q1.end + dt.timedelta(days=2)) == 0  # nothing twice
    # A: Q1 saved as a draft, then submitted, sent back, resubmitted and accepted.
    a1 = _get(a, Q1)
    assert not return_save(monitoring_return=a1, actor=provider, typed=figures(10)).errors
    assert not return_save(monitoring_return=a1, actor=provider, typed={}, submit=True).errors
    return_request_changes(monitoring_return=a1, actor=commissioner, comment="Check victims.")
    assert not return_save(
        monitoring_return=a1, actor=provider, typed=figures(12), submit=True
    ).errors
    a1 = accept(_get(a, Q1), commissioner)
    # B: Q1 submitted straight from not started, accepted, corrected; the correction is
    # submitted and accepted in its place.
    b1 = _get(b, Q1)
    assert not return_save(
        monitoring_return=b1, actor=provider, typed=figures(30), submit=True
    ).errors
    b1 = accept(_get(b, Q1), commissioner)
    correction = return_correct(monitoring_return=b1, actor=provider, reason="Double-counted.")
    assert not return_save(
        monitoring_return=correction, actor=provider, typed=figures(28), submit=True
    ).errors
    accept(_get(b, Q1, version=2), commissioner)
    # Q2 opened for both: A's left untouched (overdue later), B's sent back once.
    assert returns_open_due(today=Q2.end + dt.timedelta(days=1)) == 2
    b2 = _get(b, Q2)
    assert not return_save(
        monitoring_return=b2, actor=provider, typed=figures(20), submit=True
    ).errors
    return_request_changes(monitoring_return=_get(b, Q2), actor=commissioner, comment="Typo.")
    # A correction of A's Q1 started and left as a draft.
    return_correct(monitoring_return=a1, actor=provider, reason="A referral batch missed.")
    # Funding: A varied for the year and given a new stream; B's funding lines replaced.
    contract_services.contract_amend(
        contract=a,
        actor=commissioner,
        data=contract_services.AmendmentInput(
            kind=ContractAmendment.Kind.VARIATION,
            effective_on=dt.date(2026, 10, 1),
            description="More advocates.",
            reason="Demand.",
            approved_by="The commissioner",
            stream=FundingStream.MOJ,
            financial_year=2026,
            new_amount=Decimal("125000"),
        ),
    )
    contract_services.contract_amend(
        contract=a,
        actor=commissioner,
        data=contract_services.AmendmentInput(
            kind=ContractAmendment.Kind.VARIATION,
            effective_on=dt.date(2026, 10, 1),
            description="Match funding.",
            reason="A partner joined.",
            approved_by="The commissioner",
            stream=FundingStream.MATCH,
            financial_year=2027,
            new_amount=Decimal("9000"),
        ),
    )
    b.refresh_from_db()
    contract_services.contract_save(
        actor=commissioner,
        contract=b,
        data=contract_services.ContractInput(
            reference=b.reference,
            provider=b.provider,
            service=Service.objects.create(
                name="Restorative justice", category=Service.Category.RESTORATIVE_JUSTICE
            ),
            start_date=b.start_date,
            end_date=b.end_date,
            lead_commissioner=commissioner,
            measure_set=b.measure_set,
            primary_priority=b.primary_priority,
            funding=[
                contract_services.FundingLine(FundingStream.HOME_OFFICE, 2026, Decimal("60000")),
                contract_services.FundingLine(FundingStream.MOJ, 2027, Decimal("40000")),
            ],
        ),
    )
    return a, b


def test_the_kept_tallies_equal_a_recount_after_the_services_have_worked(worked):
    kept = _kept()
    assert kept[0] and kept[1]
    recount_tallies()
    assert _kept() == kept


def test_the_dashboard_reads_from_the_tallies_what_the_rows_say(worked):
    today = Q3.end + dt.timedelta(days=1)
    d = selectors.dashboard(financial_year=2026, today=today)
    newest = MonitoringReturn.objects.filter(financial_year=2026, is_newest=True)
    for row in d.quarters:
        in_quarter = newest.filter(quarter=row.quarter.number)
        assert row.total == in_quarter.count()
        for status in R.values:
            assert row.counts[status] == in_quarter.filter(status=status).count()
        late = in_quarter.filter(
            status__in=MonitoringReturn.EDITABLE, submitted_at__isnull=True, due_date__lt=today
        )
        assert row.overdue == late.count()
    # Q1: A's correction (draft), B's accepted correction; Q2: A's untouched return
    # (overdue), B's sent back (not overdue: it was in on time).
    q1, q2 = d.quarters[0], d.quarters[1]
    assert (q1.total, q1.counts[R.DRAFT], q1.counts[R.ACCEPTED]) == (2, 1, 1)
    assert (q2.counts[R.NOT_STARTED], q2.counts[R.CHANGES_REQUESTED], q2.overdue) == (1, 1, 1)
    live = ContractFunding.objects.filter(financial_year=2026).exclude(
        contract__status=Contract.Status.DRAFT
    )
    assert d.total_value == live.aggregate(total=Sum("amount"))["total"]
    by_stream = {v.label: v.amount for v in d.by_stream}
    assert by_stream == {
        dict(FundingStream.choices)[row["stream"]]: row["amount"]
        for row in live.values("stream").annotate(amount=Sum("amount"))
    }
    assert len(d.by_category) == 2  # B moved to another service (category) with its funding
    assert {2026, 2027} <= set(d.years)


def test_a_draft_contracts_funding_counts_once_it_goes_live(personas, plan):
    draft = make_contract(
        provider=personas.provider_org,
        commissioner=personas.commissioner,
        plan=plan,
        active=False,
        amount=Decimal("7000"),
    )
    assert selectors.dashboard(financial_year=2026).total_value == 0
    assert 2026 in selectors.dashboard(financial_year=2026).years  # drafts' years listed
    contract_services.contract_activate(contract=draft, actor=personas.commissioner)
    assert selectors.dashboard(financial_year=2026).total_value == Decimal("7000")


def test_the_recount_command_and_the_migration_rebuild_lost_tallies(worked):
    kept = _kept()
    ReturnTally.objects.all().delete()
    ContractValueTally.objects.update(amount=0, lines=0)
    call_command("recount_dashboard_tallies", stdout=io.StringIO())
    assert _kept() == kept
    ReturnTally.objects.all().delete()
    ContractValueTally.objects.all().delete()
    migration = importlib.import_module("commissioning.migrations.0005_dashboard_tallies")
    migration.fill_tallies(apps, None)
    assert _kept() == kept
