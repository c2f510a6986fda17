"""bench/generate.py still builds its data set (the benchmark itself is not a test)."""

from __future__ import annotations

import pytest

from accounts.models import User
from bench.generate import OFFICER, Sizes, assessor_email, generate
from commissioning.models import Contract, MonitoringReturn
from core.models import StatusChange
from grants.models import Application, Assessment, Award, Fund, Score

pytestmark = pytest.mark.django_db


def test_it_builds_a_tiny_set_with_every_part():
    sizes = Sizes(bids=6, rounds=3, awards=2, contracts=2, quarters=2, drafts=1)

    generate(sizes, say=lambda text: None)

    ranked = Application.objects.filter(round__reference_prefix="BENCH-R01")
    assert ranked.count() == 6
    assert Assessment.objects.filter(application__in=ranked).count() == 18
    assert Score.objects.exists()
    assert Award.objects.count() == 2
    assert Application.objects.filter(status=Application.Status.DRAFT).count() == 1
    assert Contract.objects.count() == 2
    assert MonitoringReturn.objects.count() >= 4
    assert StatusChange.objects.count() > 6
    assert Application.history.filter(round__reference_prefix="BENCH-R01").count() == 12
    assert User.objects.filter(email__in=[OFFICER, assessor_email(0)]).count() == 2
    # The sizes are recorded, so bench/load.py keeps a finished set.
    assert Fund.objects.get(code="bench").description.startswith('{"bids": 6')
