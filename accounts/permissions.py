"""Who may do what: `rules` predicates, object access helpers and queryset scoping."""

from __future__ import annotations

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.models import ApiToken, Invitation, Membership, Organisation, User
from accounts.roles import Role, has_role, roles_of


def memberships_of(user: User) -> dict[int, str]:
    """{organisation id: role in org} for the user, read once per user object."""
    if not getattr(user, "is_authenticated", False):
        return {}
    cached = getattr(user, "_membership_cache", None)
    if cached is None:
        rows = Membership.objects.filter(user=user).values_list(
            "organisation_id", "role", "organisation__is_provider"
        )
        cached = {organisation_id: role for organisation_id, role, _ in rows}
        user._membership_cache = cached
        user._provider_cache = any(is_provider for _, _, is_provider in rows)
    return cached


def is_provider_member(user: User) -> bool:
    """Whether the user belongs to a commissioned provider; read with their memberships."""
    if not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "_membership_cache", None) is None:
        memberships_of(user)  # one query reads both
    return user._provider_cache


@rules.predicate
def is_grants_officer(user) -> bool:
    return has_role(user, Role.GRANTS_OFFICER)


@rules.predicate
def is_assessor(user) -> bool:
    return has_role(user, Role.ASSESSOR)


@rules.predicate
def is_decision_maker(user) -> bool:
    return has_role(user, Role.DECISION_MAKER)


@rules.predicate
def is_commissioner(user) -> bool:
    return has_role(user, Role.COMMISSIONER)


@rules.predicate
def is_performance_lead(user) -> bool:
    return has_role(user, Role.PERFORMANCE_LEAD)


@rules.predicate
def is_administrator(user) -> bool:
    return has_role(user, Role.ADMINISTRATOR)


@rules.predicate
def is_staff_member(user) -> bool:
    return bool(roles_of(user))


@rules.predicate
def is_org_member(user, organisation) -> bool:
    return organisation is not None and organisation.pk in memberships_of(user)


@rules.predicate
def is_org_owner(user, organisation) -> bool:
    return (
        organisation is not None
        and memberships_of(user).get(organisation.pk) == Membership.Role.OWNER
    )


reads_all_organisations = is_grants_officer | is_commissioner | is_administrator

rules.add_perm("accounts.view_staff_home", is_staff_member)
rules.add_perm("accounts.list_organisations", reads_all_organisations)
rules.add_perm("accounts.view_organisation", is_org_member | reads_all_organisations)
rules.add_perm("accounts.change_organisation", is_org_member | is_administrator)
rules.add_perm("accounts.invite_to_organisation", is_org_owner | is_administrator)


def organisations_for_user(user: User) -> QuerySet[Organisation]:
    """The organisations this user may see."""
    organisations = Organisation.objects.all()
    if reads_all_organisations(user):
        return organisations
    if not getattr(user, "is_authenticated", False):
        return organisations.none()
    return organisations.filter(memberships__user=user)


def access_organisation_by_uuid(user: User, organisation_uuid, perm: str) -> Organisation:
    """The organisation if the user holds `perm` on it; 404 alike for missing and not yours."""
    organisation = (
        organisations_for_user(user)
        .select_related("district")
        .filter(uuid=organisation_uuid)
        .first()
    )
    if organisation is None or not user.has_perm("accounts.view_organisation", organisation):
        raise Http404("No such organisation")
    if not user.has_perm(perm, organisation):
        raise PermissionDenied("You cannot do that for this organisation")
    return organisation


def access_invitation_by_token(user: User, token) -> Invitation:
    """The invitation its link names. The token is the secret: whoever holds it may see
    it, and accepting checks it was sent to them. One 404 for a wrong or unknown link."""
    invitation = Invitation.objects.select_related("organisation").filter(token=token).first()
    if invitation is None or not getattr(user, "is_authenticated", False):
        raise Http404("No such invitation")
    return invitation


def api_tokens_for_user(user: User) -> QuerySet[ApiToken]:
    """The person's own tokens, and every token of an organisation they own."""
    if not getattr(user, "is_authenticated", False):
        return ApiToken.objects.none()
    owned = [pk for pk, role in memberships_of(user).items() if role == Membership.Role.OWNER]
    return ApiToken.objects.filter(Q(user=user) | Q(organisation_id__in=owned))


def access_api_token_by_uuid(user: User, token_uuid) -> ApiToken:
    """A token the user may see and revoke; one 404 for missing and not yours alike."""
    token = (
        api_tokens_for_user(user)
        .select_related("user", "organisation")
        .filter(uuid=token_uuid)
        .first()
    )
    if token is None:
        raise Http404("No such token")
    return token
