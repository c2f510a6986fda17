"""The Police and Crime Panel report, every section, at 5,000 awards and 300 contracts.

Each contract has 8 quarters of returns. Timed: collecting the data, rendering the PDF,
and the whole build as the Celery task runs it (eagerly, in-process)."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from bench.bench_assessment import PLAN_FILE
from bench.bench_commissioning import _summary, _timed
from commissioning.quarters import Quarter
from delivery.models import SECTION_ORDER, PanelReport
from delivery.panel_pdf import panel_report_pdf
from delivery.selectors.panel import panel_report_data
from delivery.services import panel_report_build
from outcomes.plan_file import parse_plan_text
from outcomes.services import plan_load
from tests.commissioning.builders import bulk_contracts
from tests.delivery.builders import bulk_awards
from tests.factories import RoundFactory

AWARDS = 5000
CONTRACTS = 300
QUARTERS = 8
RUNS = 5


def _user(email: str, role: Role) -> User:
    user = User.objects.create_user(email, "bench-password-long")
    user.groups.add(Group.objects.get(name=role.label))
    return user


def _measure() -> list[tuple[str, str]]:
    plan, _ = plan_load(data=parse_plan_text(PLAN_FILE.read_text(), str(PLAN_FILE)))
    commissioner = _user("bench-panel-commissioner@example.org", Role.COMMISSIONER)
    lead = _user("bench-panel-lead@example.org", Role.PERFORMANCE_LEAD)
    year = Quarter.containing(timezone.localdate()).previous().year - 1
    round = RoundFactory(plan=plan, status="closed")
    bulk_awards(round=round, count=AWARDS, year=year)
    bulk_contracts(
        count=CONTRACTS, quarters=QUARTERS, commissioner=commissioner, plan=plan, values=True
    )

    def collect():
        return panel_report_data(plan=plan, year=year, sections=SECTION_ORDER)

    with CaptureQueriesContext(connection) as queries:
        data = collect()
    if data.grant_total is None or data.grant_total.figures.awards != AWARDS:
        raise AssertionError("the report does not count every award")
    rows = []
    times, _ = _timed(collect, RUNS)
    median, _ = _summary(times)
    rows += [
        (f"panel_report_data(), every section (median of {RUNS})", median),
        ("  queries", str(len(queries.captured_queries))),
    ]
    times, content = _timed(lambda: panel_report_pdf(data, version=1, requested_by="Bench"), RUNS)
    median, _ = _summary(times)
    rows += [
        (f"panel_report_pdf(): render the PDF (median of {RUNS})", median),
        ("  PDF size", f"{len(content) // 1024} KB"),
    ]

    def build():
        report = PanelReport.objects.create(
            plan=plan,
            year=year,
            sections=SECTION_ORDER,
            version=PanelReport.objects.count() + 1,
            requested_by=lead,
            requested_at=timezone.now(),
        )
        outcome = panel_report_build(report_id=report.pk)
        if outcome != "ready":
            raise AssertionError(f"the build ended {outcome}")

    times, _ = _timed(build, RUNS)
    median, _ = _summary(times)
    rows.append((f"the whole build (the task: collect, render, store; median of {RUNS})", median))
    return rows


def run() -> list[tuple[str, str]]:
    with transaction.atomic():
        rows = _measure()
        transaction.set_rollback(True)
    return rows
