"""Who may read the plan-delivery picture.

The performance lead reads it for a living; grants officers, commissioners and decision
makers see it too, because it is built from their own work. Administrators run every
staff area (they pass the grants and commissioning reads as well), and the dashboard holds
no personal data, so they see it too. Applicants, providers and assessors never do: an
assessor sees only the bids given to them, and the dashboard would show every award.

The rule is tested with `rules.test_rule` (accounts.decorators.rule_required), so a
superuser gets no free pass: only these roles reach it.
"""

from __future__ import annotations

import rules
from django.http import Http404

from accounts.models import User
from accounts.permissions import (
    is_administrator,
    is_commissioner,
    is_decision_maker,
    is_grants_officer,
    is_performance_lead,
)
from commissioning.models import Contract
from delivery.models import PanelReport
from grants.models import Award

VIEW = "delivery.view_plan_delivery"

views_plan_delivery = (
    is_performance_lead | is_grants_officer | is_commissioner | is_decision_maker | is_administrator
)

rules.add_rule(VIEW, views_plan_delivery)


def can_view_plan_delivery(user: User) -> bool:
    return rules.test_rule(VIEW, user)


def access_award_by_uuid(user: User, award_uuid) -> Award:
    """The award, for its read-only summary; one 404 for a missing award and for someone
    who may not read the plan-delivery picture (the view refuses them first with a 403)."""
    award = (
        Award.objects.select_related(
            "application__organisation", "application__round__fund", "primary_priority", "plan"
        )
        .filter(uuid=award_uuid)
        .first()
    )
    if award is None or not can_view_plan_delivery(user):
        raise Http404("No such award")
    return award


def access_contract_by_uuid(user: User, contract_uuid) -> Contract:
    """The contract, for its read-only summary; drafts are not part of the picture, so a
    draft is a 404 here like a missing contract."""
    contract = (
        Contract.objects.select_related("provider", "service", "primary_priority", "plan")
        .exclude(status=Contract.Status.DRAFT)
        .filter(uuid=contract_uuid)
        .first()
    )
    if contract is None or not can_view_plan_delivery(user):
        raise Http404("No such contract")
    return contract


def access_panel_report_by_uuid(user: User, report_uuid) -> PanelReport:
    """A Panel report version; one 404 for a missing report and for someone who may not
    read the plan-delivery picture (the view refuses them first with a 403)."""
    report = (
        PanelReport.objects.select_related("plan", "requested_by").filter(uuid=report_uuid).first()
    )
    if report is None or not can_view_plan_delivery(user):
        raise Http404("No such report")
    return report
