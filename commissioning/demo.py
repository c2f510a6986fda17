"""Demo commissioning data for `manage.py seed_demo`: providers, services, contracts with
funding, amendments and targets, and several quarters of returns in every state. Runs
through the real services, dated relative to today; safe to run again."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from accounts.demo import _user
from accounts.models import District, Membership, Organisation, User
from commissioning.catalogue import seed_measure_set
from commissioning.models import (
    Contract,
    ContractAmendment,
    FundingStream,
    Measure,
    MeasureSet,
    MonitoringReturn,
    ReturnReview,
    Service,
)
from commissioning.quarters import Quarter, financial_year_of
from commissioning.services import contracts as contract_services
from commissioning.services import returns as return_services
from commissioning.services.contracts import AmendmentInput, ContractInput, FundingLine
from outcomes.models import Plan

PROVIDERS = [
    # owner email, owner name, organisation, town, postcode, district
    ("provider@demo.example", "Priya Provider", "West Yorkshire Independent Advocacy Service"),
    ("rapecrisis@demo.example", "Rachel Reid", "Pennine Rape Crisis and Sexual Abuse Centre"),
    ("cara@demo.example", "Callum Archer", "Restorative Futures West Yorkshire CIC"),
]

SERVICES = [
    (
        "Independent Sexual Violence Advisers",
        Service.Category.ISVA,
        "West Yorkshire-wide ISVA service for adults and young people.",
        None,
    ),
    (
        "Independent Domestic Violence Advisers",
        Service.Category.IDVA,
        "High-risk domestic abuse advocacy, co-located with police safeguarding units.",
        None,
    ),
    (
        "Rape Crisis counselling and support",
        Service.Category.SEXUAL_VIOLENCE,
        "Specialist counselling, helpline and group work for survivors.",
        ["Calderdale", "Kirklees"],
    ),
    (
        "CARA perpetrator programme",
        Service.Category.PERPETRATOR,
        "Cautions and Relationship Abuse workshops for first-time domestic abuse offenders.",
        None,
    ),
    (
        "Stalking advocacy service",
        Service.Category.STALKING,
        "Specialist stalking advocacy alongside the police Stalking Prevention Team.",
        None,
    ),
]

TEXTS = {
    "SUCCESSES": "Waiting times for a first appointment fell to under two weeks. Two new outreach sessions started in community venues.",
    "CHALLENGES": "Referrals from health services remain low. One adviser post was vacant for six weeks.",
    "RISKS": "Court backlogs mean cases stay open longer, which increases caseloads.",
    "CASE_STUDY": "A woman in her thirties was referred by the police after a serious assault. Her adviser supported her through the investigation and trial, arranged safety measures at home and linked her with counselling. She says she now feels able to plan for the future.",
}


def _split(total: int, weights: list[float], rng: random.Random) -> list[int]:
    parts = [int(total * w / sum(weights)) for w in weights]
    parts[rng.randrange(len(parts))] += total - sum(parts)
    return parts


def _figures(measures: list[Measure], rng: random.Random, size: int, spend: Decimal) -> dict:
    """A consistent return: breakdowns add up and the victim profiles match the total."""
    supported = size + rng.randint(-size // 5, size // 5)
    referrals = int(supported * rng.uniform(0.5, 0.8))
    totals = {
        "REF": referrals,
        "OFFERED": int(referrals * 0.9),
        "ACCEPTED": int(referrals * 0.75),
        "SUPPORTED": supported,
        "SUP_AGE": supported,
        "SUP_SEX": supported,
        "SUP_ETHNICITY": supported,
        "SUP_DISABILITY": supported,
        "CLOSED": int(supported * rng.uniform(0.25, 0.4)),
    }
    weights = {
        "REF": [5, 2, 1, 1],
        "SUPPORTED": [5, 4, 1],
        "SUP_AGE": [1, 3, 8, 1, 1],
        "SUP_SEX": [8, 2, 1],
        "SUP_ETHNICITY": [7, 1, 2, 1, 1, 1],
        "SUP_DISABILITY": [2, 6, 1],
    }
    typed: dict[tuple[str, str], str] = {}
    for measure in measures:
        if measure.code in totals:
            total = totals[measure.code]
            typed[(measure.code, "")] = str(total)
            if measure.categories:
                for code, value in zip(
                    measure.category_codes, _split(total, weights[measure.code], rng), strict=True
                ):
                    typed[(measure.code, code)] = str(value)
        elif measure.kind == Measure.Kind.PERCENTAGE:
            typed[(measure.code, "")] = str(rng.randint(62, 94))
        elif measure.kind == Measure.Kind.MONEY:
            typed[(measure.code, "")] = str(
                (spend * Decimal(rng.uniform(0.85, 1.05))).quantize(Decimal("0.01"))
            )
        elif measure.code in TEXTS:
            typed[(measure.code, "")] = TEXTS[measure.code]
    return typed


def _provider_orgs() -> list[tuple[User, Organisation]]:
    leeds = District.objects.filter(name="Leeds").first()
    found = []
    for email, person, name in PROVIDERS:
        owner = _user(email, person)
        organisation, _ = Organisation.objects.get_or_create(
            name=name,
            defaults={
                "type": Organisation.Type.REGISTERED_CHARITY,
                "address_line_1": "1 Park Row",
                "town": "Leeds",
                "postcode": "LS1 5HN",
                "district": leeds,
                "is_applicant": False,
                "is_provider": True,
            },
        )
        Membership.objects.get_or_create(
            user=owner, organisation=organisation, defaults={"role": Membership.Role.OWNER}
        )
        found.append((owner, organisation))
    return found


def _services(commissioner: User) -> dict[str, Service]:
    services = {}
    for name, category, description, areas in SERVICES:
        service = Service.objects.filter(name=name).first()
        if service is None:
            area_ids = list(
                District.objects.filter(name__in=areas).values_list("pk", flat=True)
                if areas
                else District.objects.values_list("pk", flat=True)
            )
            service = contract_services.service_save(
                actor=commissioner,
                data=contract_services.ServiceInput(name, category, description, area_ids),
            )
        services[name] = service
    return services


@transaction.atomic
def seed_commissioning(plan: Plan) -> list[str]:
    """Return a line per contract created."""
    if Contract.objects.exists():
        return []
    commissioner = User.objects.get(email="commissioner@demo.example")
    (wyias_owner, wyias), (rc_owner, rape_crisis), (cara_owner, cara) = _provider_orgs()
    services = _services(commissioner)
    today = timezone.localdate()
    this_year = financial_year_of(today)
    measure_set = seed_measure_set(MeasureSet, Measure, year=this_year)
    measures = list(measure_set.measures.select_related("total_matches"))
    priority = plan.priorities.order_by("position").first()
    victims_priority = plan.priorities.filter(title__icontains="victim").first() or priority
    outcomes = list(victims_priority.outcomes.all()[:2])
    themes = list(plan.themes.all()[:1])
    last_ended = Quarter.containing(today).previous()
    two_years_ago = Quarter(this_year - 2, 1).start

    def contract(reference, provider, service, start, end, moj, extra=()):
        years = range(financial_year_of(start), financial_year_of(end) + 1)
        funding = [FundingLine(FundingStream.MOJ, year, Decimal(moj)) for year in years if moj]
        funding += [
            FundingLine(stream, year, Decimal(amount)) for stream, amount in extra for year in years
        ]
        return contract_services.contract_save(
            actor=commissioner,
            data=ContractInput(
                reference=reference,
                provider=provider,
                service=services[service],
                start_date=start,
                end_date=end,
                lead_commissioner=commissioner,
                measure_set=measure_set,
                primary_priority=victims_priority,
                outcomes=outcomes,
                themes=themes,
                funding=funding,
            ),
        )

    isva = contract(
        "VS-ISVA-01",
        wyias,
        "Independent Sexual Violence Advisers",
        two_years_ago,
        Quarter(this_year + 1, 4).end,
        420000,
        [(FundingStream.MATCH, 35000)],
    )
    idva = contract(
        "VS-IDVA-02",
        wyias,
        "Independent Domestic Violence Advisers",
        two_years_ago,
        Quarter(this_year, 1).end,
        380000,
        [(FundingStream.CSF, 40000)],
    )
    rape_crisis_contract = contract(
        "VS-RC-03",
        rape_crisis,
        "Rape Crisis counselling and support",
        Quarter(this_year - 1, 1).start,
        Quarter(this_year + 1, 4).end,
        210000,
    )
    cara_contract = contract(
        "VS-CARA-04",
        cara,
        "CARA perpetrator programme",
        Quarter(this_year - 1, 1).start,
        Quarter(this_year, 4).end,
        0,
        [(FundingStream.HOME_OFFICE, 95000), (FundingStream.VRP, 20000)],
    )
    stalking = contract(
        "VS-STALK-05",
        wyias,
        "Stalking advocacy service",
        Quarter(this_year + 1, 1).start,
        Quarter(this_year + 2, 4).end,
        150000,
    )
    live = [isva, idva, rape_crisis_contract, cara_contract]
    for item in live:
        contract_services.contract_activate(contract=item, actor=commissioner)
        Contract.objects.filter(pk=item.pk).update(activated_on=item.start_date)
    contract_services.contract_amend(
        contract=idva,
        actor=commissioner,
        data=AmendmentInput(
            kind=ContractAmendment.Kind.EXTENSION,
            effective_on=Quarter(this_year - 1, 4).start,
            description="Extended for a further year while the domestic abuse services are recommissioned.",
            reason="Recommissioning timetable moved to align with the new Police and Crime Plan.",
            approved_by="Deputy Mayor for Policing and Crime",
            new_end_date=Quarter(this_year + 1, 1).end,
            stream=FundingStream.MOJ,
            financial_year=this_year + 1,
            new_amount=Decimal(95000),
        ),
    )
    for item, size in ((isva, 320), (rape_crisis_contract, 140)):
        contract_services.targets_save(
            contract=item,
            actor=commissioner,
            financial_year=this_year,
            values={
                f"t-{code}-{q}": str(value)
                for code, value in (
                    ("SUPPORTED", size),
                    ("REF", int(size * 0.7)),
                    ("OUT_SAFER", 80),
                )
                for q in (1, 2, 3, 4)
            }
            | {"t-SUPPORTED-0": str(size * 4)},
        )
    # Open every ended quarter as the daily task would have, the day after each ended.
    quarter = Quarter.containing(two_years_ago)
    while quarter <= last_ended:
        return_services.returns_open_due(today=quarter.end + dt.timedelta(days=1))
        quarter = quarter.next()
    rng = random.Random(6)  # nosec B311  # repeatable made-up demo figures, not security
    owners = {wyias.pk: wyias_owner, rape_crisis.pk: rc_owner, cara.pk: cara_owner}
    sizes = {isva.pk: 320, idva.pk: 410, rape_crisis_contract.pk: 140, cara_contract.pk: 60}
    returns = (
        MonitoringReturn.objects.filter(contract__in=live)
        .select_related("contract")
        .order_by("financial_year", "quarter")
    )
    for r in returns:
        owner = owners[r.contract.provider_id]
        spend = (
            Decimal(
                sum(
                    f.amount
                    for f in r.contract.funding.all()
                    if f.financial_year == r.financial_year
                )
            )
            / 4
        )
        latest = r.period == last_ended
        # The newest quarter shows each state: ISVA submitted, IDVA changes requested,
        # Rape Crisis a draft, CARA not started (and overdue once its due date passes).
        if latest and r.contract == cara_contract:
            continue
        typed = _figures(measures, rng, sizes[r.contract_id], spend)
        if latest and r.contract == rape_crisis_contract:
            typed = {k: v for k, v in typed.items() if k[0] in ("REF", "OFFERED", "ACCEPTED")}
            return_services.return_save(monitoring_return=r, actor=owner, typed=typed)
            continue
        return_services.return_save(monitoring_return=r, actor=owner, typed=typed, submit=True)
        if latest and r.contract == isva:
            continue
        if latest and r.contract == idva:
            return_services.return_request_changes(
                monitoring_return=r,
                actor=commissioner,
                comment="Thanks. Two figures need another look before I can accept this.",
                measure_comments={
                    "CLOSED": "Cases closed looks low against last quarter: please check.",
                    "SPEND": "Spend is above a quarter of the allocation; explain in Challenges.",
                },
            )
            continue
        rating = rng.choice(["green", "green", "green", "amber"])
        return_services.return_accept(
            monitoring_return=r,
            actor=commissioner,
            rating=rating,
            comment=""
            if rating == "green"
            else "Referrals from health remain low; discuss at the next contract meeting.",
        )
    _backdate(live)
    return [f"{c.reference} {c.service.name} ({c.provider.name})" for c in [*live, stalking]]


def _backdate(contracts: list[Contract]) -> None:
    """Submissions and reviews happened after each quarter, not all today."""
    now = timezone.now()
    for r in MonitoringReturn.objects.filter(contract__in=contracts, submitted_at__isnull=False):
        submitted = dt.datetime.combine(
            r.period.end + dt.timedelta(days=12 + r.contract_id % 5),
            dt.time(10, 30),
            ZoneInfo("Europe/London"),
        )
        submitted = min(submitted, now - dt.timedelta(hours=2))
        reviewed = min(submitted + dt.timedelta(days=6), now - dt.timedelta(hours=1))
        MonitoringReturn.objects.filter(pk=r.pk).update(
            submitted_at=submitted, reviewed_at=reviewed if r.reviewed_at else None
        )
        ReturnReview.objects.filter(monitoring_return=r).update(reviewed_at=reviewed)
