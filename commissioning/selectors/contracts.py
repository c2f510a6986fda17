"""Contracts: the list, one contract with its funding and targets, and a provider's own."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from commissioning.models import (
    Contract,
    ContractAmendment,
    ContractFunding,
    Measure,
    MonitoringReturn,
    Target,
)
from commissioning.permissions import contracts_for_user
from commissioning.selectors.common import EDITABLE, ZERO, R, newest_versions


def contracts_for_list(
    contracts: QuerySet[Contract], *, status: str = "", category: str = "", search: str = ""
) -> QuerySet[Contract]:
    """Contracts with their total value and returns needing attention, in 1 query."""
    today = timezone.localdate()
    value = (
        ContractFunding.objects.filter(contract=OuterRef("pk"))
        .order_by()
        .values("contract")
        .annotate(total=Sum("amount"))
        .values("total")
    )

    def returns_count(**filters):
        return Coalesce(
            Subquery(
                newest_versions(MonitoringReturn.objects.filter(contract=OuterRef("pk"), **filters))
                .order_by()
                .values("contract")
                .annotate(n=Count("pk"))
                .values("n")
            ),
            0,
        )

    contracts = contracts.select_related("provider", "service", "lead_commissioner").annotate(
        total_value=Coalesce(Subquery(value), ZERO),
        awaiting_review=returns_count(status=R.SUBMITTED),
        overdue=returns_count(status__in=EDITABLE, submitted_at__isnull=True, due_date__lt=today),
    )
    if status:
        contracts = contracts.filter(status=status)
    if category:
        contracts = contracts.filter(service__category=category)
    if search:
        contracts = contracts.filter(
            Q(reference__icontains=search)
            | Q(provider__name__icontains=search)
            | Q(service__name__icontains=search)
        )
    return contracts.order_by("reference")


def contract_detail(contract: Contract) -> Contract:
    """The contract with its funding, amendments, alignment and returns, in 6 queries."""
    return (
        Contract.objects.select_related(
            "provider", "service", "lead_commissioner", "measure_set", "plan", "primary_priority"
        )
        .prefetch_related(
            "funding",
            "outcomes",
            "themes",
            "service__areas",
            Prefetch(
                "amendments",
                queryset=ContractAmendment.objects.select_related("recorded_by").order_by(
                    "-effective_on", "-pk"
                ),
            ),
            Prefetch(
                "returns",
                queryset=MonitoringReturn.objects.order_by(
                    "-financial_year", "-quarter", "-version"
                ),
            ),
        )
        .get(pk=contract.pk)
    )


@dataclass
class FundingYear:
    financial_year: int
    label: str
    lines: list[ContractFunding]
    total: Decimal


def funding_by_year(contract: Contract) -> list[FundingYear]:
    """The prefetched funding lines grouped by financial year."""
    years: dict[int, list[ContractFunding]] = {}
    for line in contract.funding.all():
        years.setdefault(line.financial_year, []).append(line)
    return [
        FundingYear(
            financial_year=year,
            label=lines[0].year_label,
            lines=lines,
            total=sum((line.amount for line in lines), Decimal(0)),
        )
        for year, lines in sorted(years.items())
    ]


def contracts_of_provider(user) -> list[Contract]:
    """A provider's contracts with their returns, newest first (3 queries)."""
    return list(
        contracts_for_user(user)
        .select_related("service", "provider")
        .prefetch_related(
            Prefetch(
                "returns",
                queryset=newest_versions(MonitoringReturn.objects.all()).order_by(
                    "-financial_year", "-quarter"
                ),
            )
        )
        .order_by("reference")
    )


# Targets -------------------------------------------------------------------------------


def targets_for_year(contract: Contract, financial_year: int) -> dict[tuple[str, int], Decimal]:
    """{(measure code, quarter or 0): target}."""
    return {
        (code, quarter): value
        for code, quarter, value in Target.objects.filter(
            contract=contract, financial_year=financial_year
        ).values_list("measure__code", "quarter", "value")
    }


def target_table(contract: Contract, financial_year: int) -> list[tuple[Measure, list]]:
    """Each numeric measure with a target that year: [Q1, Q2, Q3, Q4, year] (None if unset)."""
    targets = targets_for_year(contract, financial_year)
    periods = (1, 2, 3, 4, Target.YEAR)
    return [
        (measure, [targets.get((measure.code, q)) for q in periods])
        for measure in contract.measure_set.measures.all()
        if measure.is_numeric and any((measure.code, q) in targets for q in periods)
    ]
