"""The staff home lists the areas a person's roles reach. Apps register their areas."""

from __future__ import annotations

from dataclasses import dataclass

import rules
from django.urls import reverse


@dataclass(frozen=True)
class Area:
    title: str
    description: str
    url_name: str
    permission: str
    order: int = 100
    # True when `permission` names a `rules` rule (tested without a superuser pass).
    rule: bool = False

    def allows(self, user) -> bool:
        return (
            rules.test_rule(self.permission, user) if self.rule else user.has_perm(self.permission)
        )

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_AREAS: list[Area] = []


def register(area: Area) -> None:
    if area not in _AREAS:
        _AREAS.append(area)


def areas_for_user(user) -> list[Area]:
    return sorted(
        (area for area in _AREAS if area.allows(user)),
        key=lambda area: (area.order, area.title),
    )
