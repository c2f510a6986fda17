"""A return against its targets and the previous four quarters."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from commissioning.models import Measure, MonitoringReturn, Target
from commissioning.quarters import Quarter
from commissioning.selectors.common import R
from commissioning.selectors.contracts import targets_for_year
from commissioning.selectors.returns import figures_of


def previous_returns(
    monitoring_return: MonitoringReturn, count: int = 4
) -> list[tuple[Quarter, MonitoringReturn | None]]:
    """The contract's returns for the `count` quarters before this one (oldest first):
    the accepted current version where there is one, else the newest version."""
    quarters = monitoring_return.period.back(count)
    condition = Q()
    for quarter in quarters:
        condition |= Q(financial_year=quarter.year, quarter=quarter.number)
    candidates = MonitoringReturn.objects.filter(
        condition, contract_id=monitoring_return.contract_id
    ).order_by("version")
    best: dict[Quarter, MonitoringReturn] = {}
    for candidate in candidates:
        chosen = best.get(candidate.period)
        accepted = candidate.status == R.ACCEPTED and candidate.is_current
        if chosen is None or accepted or not (chosen.status == R.ACCEPTED and chosen.is_current):
            best[candidate.period] = candidate
    return [(quarter, best.get(quarter)) for quarter in quarters]


@dataclass
class ComparisonRow:
    measure: Measure
    category: str
    label: str
    value: Decimal | str | None
    target: Decimal | None
    year_target: Decimal | None
    history: list[Decimal | str | None]  # the previous quarters' figures, oldest first
    below_target: bool = False
    change: Decimal | None = None  # against the previous quarter, as a share
    big_change: bool = False
    comment: str = ""

    @property
    def chart(self) -> list[tuple[Decimal | str | None, int]]:
        """Bar heights (0-100, in steps of 5: a CSS class each, as the Content Security
        Policy refuses style attributes) for the previous quarters and this one."""
        values = [v for v in [*self.history, self.value] if isinstance(v, Decimal)]
        top = max(values, default=Decimal(0))
        bars = []
        for v in [*self.history, self.value]:
            height = round(v / top * 20) * 5 if isinstance(v, Decimal) and top > 0 else 0
            height = min(max(height, 0), 100)
            bars.append((v, height))
        return bars


BIG_CHANGE = Decimal("0.25")


def comparison(
    monitoring_return: MonitoringReturn,
    measures: list[Measure],
    *,
    comments: dict[str, str] | None = None,
) -> tuple[list[ComparisonRow], list[tuple[Quarter, MonitoringReturn | None]]]:
    """Each figure beside its target and the previous four quarters, in 3 queries.
    A figure below its quarter's target, or more than 25% up or down on the previous
    quarter, is flagged."""
    previous = previous_returns(monitoring_return)
    found = [r for _q, r in previous if r is not None]
    figures = figures_of([monitoring_return, *found])
    targets = targets_for_year(monitoring_return.contract, monitoring_return.financial_year)
    here = figures[monitoring_return.pk]
    rows = []
    for measure in measures:
        for category in ["", *measure.category_codes]:
            key = (measure.code, category)
            history = [figures[r.pk].get(key) if r is not None else None for _q, r in previous]
            value = here.get(key)
            row = ComparisonRow(
                measure=measure,
                category=category,
                label=measure.category_label(category) if category else measure.label,
                value=value,
                target=targets.get((measure.code, monitoring_return.quarter))
                if not category
                else None,
                year_target=targets.get((measure.code, Target.YEAR)) if not category else None,
                history=history,
                comment=(comments or {}).get(measure.code, "") if not category else "",
            )
            if isinstance(value, Decimal):
                if row.target is not None and value < row.target:
                    row.below_target = True
                last = history[-1] if history else None
                if isinstance(last, Decimal) and last:
                    row.change = (value - last) / last
                    row.big_change = abs(row.change) > BIG_CHANGE
            rows.append(row)
    return rows, previous
