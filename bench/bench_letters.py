"""Rendering award letters: 1,000 letters, one at a time (target: under 20 ms median)."""

from __future__ import annotations

import datetime as dt
import io
import statistics
import time
from decimal import Decimal

import pypdf
from django.db import transaction
from django.utils import timezone

from bench.bench_assessment import PLAN_FILE, _make_round
from grants import letters
from grants.models import Award, PaymentInstalment
from outcomes.plan_file import parse_plan_text
from outcomes.services import plan_load
from tests.grants.builders import bulk_assessed_applications

LETTERS = 1000


def _measure() -> list[tuple[str, str]]:
    plan, _ = plan_load(data=parse_plan_text(PLAN_FILE.read_text(), str(PLAN_FILE)))
    round = _make_round(plan)
    (application,) = bulk_assessed_applications(round, 1)
    award = Award.objects.create(
        reference=application.reference,
        application=application,
        amount=Decimal("8000"),
        conditions="Send us copies of the DBS checks for the coaches.",
        planned_start=application.start_date,
        planned_end=application.end_date,
        plan=plan,
        primary_priority=application.primary_priority,
        decided_at=timezone.now(),
    )
    award.outcomes.set(application.primary_priority.outcomes.all()[:2])
    PaymentInstalment.objects.bulk_create(
        [
            PaymentInstalment(award=award, position=1, due_date=dt.date(2027, 4, 1), amount=5000),
            PaymentInstalment(award=award, position=2, due_date=dt.date(2027, 10, 1), amount=3000),
        ]
    )
    # Loaded once, as the send task does; the loop measures rendering alone.
    award = (
        Award.objects.select_related(
            "application__organisation", "application__round__fund", "plan", "primary_priority"
        )
        .prefetch_related("instalments", "outcomes")
        .get(pk=award.pk)
    )
    content = letters.award_letter(award)  # warm-up: fonts registered, styles built
    if "£8,000.00" not in pypdf.PdfReader(io.BytesIO(content)).pages[0].extract_text():
        raise AssertionError("the letter does not show the amount")
    # Every letter differs (group, amount, conditions) as in a real round, so the cache of
    # parsed standard wording helps only where letters really repeat themselves.
    organisation = award.application.organisation
    times = []
    for number in range(LETTERS):
        organisation.name = f"Community Group {number}"
        award.amount = Decimal(1000 + number)
        award.conditions = f"Condition {number}: send us the DBS checks for coach {number}."
        started = time.perf_counter()
        letters.award_letter(award)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return [
        (f"award letter PDF, {LETTERS} letters: median", f"{statistics.median(times):.1f} ms"),
        ("  95th percentile", f"{times[int(LETTERS * 0.95)]:.1f} ms"),
        (
            "  size of one letter",
            f"{len(content) / 1024:.0f} KB, {len(pypdf.PdfReader(io.BytesIO(content)).pages)} pages",
        ),
    ]


def run() -> list[tuple[str, str]]:
    with transaction.atomic():
        rows = _measure()
        transaction.set_rollback(True)
    return rows
