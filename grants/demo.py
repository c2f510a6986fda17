"""Demo fund and rounds for `manage.py seed_demo` (safe to run again)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from grants.models import Fund, Round
from outcomes.models import Plan

LONDON = ZoneInfo("Europe/London")


def _noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12, 0), tzinfo=LONDON)


def seed_fund_and_rounds(plan: Plan) -> list[str]:
    fund, _ = Fund.objects.get_or_create(
        code="mscf",
        defaults={
            "name": "Mayor's Safer Communities Fund",
            "funding_source": "Proceeds of Crime Act: money and assets seized from criminals",
            "description": (
                "Grants for voluntary and community groups, charities, not-for-profit "
                "organisations and public bodies for projects that keep West Yorkshire safe, "
                "just and inclusive."
            ),
        },
    )
    today = timezone.localdate()
    open_round, _ = Round.objects.get_or_create(
        fund=fund,
        number=8,
        defaults={
            "title": "Safer Neighbourhoods",
            "theme": "Safer places and thriving communities",
            "description": (
                "Projects that prevent anti-social behaviour and serious violence, help "
                "people feel safer where they live, and divert young people from crime."
            ),
            "opens_at": _noon(today - dt.timedelta(days=14)),
            "closes_at": _noon(today + dt.timedelta(days=21)),
            "status": Round.Status.OPEN,
            "plan": plan,
            "reference_prefix": "MSCF-R8",
        },
    )
    open_round.priorities.set(plan.priorities.filter(code__in=["P2", "P3", "P4"]))
    return [str(open_round)]
