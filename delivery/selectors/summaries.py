"""Read-only summaries of one award or contract for people who may read the plan-delivery
picture but not open the grants or commissioning pages: what was funded, for how much,
against which part of the plan and where. No bank details and no personal data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from commissioning.models import Contract, FundingStream
from commissioning.quarters import financial_year_label
from delivery.selectors.facts import ZERO
from delivery.selectors.scope import AREA_LABELS
from grants.models import Award, MonitoringReport
from outcomes.models import Outcome, Theme


@dataclass
class AwardSummary:
    award: Award
    reference: str
    organisation: str
    title: str
    fund: str
    round: str
    decided_on: dt.date
    status: str
    amount: Decimal
    paid: Decimal
    planned_start: dt.date
    planned_end: dt.date
    priority: str
    outcomes: list[Outcome]
    themes: list[Theme]
    area: str
    districts: list[str]
    people_reached: int | None
    report: str  # which report the people reached come from


def award_summary(award: Award) -> AwardSummary:
    """What the award funds, from an award loaded by delivery.permissions: 5 queries."""
    application = award.application
    districts = sorted(application.districts.values_list("name", flat=True))
    if application.across_west_yorkshire:
        area = AREA_LABELS["across-west-yorkshire"]
    elif len(districts) > 1:
        area = AREA_LABELS["multi-district"]
    else:
        area = districts[0] if districts else AREA_LABELS["not-stated"]
    report = (
        award.reports.filter(status=MonitoringReport.Status.ACCEPTED)
        .order_by("kind")  # "final" sorts before "six_month": the end-of-grant report first
        .first()
    )
    return AwardSummary(
        award=award,
        reference=award.reference,
        organisation=application.organisation.name,
        title=application.title_or_placeholder,
        fund=application.round.fund.name,
        round=f"Round {application.round.number}: {application.round.title}",
        decided_on=timezone.localtime(award.decided_at).date(),
        status=application.get_status_display(),
        amount=award.amount,
        paid=award.instalments.aggregate(total=Sum("paid_amount"))["total"] or ZERO,
        planned_start=award.planned_start,
        planned_end=award.planned_end,
        priority=str(award.primary_priority),
        outcomes=list(award.outcomes.order_by("priority__position", "position")),
        themes=list(award.themes.order_by("position")),
        area=area,
        districts=districts,
        people_reached=report.people_reached if report else None,
        report=report.get_kind_display() if report else "",
    )


@dataclass
class FundingYear:
    label: str
    streams: list[tuple[str, Decimal]]
    total: Decimal


@dataclass
class ContractSummary:
    contract: Contract
    areas: list[str]
    outcomes: list[Outcome]
    themes: list[Theme]
    funding: list[FundingYear]
    total: Decimal


def contract_summary(contract: Contract) -> ContractSummary:
    """What the contract buys, from a contract loaded by delivery.permissions: 4 queries."""
    streams = dict(FundingStream.choices)
    years: dict[int, list[tuple[str, Decimal]]] = {}
    for year, stream, amount in contract.funding.order_by("financial_year", "stream").values_list(
        "financial_year", "stream", "amount"
    ):
        years.setdefault(year, []).append((streams.get(stream, stream), amount))
    funding = [
        FundingYear(financial_year_label(year), rows, sum((a for _, a in rows), ZERO))
        for year, rows in years.items()
    ]
    return ContractSummary(
        contract=contract,
        areas=list(
            contract.service.areas.order_by("position", "name").values_list("name", flat=True)
        ),
        outcomes=list(contract.outcomes.order_by("priority__position", "position")),
        themes=list(contract.themes.order_by("position")),
        funding=funding,
        total=sum((year.total for year in funding), ZERO),
    )
