"""Who may see and change grant rounds and applications."""

from __future__ import annotations

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from accounts.models import Membership, User
from accounts.permissions import (
    is_administrator,
    is_assessor,
    is_decision_maker,
    is_grants_officer,
    memberships_of,
)
from grants.models import Application, Assessment, Round


@rules.predicate
def is_application_member(user, application) -> bool:
    return application is not None and application.organisation_id in memberships_of(user)


@rules.predicate
def is_draft(user, application) -> bool:
    return application is not None and application.status == Application.Status.DRAFT


@rules.predicate
def is_withdrawable(user, application) -> bool:
    return application is not None and application.can_be_withdrawn


@rules.predicate
def is_declared_assessor(user, application) -> bool:
    """An assessor given the bid who has declared no conflict (scoring or submitted)."""
    if application is None or not getattr(user, "is_authenticated", False):
        return False
    return Assessment.objects.filter(
        application=application,
        assessor=user,
        status__in=[Assessment.Status.IN_PROGRESS, Assessment.Status.SUBMITTED],
    ).exists()


@rules.predicate
def is_before_the_panel(user, application) -> bool:
    return application is not None and application.panel_items.exists()


runs_grants = is_grants_officer | is_administrator

rules.add_perm("grants.manage_rounds", runs_grants)
rules.add_perm("grants.list_round_applications", runs_grants)
# Screening, assigning assessors, moderating, marking, freezing the panel list, schedules.
rules.add_perm("grants.run_assessment", runs_grants)
# Role rules that a superuser must not pass by default: only an assessor scores, and
# only a decision maker decides (tested with rules.test_rule, see accounts.decorators).
rules.add_rule("grants.assess", is_assessor)
rules.add_rule("grants.decide", is_decision_maker)
rules.add_rule("grants.view_panels", runs_grants | is_decision_maker)
# After the award: bank checks, payments and monitoring report reviews.
rules.add_perm("grants.manage_awards", runs_grants)

# Object rules are tested with rules.test_rule, not user.has_perm: a superuser passes every
# has_perm, and no administrator should be able to rewrite or submit a group's bid.
rules.add_rule("grants.view_application", is_application_member | runs_grants)
rules.add_rule(
    "grants.read_documents",
    is_application_member
    | runs_grants
    | is_declared_assessor
    | (is_decision_maker & is_before_the_panel),
)
rules.add_rule("grants.change_application", is_application_member & is_draft)
rules.add_rule("grants.submit_application", is_application_member & is_draft)
rules.add_rule("grants.withdraw_application", is_application_member & is_withdrawable)
# Accepting or declining the grant, bank details, and writing monitoring reports.
rules.add_rule("grants.respond_to_award", is_application_member)
# Officers see every bid but only the group's own members start one from it.
rules.add_rule("grants.copy_application", is_application_member)


def can(user: User, rule: str, application: Application) -> bool:
    return rules.test_rule(rule, user, application)


def applications_for_user(user: User) -> QuerySet[Application]:
    applications = Application.objects.all()
    if runs_grants(user):
        return applications
    if not getattr(user, "is_authenticated", False):
        return applications.none()
    return applications.filter(organisation_id__in=list(memberships_of(user)))


def access_application_by_uuid(user: User, application_uuid, perm: str) -> Application:
    """The application if the user holds `perm` on it; 404 alike for missing and not yours."""
    application = (
        applications_for_user(user)
        .select_related("round__fund", "organisation__district", "pot")
        .filter(uuid=application_uuid)
        .first()
    )
    if application is None:
        raise Http404("No such application")
    if not rules.test_rule("grants.view_application", user, application):
        raise Http404("No such application")
    if not rules.test_rule(perm, user, application):
        raise PermissionDenied("You cannot do that to this application now")
    return application


def lock_application_to_change(user: User, application_uuid) -> Application:
    """The group's draft under its row lock, for a change made inside the caller's
    transaction (autosave): one query, and the access check is made on that same row (the
    user's memberships are a subquery, so no other row is loaded or locked). Anyone
    refused is answered as access_application_by_uuid answers them (404 for outsiders,
    403 for officers and for a bid that is no longer a draft)."""
    found = list(
        Application.objects.select_for_update(of=("self",))
        .select_related("round")
        .filter(
            uuid=application_uuid,
            organisation_id__in=Membership.objects.filter(user=user).values("organisation_id"),
        )
        .order_by()[:1]
    )
    if not found:
        access_application_by_uuid(user, application_uuid, "grants.change_application")
        raise Http404("No such application")  # not reached: the line above refuses
    application = found[0]
    if application.status != Application.Status.DRAFT:
        raise PermissionDenied("You cannot do that to this application now")
    return application


def rounds_visible_to(user: User) -> QuerySet[Round]:
    """Applicants see published rounds; officers also see drafts (to preview them)."""
    if runs_grants(user):
        return Round.objects.all()
    return Round.objects.exclude(status=Round.Status.DRAFT)
