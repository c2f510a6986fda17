from __future__ import annotations

import datetime as dt

import pytest

from commissioning.models import Contract, MonitoringReturn
from commissioning.quarters import Quarter
from tests.commissioning.builders import make_contract, open_return

Q1 = Quarter(2026, 1)  # April to June 2026


@pytest.fixture
def contract(personas, plan) -> Contract:
    """Provider org's active contract from 1 April 2026, led by the commissioner persona."""
    return make_contract(
        provider=personas.provider_org, commissioner=personas.commissioner, plan=plan
    )


@pytest.fixture
def q1_return(contract) -> MonitoringReturn:
    """The contract's not-started 2026/27 Q1 return, due 20 July 2026."""
    return open_return(contract, Q1)


@pytest.fixture
def other_provider(db):
    """Provider B: another commissioned provider with its own member and contract."""
    from tests.factories import MembershipFactory, OrganisationFactory

    organisation = OrganisationFactory(
        name="Other Victim Service", is_applicant=False, is_provider=True
    )
    member = MembershipFactory(organisation=organisation, user__email="quinn@example.org").user
    return organisation, member


@pytest.fixture
def today_after_q1() -> dt.date:
    return dt.date(2026, 7, 2)
