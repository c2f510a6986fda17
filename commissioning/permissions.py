"""Who may see and change contracts and returns.

Commissioners (and administrators) run commissioning: contracts, targets, reviews. A
provider's members see only their own organisation's contracts and write their returns;
any other contract is a 404 to them, and commissioner-only pages are a 403.

What a return holds (victim-service figures, narratives, review comments) is read only by
the provider's own members and by commissioners: an administrator (or superuser) who is
not also a commissioner runs contracts but reads no return, in the pages, the API and the
Django admin alike (`reads_returns`).
"""

from __future__ import annotations

import rules
from django.db.models import QuerySet
from django.http import Http404

from accounts.models import User
from accounts.permissions import (
    is_administrator,
    is_commissioner,
    is_provider_member,
    memberships_of,
)
from commissioning.models import Contract, MeasureSet, MonitoringReturn, Service

runs_commissioning = is_commissioner | is_administrator
# Return contents: commissioners only (a superuser gets no free pass: test with test_rule).
reads_returns = is_commissioner


@rules.predicate
def is_contract_provider(user, contract) -> bool:
    return contract is not None and contract.provider_id in memberships_of(user)


@rules.predicate
def provides_services(user) -> bool:
    """A member of a commissioned provider."""
    return is_provider_member(user)


rules.add_perm("commissioning.manage", runs_commissioning)
# Object rules are tested with rules.test_rule: a superuser gets no free pass to write a
# provider's return, and only commissioners review.
rules.add_rule("commissioning.view_contract", is_contract_provider | runs_commissioning)
rules.add_rule("commissioning.write_return", is_contract_provider)
rules.add_rule("commissioning.review_return", is_commissioner)
rules.add_rule("commissioning.read_returns", reads_returns)
rules.add_rule("commissioning.view_own_contracts", provides_services)


def can(user: User, rule: str, contract: Contract | None = None) -> bool:
    return rules.test_rule(rule, user, contract)


def contracts_for_user(user: User) -> QuerySet[Contract]:
    contracts = Contract.objects.all()
    if runs_commissioning(user):
        return contracts
    if not getattr(user, "is_authenticated", False):
        return contracts.none()
    # A draft is the commissioner's work in progress: the provider sees it once active.
    return contracts.filter(provider_id__in=list(memberships_of(user))).exclude(
        status=Contract.Status.DRAFT
    )


def returns_for_user(user: User) -> QuerySet[MonitoringReturn]:
    """Commissioners read every return, a provider's members their own; nobody else any
    (administrators included: see the module's docstring)."""
    returns = MonitoringReturn.objects.all()
    if reads_returns(user):
        return returns
    if not getattr(user, "is_authenticated", False):
        return returns.none()
    return returns.filter(contract__provider_id__in=list(memberships_of(user)))


def access_contract_by_uuid(user: User, contract_uuid) -> Contract:
    """The contract if the user may see it; one 404 for missing and not yours alike."""
    contract = (
        contracts_for_user(user)
        .select_related("provider", "service", "lead_commissioner", "measure_set", "plan")
        .select_related("primary_priority")
        .filter(uuid=contract_uuid)
        .first()
    )
    if contract is None:
        raise Http404("No such contract")
    return contract


def access_return_by_uuid(user: User, return_uuid) -> MonitoringReturn:
    """The return if the user may see it; one 404 for missing and not yours alike."""
    monitoring_return = (
        returns_for_user(user)
        .select_related(
            "contract__provider",
            "contract__service",
            "contract__lead_commissioner",
            "measure_set",
            "corrects",
            "reviewed_by",
        )
        .filter(uuid=return_uuid)
        .first()
    )
    if monitoring_return is None:
        raise Http404("No such return")
    return monitoring_return


def access_service_by_uuid(user: User, service_uuid) -> Service:
    """A commissioned service, for the commissioners who run them."""
    service = Service.objects.filter(uuid=service_uuid).first()
    if service is None or not (runs_commissioning(user) or getattr(user, "is_superuser", False)):
        raise Http404("No such service")
    return service


def access_measure_set_by_uuid(user: User, measure_set_uuid) -> MeasureSet:
    """A measure set, for the commissioners and providers who report against them."""
    measure_set = MeasureSet.objects.filter(uuid=measure_set_uuid).first()
    allowed = runs_commissioning(user) or is_provider_member(user)
    if measure_set is None or not allowed:
        raise Http404("No such measure set")
    return measure_set
