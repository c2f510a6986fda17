"""Where each person's work is: the one rule for after sign-in and for the home page."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from accounts.permissions import is_provider_member, memberships_of
from accounts.roles import Role, roles_of


@dataclass(frozen=True)
class Landing:
    url: str
    label: str


def landing_for(user) -> Landing:
    """The page a signed-in person starts from, and what to call it on a button.

    Someone holding several staff roles goes to the first that applies, in this order:
    grants officer or administrator (staff home), commissioner, decision maker, assessor,
    performance lead (the plan-delivery dashboard).
    A member of a commissioned provider goes to their contracts and returns, even when the
    organisation also applies for grants; someone with no organisation yet sets one up.
    """
    roles = roles_of(user)
    if roles & {Role.GRANTS_OFFICER, Role.ADMINISTRATOR}:
        return Landing(reverse("accounts:staff-home"), "Go to staff home")
    if Role.COMMISSIONER in roles:
        return Landing(reverse("commissioning:dashboard"), "Go to commissioning")
    if Role.DECISION_MAKER in roles:
        return Landing(reverse("grants:panel-list"), "Go to your panels")
    if Role.ASSESSOR in roles:
        return Landing(reverse("grants:assess-queue"), "Go to your assessments")
    if Role.PERFORMANCE_LEAD in roles:
        return Landing(reverse("delivery:dashboard"), "Go to plan delivery")
    if is_provider_member(user):
        return Landing(reverse("commissioning:my-contracts"), "Go to your contracts and returns")
    if memberships_of(user):
        return Landing(reverse("grants:dashboard"), "Go to your applications")
    return Landing(reverse("accounts:organisation-mine"), "Set up your organisation")
