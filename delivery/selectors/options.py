"""What the dashboard's filters offer: plan versions, financial years, funds and rounds,
funding streams, districts and the chosen plan's themes."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Max, Min
from django.utils import timezone

from accounts.models import District
from commissioning.models import ContractFunding, FundingStream
from commissioning.quarters import financial_year_label, financial_year_of
from grants.models import Fund, Round
from outcomes.models import Plan, Theme


@dataclass
class Options:
    plans: list[Plan]
    plan: Plan | None  # the chosen one, or the current one
    current_year: int
    years: list[int]
    funds: list[Fund]
    rounds: list[Round]
    streams: list[tuple[str, str]]
    districts: list[District]
    themes: list[Theme] = field(default_factory=list)

    def year_label(self, year: int) -> str:
        return financial_year_label(year)


def dashboard_options(*, plan_code: str | None) -> Options:
    """The choices for the plan named by `plan_code` (the current plan when it names none):
    6 queries."""
    plans = list(Plan.objects.order_by("-starts_on", "code"))
    plan = next((p for p in plans if p.code == plan_code), None)
    if plan is None:
        plan = next((p for p in plans if p.is_current), plans[0] if plans else None)
    current = financial_year_of(timezone.localdate())
    options = Options(
        plans=plans,
        plan=plan,
        current_year=current,
        years=[current],
        funds=[],
        rounds=[],
        streams=list(FundingStream.choices),
        districts=list(District.objects.order_by("position", "name")),
    )
    if plan is None:
        return options
    # The plan's years, and any year its contracts are funded for (they may run beyond it).
    funded = ContractFunding.objects.filter(contract__plan=plan).aggregate(
        first=Min("financial_year"), last=Max("financial_year")
    )
    first = min(financial_year_of(plan.starts_on), funded["first"] or current, current)
    last = max(financial_year_of(plan.ends_on), funded["last"] or current, current)
    options.years = list(range(last, first - 1, -1))
    options.rounds = list(
        Round.objects.filter(plan=plan).select_related("fund").order_by("fund__name", "-number")
    )
    options.funds = list({r.fund_id: r.fund for r in options.rounds}.values())
    options.themes = list(plan.themes.order_by("position", "code"))
    return options
