"""A round's filter choices (pots, districts, priorities), read once and kept in the cache.

The officers' lists offer the same choices on every visit; building them costs three queries
a page. They are cached per round (keyed by its UUID, so a test database reusing ids never
sees another round's choices) and forgotten when the round or one of its pots is saved.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache

from accounts.models import District
from grants.models import Round
from outcomes.models import Priority

# Districts change only through the admin; ten minutes bounds how long a new one is missing.
TIMEOUT = 600


@dataclass(frozen=True)
class RoundChoices:
    pots: list[tuple[int, str]]
    districts: list[tuple[int, str]]
    priorities: list[tuple[int, str]]


def _key(round: Round) -> str:
    return f"grants:round-choices:{round.uuid}"


def round_filter_choices(*, round: Round) -> RoundChoices:
    """The round's pots, every district and the plan's priorities, as (id, label) pairs."""
    key = _key(round)
    choices = cache.get(key)
    if choices is None:
        choices = RoundChoices(
            pots=list(round.pots.values_list("pk", "name")),
            districts=list(District.objects.values_list("pk", "name")),
            priorities=[
                (pk, f"{code} {title}")
                for pk, code, title in Priority.objects.filter(plan=round.plan_id).values_list(
                    "pk", "code", "title"
                )
            ],
        )
        cache.set(key, choices, TIMEOUT)
    return choices


def round_filter_choices_forget(*, round: Round) -> None:
    """Drop the cached choices after the round or one of its pots changed."""
    cache.delete(_key(round))
