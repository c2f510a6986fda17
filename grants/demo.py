"""Demo fund, round, pots and applications for `manage.py seed_demo` (safe to run again)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Membership, Organisation
from grants import services
from grants.models import Application, ApplicationDocument, BudgetLine, Fund, Pot, Round
from outcomes.models import Plan

LONDON = ZoneInfo("Europe/London")
TINY_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12, 0), tzinfo=LONDON)


DEMO_APPLICATIONS = [
    # organisation, title, pot, amount, priority, submit?
    (
        "Manningham Youth Boxing Project",
        "Gloves Up, Knives Down",
        "Pot 2: Community grants",
        Decimal("7500"),
        "P3",
        True,
    ),
    (
        "Calder Valley Women's Centre",
        "Safe Spaces Halifax",
        "Pot 1: Larger projects",
        Decimal("18000"),
        "P2",
        True,
    ),
    (
        "Kirklees Street Angels",
        "Night-time Economy Street Angels",
        "Pot 2: Community grants",
        Decimal("6000"),
        "P3",
        True,
    ),
    (
        "Chapeltown Community Safety Partnership",
        "Chapeltown Youth Voices",
        "Pot 2: Community grants",
        Decimal("5200"),
        "P4",
        False,
    ),
    (
        "Wakefield Restorative Futures CIC",
        "Restorative Conversations in Schools",
        "Pot 1: Larger projects",
        Decimal("16500"),
        "P4",
        False,
    ),
]


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
    open_round, created = Round.objects.get_or_create(
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
    Pot.objects.get_or_create(
        round=open_round,
        name="Pot 1: Larger projects",
        defaults={
            "min_award": Decimal("15000"),
            "max_award": Decimal("20000"),
            "budget": Decimal("750000"),
            "position": 1,
        },
    )
    Pot.objects.get_or_create(
        round=open_round,
        name="Pot 2: Community grants",
        defaults={
            "min_award": Decimal("500"),
            "max_award": Decimal("8000"),
            "budget": Decimal("250000"),
            "position": 2,
        },
    )
    if created:
        _seed_applications(open_round)
    return [str(open_round)]


def _seed_applications(round: Round) -> None:
    for name, title, pot_name, amount, priority_code, submit in DEMO_APPLICATIONS:
        organisation = Organisation.objects.get(name=name)
        owner = Membership.objects.filter(organisation=organisation, role="owner").first().user
        application = services.application_start(
            round=round, organisation=organisation, actor=owner
        )
        start = timezone.localtime(round.closes_at).date() + dt.timedelta(days=30)
        priority = round.plan.priorities.get(code=priority_code)
        services.application_save_section(
            application=application,
            actor=owner,
            section="project",
            values={
                "project_title": title,
                "summary": f"{title}: a 12-month project run by {name} for local people.",
                "activities": "Weekly sessions, mentoring by trained volunteers, and a celebration event.",
                "start_date": start,
                "end_date": start + dt.timedelta(days=300),
                "pot": round.pots.get(name=pot_name),
                "amount_requested": amount,
            },
        )
        services.application_save_section(
            application=application,
            actor=owner,
            section="where",
            values={
                "districts": [organisation.district],
                "beneficiary_groups": "Young people aged 11 to 18 and their families",
                "beneficiary_count": 120,
            },
        )
        services.application_save_section(
            application=application,
            actor=owner,
            section="alignment",
            values={
                "primary_priority": priority,
                "outcomes": list(priority.outcomes.all()[:2]),
                "themes": list(round.plan.themes.filter(code="CCT-EIP")),
                "contribution": "The project reaches people early, before harm happens.",
            },
        )
        if not submit:
            continue
        services.budget_line_add(
            application=application,
            actor=owner,
            description="Sessional youth workers",
            category=BudgetLine.Category.STAFF,
            amount=amount - Decimal("1000"),
        )
        services.budget_line_add(
            application=application,
            actor=owner,
            description="Venue hire",
            category=BudgetLine.Category.VENUE,
            amount=Decimal("1000"),
        )
        for kind in ApplicationDocument.REQUIRED:
            services.document_upload(
                application=application,
                actor=owner,
                kind=kind,
                uploaded=SimpleUploadedFile(
                    f"{kind.replace('_', '-')}.pdf", TINY_PDF, content_type="application/pdf"
                ),
            )
        services.application_save_section(
            application=application,
            actor=owner,
            section="declarations",
            values={
                "declaration_true": True,
                "declaration_terms": True,
                "declaration_data": True,
                "submitter_name": owner.full_name,
                "submitter_position": "Chair",
            },
        )
        services.application_submit(
            application=Application.objects.get(pk=application.pk), actor=owner
        )
