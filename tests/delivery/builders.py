"""Builders for plan-delivery tests and benchmarks: many awards (with their bids, districts,
outcomes, themes, payments and reports) bulk-inserted, so thousands take seconds."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from zoneinfo import ZoneInfo

from accounts.models import District, Organisation
from grants.models import (
    Application,
    Award,
    MonitoringReport,
    PaymentInstalment,
    Round,
)
from outcomes.models import Plan
from tests.grants.builders import Save, bulk_save

LONDON = ZoneInfo("Europe/London")


def bulk_awards(
    *, round: Round, count: int, year: int, seed: int = 1, save: Save = bulk_save
) -> list[Award]:
    """`count` awards in `round`, decided across financial year `year`: each from its own
    organisation, for one district, two, or all of West Yorkshire, aligned to a priority,
    one to three of its outcomes and up to two themes; every other one paid, every third
    one with an accepted 6-month report. `save` inserts each table's rows (bulk_create)."""
    rng = random.Random(seed)
    plan: Plan = round.plan
    districts = list(District.objects.order_by("pk"))
    priorities = list(plan.priorities.prefetch_related("outcomes"))
    themes = list(plan.themes.all())
    start = Organisation.objects.count()
    organisations = save(
        Organisation,
        [
            Organisation(
                name=f"Delivery Group {start + i}",
                type=Organisation.Type.COMMUNITY_GROUP,
                address_line_1="1 High Street",
                town="Leeds",
                postcode="LS1 1AA",
                district=districts[i % len(districts)],
            )
            for i in range(count)
        ],
    )
    first_day = dt.datetime(year, 4, 1, 12, tzinfo=LONDON)
    shapes = []
    applications = []
    for i, organisation in enumerate(organisations):
        priority = priorities[i % len(priorities)]
        width = rng.choice((0, 1, 1, 1, 2))  # 0: across West Yorkshire
        shapes.append(
            (
                priority,
                rng.sample(districts, width),
                rng.sample(list(priority.outcomes.all()), rng.randint(1, 3)),
                rng.sample(themes, rng.randint(0, 2)),
                first_day + dt.timedelta(days=rng.randint(0, 364)),
                Decimal(rng.randint(5, 200) * 100),
            )
        )
        applications.append(
            Application(
                round=round,
                organisation=organisation,
                status=Application.Status.ACTIVE,
                reference=f"{round.reference_prefix}-B{start + i:05d}",
                submitted_at=first_day,
                project_title=f"Project {start + i}",
                amount_requested=shapes[-1][5],
                across_west_yorkshire=width == 0,
                primary_priority=priority,
                start_date=dt.date(year, 7, 1),
                end_date=dt.date(year + 1, 3, 31),
            )
        )
    applications = save(Application, applications)
    save(
        Application.districts.through,
        [
            Application.districts.through(application_id=a.pk, district_id=d.pk)
            for a, shape in zip(applications, shapes, strict=True)
            for d in shape[1]
        ],
    )
    awards = save(
        Award,
        [
            Award(
                reference=a.reference,
                application=a,
                amount=shape[5],
                planned_start=a.start_date,
                planned_end=a.end_date,
                plan=plan,
                primary_priority=shape[0],
                decided_at=shape[4],
            )
            for a, shape in zip(applications, shapes, strict=True)
        ],
    )
    save(
        Award.outcomes.through,
        [
            Award.outcomes.through(award_id=award.pk, outcome_id=o.pk)
            for award, shape in zip(awards, shapes, strict=True)
            for o in shape[2]
        ],
    )
    save(
        Award.themes.through,
        [
            Award.themes.through(award_id=award.pk, theme_id=t.pk)
            for award, shape in zip(awards, shapes, strict=True)
            for t in shape[3]
        ],
    )
    save(
        PaymentInstalment,
        [
            PaymentInstalment(
                award=award,
                position=1,
                due_date=award.planned_start,
                amount=award.amount,
                paid_on=award.planned_start if i % 2 == 0 else None,
                paid_amount=award.amount if i % 2 == 0 else None,
            )
            for i, award in enumerate(awards)
        ],
    )
    save(
        MonitoringReport,
        [
            MonitoringReport(
                award=award,
                kind=MonitoringReport.Kind.SIX_MONTH,
                due_date=award.planned_start,
                status=MonitoringReport.Status.ACCEPTED,
                beneficiaries={"under_18": i % 7, "18_24": 3, "25_64": 2, "65_plus": 0},
            )
            for i, award in enumerate(awards)
            if i % 3 == 0
        ],
    )
    return awards
