"""Accepted grants ready to publish, made straight in the database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import District, Organisation
from grants.models import Application, Award
from grants.publication import Publisher
from tests.factories import AwardFactory, OrganisationFactory, RoundFactory

AREAS = ["Bradford", "Calderdale", "Kirklees", "Leeds", "Wakefield"]


def accepted_award(
    *,
    organisation: Organisation | None = None,
    districts: tuple[str, ...] = ("Leeds",),
    across: bool = False,
    amount: Decimal | str = Decimal("6000"),
    requested: Decimal | str | None = None,
    title: str = "Gloves Up, Knives Down",
    summary: str = "Boxing sessions and mentoring for young people on weekday evenings.",
    paid: tuple[Decimal | str, ...] = (),
    round=None,
    priority: str = "P3",
    decided_at: dt.datetime | None = None,
    status: str = Application.Status.ACCEPTED,
    **award_fields,
) -> Award:
    """An accepted grant with its public text, aligned to `priority` and two of its
    outcomes and a theme; `paid`: amounts already paid, one instalment each."""
    amount = Decimal(amount)
    organisation = organisation or OrganisationFactory()
    round = round or RoundFactory()
    decided_at = decided_at or timezone.now() - dt.timedelta(days=40)
    start = timezone.localdate(decided_at) + dt.timedelta(days=20)
    instalments = [(start, Decimal(value), start) for value in paid]
    unpaid = amount - sum((Decimal(v) for v in paid), Decimal(0))
    if unpaid > 0:
        instalments.append((start + dt.timedelta(days=90), unpaid, None))
    award = AwardFactory(
        application__round=round,
        application__organisation=organisation,
        application__status=status,
        application__across_west_yorkshire=across,
        application__amount_requested=Decimal(requested) if requested else amount,
        application__primary_priority=round.plan.priorities.get(code=priority),
        amount=amount,
        planned_start=start,
        planned_end=start + dt.timedelta(days=300),
        decided_at=decided_at,
        accepted_at=decided_at + dt.timedelta(days=7),
        public_title=title,
        public_summary=summary,
        instalments=instalments,
        **award_fields,
    )
    if not across:
        award.application.districts.set(District.objects.filter(name__in=districts))
    priority_row = award.primary_priority
    award.outcomes.set(priority_row.outcomes.order_by("code")[:2])
    award.themes.set(award.plan.themes.order_by("code")[:1])
    return award


@pytest.fixture
def publisher(settings) -> Publisher:
    return Publisher.from_settings()


@pytest.fixture
def districts(plan) -> dict[str, District]:
    """The plan's five districts, with their ONS codes."""
    return {d.name: d for d in District.objects.filter(name__in=AREAS)}
