"""Fast builders for assessment-stage data: many bids without the applicant journey."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Model
from django.utils import timezone

from accounts.models import District, Organisation, User
from core.versioned import rows_written
from grants.demo import seed_criteria
from grants.models import Application, Assessment, Round

# How a builder inserts the rows it made: the model and its unsaved instances in, the saved
# instances (with primary keys) out. bench/generate.py passes one that COPYs them.
Save = Callable[[type[Model], Sequence[Any]], list[Any]]


def bulk_save(model: type[Model], objs: Sequence[Any], batch_size: int = 500) -> list[Any]:
    """bulk_create, saying so as the services do (what is kept from these rows is
    forgotten)."""
    saved = model._default_manager.bulk_create(objs, batch_size=batch_size)
    rows_written.send(sender=model)
    return saved


def bulk_assessed_applications(
    round: Round,
    count: int,
    *,
    seed: int = 1,
    status: str = Application.Status.ASSESSED,
    save: Save = bulk_save,
) -> list[Application]:
    """`count` submitted bids from `count` new organisations, with scores, spread evenly
    over the round's pots and the five districts; bulk-inserted, so thousands take seconds."""
    rng = random.Random(seed)
    districts = list(District.objects.all()) or [District.objects.create(name="Leeds")]
    pots = list(round.pots.all())
    priorities = list(round.plan.priorities.all())
    start = Organisation.objects.count()
    organisations = save(
        Organisation,
        [
            Organisation(
                name=f"Bulk Group {start + i}",
                type=Organisation.Type.COMMUNITY_GROUP,
                address_line_1="1 High Street",
                town="Leeds",
                postcode="LS1 1AA",
                district=districts[i % len(districts)],
                is_applicant=True,
            )
            for i in range(count)
        ],
    )
    now = timezone.now()
    first = round.last_reference_number
    applications = []
    for i, organisation in enumerate(organisations):
        pot = pots[i % len(pots)]
        mean = Decimal(rng.randint(2000, 9500)) / 100
        applications.append(
            Application(
                round=round,
                organisation=organisation,
                status=status,
                reference=f"{round.reference_prefix}-{first + i + 1:04d}",
                submitted_at=now - dt.timedelta(minutes=count - i),
                project_title=f"Project {i}",
                pot=pot,
                amount_requested=Decimal(
                    rng.randint(int(pot.min_award or 500), int(pot.max_award))
                ),
                primary_priority=priorities[i % len(priorities)],
                start_date=dt.date(2027, 4, 1),
                end_date=dt.date(2028, 3, 31),
                assessments_submitted=2,
                score_mean=mean,
                score_spread=Decimal(rng.randint(0, 3000)) / 100,
                moderation_flags=["Assessors' scores differ"] if i % 7 == 0 else [],
            )
        )
    Round.objects.filter(pk=round.pk).update(last_reference_number=first + count)
    return save(Application, applications)


def bulk_assign(
    applications: list[Application],
    assessor: User,
    status=Assessment.Status.ASSIGNED,
    *,
    save: Save = bulk_save,
):
    return save(
        Assessment,
        [Assessment(application=a, assessor=assessor, status=status) for a in applications],
    )


def with_criteria(round: Round) -> Round:
    seed_criteria(round)
    return round
