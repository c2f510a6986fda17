"""Load a crosswalk between two loaded plans: every code checked, all or nothing."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from core.versioned import rows_written
from outcomes.crosswalk_file import CrosswalkData, CrosswalkFileError
from outcomes.models import Crosswalk, CrosswalkLink, Plan

NOUNS = {"priority": "priority", "outcome": "outcome", "theme": "theme"}


def _codes(plan: Plan) -> dict[str, set[str]]:
    return {
        "priority": set(plan.priorities.values_list("code", flat=True)),
        "outcome": set(plan.outcomes.values_list("code", flat=True)),
        "theme": set(plan.themes.values_list("code", flat=True)),
    }


@transaction.atomic
def crosswalk_load(*, data: CrosswalkData) -> tuple[Crosswalk, int]:
    """Save the crosswalk from `data.from_plan` to `data.to_plan`, replacing any earlier
    one between them; return it and how many links it has.

    Every problem (a plan not loaded, a code neither plan has, a priority mapped twice) is
    listed with its line in one CrosswalkFileError, and nothing is saved."""
    source = data.source or "crosswalk file"
    plans = {p.code: p for p in Plan.objects.filter(code__in=[data.from_plan, data.to_plan])}
    problems = list(data.problems)
    problems += [
        f"no plan with the code {code!r} is loaded (load it with manage.py load_plan first)"
        for code in dict.fromkeys([data.from_plan, data.to_plan])
        if code not in plans
    ]
    if data.from_plan == data.to_plan:
        problems.append("the crosswalk must map one plan to another, not to itself")
    if data.from_plan not in plans or data.to_plan not in plans or data.from_plan == data.to_plan:
        raise CrosswalkFileError(source, problems)
    old, new = plans[data.from_plan], plans[data.to_plan]
    old_codes, new_codes = _codes(old), _codes(new)
    seen: dict[tuple[str, str, str], int] = {}
    mapped_priorities: dict[str, int] = {}
    for link in data.links:
        noun = NOUNS[link.kind]
        if link.from_code not in old_codes[link.kind]:
            problems.append(f"line {link.line}: {old.code} has no {noun} {link.from_code!r}")
        if link.to_code not in new_codes[link.kind]:
            problems.append(f"line {link.line}: {new.code} has no {noun} {link.to_code!r}")
        key = (link.kind, link.from_code, link.to_code)
        if key in seen:
            problems.append(f"line {link.line}: repeats line {seen[key]}")
            continue
        seen[key] = link.line
        if link.kind == "priority":
            first = mapped_priorities.setdefault(link.from_code, link.line)
            if first != link.line:
                problems.append(
                    f"line {link.line}: priority {link.from_code} is already mapped on line "
                    f"{first}; a priority maps to one priority"
                )
    if problems:
        raise CrosswalkFileError(source, problems)
    crosswalk, _ = Crosswalk.objects.update_or_create(
        from_plan=old,
        to_plan=new,
        defaults={"file_name": source.rsplit("/", 1)[-1][:255], "loaded_at": timezone.now()},
    )
    crosswalk.links.all().delete()
    CrosswalkLink.objects.bulk_create(
        CrosswalkLink(
            crosswalk=crosswalk, kind=link.kind, from_code=link.from_code, to_code=link.to_code
        )
        for link in data.links
    )
    rows_written.send(sender=CrosswalkLink)
    return crosswalk, len(data.links)
