"""Publishing the 360Giving file for 5,000 accepted grants, and /funded/ at that size.

Times each step of a run of the publisher (loading and mapping the grants, validating the
package against the official schema, the quality checks, the CSV and XLSX files), a whole
run that publishes, a run that finds nothing changed, and the public page of grants.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from decimal import Decimal

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import District, Organisation
from bench.bench_assessment import PLAN_FILE
from grants.models import Application, Award, Fund, PaymentInstalment, Round
from grants.publication import Publisher
from grants.selectors.publication import records_to_publish
from opendata import flat, quality, services
from opendata.package import build, json_bytes
from opendata.schema import schema_errors
from outcomes.plan_file import parse_plan_text
from outcomes.services import plan_load

GRANTS = 5000
RENDERS = 20
NAMES = [
    "Friends of Roundhay Park",
    "Cymdeithas Gymraeg Leeds",
    "محفوظ برادری Bradford",
    "St Mary's Youth & Community Club",
    "Street Angels 💜",
]


def _ms(started: float) -> str:
    return f"{(time.perf_counter() - started) * 1000:.0f} ms"


def _build(plan) -> None:
    """5,000 accepted grants over three rounds, every area type, half of them part paid."""
    districts = list(District.objects.order_by("position"))
    fund = Fund.objects.create(name="Mayor's Safer Communities Fund", code="mscf")
    now = timezone.now()
    rounds = [
        Round.objects.create(
            fund=fund,
            number=n,
            title=f"Round {n}",
            opens_at=now - dt.timedelta(days=400 - n),
            closes_at=now - dt.timedelta(days=300 - n),
            status="closed",
            plan=plan,
            reference_prefix=f"MSCF-R{n}",
        )
        for n in (5, 6, 7)
    ]
    kinds = [
        ("registered_charity", "11{:05d}", ""),
        ("cic", "", "0{:07d}"),
        ("community_group", "", ""),
    ]
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"{NAMES[n % len(NAMES)]} {n}",
            type=kinds[n % 3][0],
            charity_number=kinds[n % 3][1].format(n),
            company_number=kinds[n % 3][2].format(n),
            address_line_1="1 Road",
            town="Leeds",
            postcode="LS1 1AA",
        )
        for n in range(GRANTS)
    )
    priorities = list(plan.priorities.all())
    applications = Application.objects.bulk_create(
        Application(
            round=rounds[n % 3],
            organisation=organisations[n],
            status="active" if n % 2 else "accepted",
            reference=f"MSCF-R{5 + n % 3}-{n:05d}",
            project_title=f"Project {n}",
            amount_requested=Decimal("6000.50"),
            across_west_yorkshire=n % 7 == 6,
            primary_priority=priorities[n % len(priorities)],
        )
        for n in range(GRANTS)
    )
    through = Application.districts.through
    links = []
    for n, application in enumerate(applications):
        area = n % 7
        if area < 5:
            links.append(through(application=application, district=districts[area]))
        elif area == 5:
            links += [through(application=application, district=d) for d in districts[2:4]]
    through.objects.bulk_create(links)
    start = timezone.localdate() - dt.timedelta(days=100)
    awards = Award.objects.bulk_create(
        Award(
            reference=application.reference,
            application=application,
            amount=Decimal("6000.50"),
            planned_start=start,
            planned_end=start + dt.timedelta(days=330),
            plan=plan,
            primary_priority_id=application.primary_priority_id,
            decided_at=now - dt.timedelta(days=120),
            accepted_at=now - dt.timedelta(days=110),
            public_title=f"Safer streets project {n} & friends",
            public_summary=f"Sessions for young people, run by volunteers ({n}).",
        )
        for n, application in enumerate(applications)
    )
    PaymentInstalment.objects.bulk_create(
        PaymentInstalment(
            award=award,
            position=1,
            due_date=start,
            amount=award.amount,
            paid_on=start if n % 2 else None,
            paid_amount=Decimal("3000.25") if n % 2 else None,
            recorded_at=now if n % 2 else None,
        )
        for n, award in enumerate(awards)
    )
    outcome_links = Award.outcomes.through
    by_priority = {p.pk: list(p.outcomes.order_by("code")[:2]) for p in priorities}
    outcome_links.objects.bulk_create(
        outcome_links(award=award, outcome=outcome)
        for award in awards
        for outcome in by_priority[award.primary_priority_id]
    )


def _measure() -> list[tuple[str, str]]:
    plan, _ = plan_load(data=parse_plan_text(PLAN_FILE.read_text(), str(PLAN_FILE)))
    started = time.perf_counter()
    _build(plan)
    rows = [(f"build {GRANTS} accepted grants (bulk)", _ms(started))]
    publisher = Publisher.from_settings()

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        published = records_to_publish(publisher=publisher)
    grants = [item.record for item in published]
    rows.append((f"load and map {len(grants)} grants", _ms(started)))
    rows.append(("  queries", str(len(queries.captured_queries))))
    package = build(
        grants,
        publisher=publisher,
        licence=services.licence(),
        issued=timezone.now(),
        version=1,
        download_url="https://example.org/open-data/1/grants.json",
    )
    started = time.perf_counter()
    errors = schema_errors(package)
    rows.append(("validate against the 360Giving schema (with formats)", _ms(started)))
    if errors:
        raise AssertionError(f"the package does not validate: {errors[:3]}")
    started = time.perf_counter()
    found = [
        p for p in quality.problems(grants, today=timezone.localdate()) if p.severity == "error"
    ]
    rows.append(("360Giving's quality checks", _ms(started)))
    if found:
        raise AssertionError(f"quality errors: {found[:3]}")
    for label, make in (
        ("JSON file", lambda: json_bytes(package)),
        ("CSV file", lambda: flat.csv_bytes(grants)),
        ("XLSX file", lambda: flat.xlsx_bytes(grants)),
    ):
        started = time.perf_counter()
        size = len(make())
        rows.append((f"{label} ({size // 1024:,} KB)", _ms(started)))

    started = time.perf_counter()
    result = services.package_publish(actor=None)
    rows.append((f"a whole run that publishes version 1 ({GRANTS} grants)", _ms(started)))
    if result.outcome != services.PUBLISHED:
        raise AssertionError(f"the run did not publish: {result.outcome}")
    started = time.perf_counter()
    again = services.package_publish(actor=None)
    rows.append(("the nightly run again, nothing changed (no new version)", _ms(started)))
    if again.outcome != services.UNCHANGED:
        raise AssertionError(f"the second run made a version: {again.outcome}")

    client = Client()
    url = reverse("opendata:funded") + "?priority=P3&page=3"
    with CaptureQueriesContext(connection) as queries:
        if client.get(url).status_code != 200:
            raise AssertionError("/funded/ did not answer 200")
    count = len(queries.captured_queries)
    times = []
    for _ in range(RENDERS):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    rows += [
        (f"/funded/ with {GRANTS} grants, filtered (median of {RENDERS})",
         f"{statistics.median(times):.1f} ms (best {min(times):.1f})"),
        ("  queries per request", str(count)),
    ]  # fmt: skip
    return rows


def run() -> list[tuple[str, str]]:
    from bench.run import HERE

    with (
        override_settings(
            STORAGES={
                "default": {
                    "BACKEND": "django.core.files.storage.FileSystemStorage",
                    "OPTIONS": {"location": HERE / "out" / "media"},
                },
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            }
        ),
        transaction.atomic(),
    ):
        rows = _measure()
        transaction.set_rollback(True)
    return rows
