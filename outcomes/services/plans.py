"""Writes to the plan framework: load a plan file beside the plans already loaded."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict

from django.db import models, transaction
from django.db.models import ProtectedError

from accounts.models import District
from core.errors import ApplicationError
from outcomes.models import Indicator, IndicatorMeasure, Outcome, Plan, Priority, Theme
from outcomes.plan_file import PlanData


def _sync[M: models.Model](model: type[M], lookup: dict, values: dict, counts: Counter) -> M:
    """Create or update one row, writing only when something differs."""
    instance = model._default_manager.filter(**lookup).first()
    if instance is None:
        counts["created"] += 1
        return model._default_manager.create(**lookup, **values)
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if changed:
        for name in changed:
            setattr(instance, name, values[name])
        instance.save(update_fields=changed)
        counts["updated"] += 1
    else:
        counts["unchanged"] += 1
    return instance


def _remove_others(queryset: models.QuerySet, keep_codes: set[str], counts: Counter) -> None:
    stale = queryset.exclude(code__in=keep_codes)
    counts["removed"] += stale.count()
    try:
        stale.delete()
    except ProtectedError:
        # Readings are the office's records: a plan file cannot delete them by leaving
        # their indicator or measure out.
        raise ApplicationError(
            "The file leaves out an indicator or measure that has readings: "
            f"{_with_readings(stale)}. Put it back in the file; nothing was changed."
        ) from None


def _with_readings(stale: models.QuerySet) -> str:
    model = stale.model
    if model is IndicatorMeasure:
        measures = IndicatorMeasure.objects.filter(pk__in=stale, readings__isnull=False)
    elif model is Indicator:
        measures = IndicatorMeasure.objects.filter(indicator__in=stale, readings__isnull=False)
    else:
        measures = IndicatorMeasure.objects.filter(
            indicator__priority__in=stale, readings__isnull=False
        )
    names = sorted(
        {f"{m.indicator.code} {m.code}".strip() for m in measures.select_related("indicator")}
    )
    return ", ".join(names)


@transaction.atomic
def plan_load(*, data: PlanData, make_current: bool = False) -> tuple[Plan, Counter]:
    """Create or bring up to date one plan from checked file data.

    Running it again with the same data changes nothing. Priorities, outcomes, indicators
    and themes no longer in the file are removed; districts are only added or updated,
    since other plans share them. The plan becomes current when asked, or when no plan is.
    """
    counts: Counter = Counter()
    for position, district in enumerate(data.districts):
        values: dict[str, object] = {"position": position}
        if district.ons_code:
            values["ons_code"] = district.ons_code
        _sync(District, {"name": district.name}, values, counts)

    plan = _sync(
        Plan,
        {"code": data.code},
        {
            "title": data.title,
            "vision": data.vision,
            "starts_on": data.starts_on,
            "ends_on": data.ends_on,
            "commissioning_principles": data.commissioning_principles,
        },
        counts,
    )
    for position, priority_data in enumerate(data.priorities):
        fields = asdict(priority_data)
        del fields["outcomes"], fields["indicators"], fields["code"]
        priority = _sync(
            Priority,
            {"plan": plan, "code": priority_data.code},
            {**fields, "position": position},
            counts,
        )
        for index, outcome in enumerate(priority_data.outcomes):
            _sync(
                Outcome,
                {"plan": plan, "code": outcome.code},
                {"priority": priority, "title": outcome.title, "position": index},
                counts,
            )
        for index, indicator_data in enumerate(priority_data.indicators):
            values = asdict(indicator_data)
            del values["code"], values["measures"]
            indicator = _sync(
                Indicator,
                {"plan": plan, "code": indicator_data.code},
                {**values, "priority": priority, "position": index},
                counts,
            )
            for place, measure in enumerate(indicator_data.measures):
                _sync(
                    IndicatorMeasure,
                    {"indicator": indicator, "code": measure.code},
                    {
                        "title": measure.title,
                        "unit": measure.unit,
                        "tolerance": measure.tolerance,
                        "position": place,
                    },
                    counts,
                )
            _remove_others(
                indicator.measures.all(), {m.code for m in indicator_data.measures}, counts
            )
    for position, theme in enumerate(data.themes):
        _sync(
            Theme,
            {"plan": plan, "code": theme.code},
            {"title": theme.title, "position": position},
            counts,
        )

    _remove_others(
        plan.outcomes.all(), {o.code for p in data.priorities for o in p.outcomes}, counts
    )
    _remove_others(
        plan.indicators.all(), {i.code for p in data.priorities for i in p.indicators}, counts
    )
    _remove_others(plan.priorities.all(), {p.code for p in data.priorities}, counts)
    _remove_others(plan.themes.all(), {t.code for t in data.themes}, counts)

    if not plan.is_current and (make_current or not Plan.objects.filter(is_current=True).exists()):
        Plan.objects.filter(is_current=True).update(is_current=False)
        plan.is_current = True
        plan.save(update_fields=["is_current"])
        counts["made current"] += 1
    return plan, counts
