"""The fixtures the bad-input tests share with the commissioning and grants tests."""

from __future__ import annotations

from tests.commissioning.conftest import contract, q1_return  # noqa: F401
from tests.grants.conftest import (  # noqa: F401
    assessed_application,
    award,
    scoring_round,
    second_assessor,
)
from tests.grants.test_monitoring_reports import live_award, six_month  # noqa: F401
