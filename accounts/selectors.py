from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accounts.models import ApiToken, District, Invitation, Membership, Organisation, User
from accounts.permissions import api_tokens_for_user


def organisation_list_for_staff(
    *, search: str = "", district: District | None = None
) -> QuerySet[Organisation]:
    """Organisations with their district and member count, for the staff directory, by
    name. The count is a subquery, so only the page's rows are counted, and the name's
    index gives the page without sorting every organisation."""
    members = (
        Membership.objects.filter(organisation=OuterRef("pk"))
        .order_by()
        .values("organisation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    organisations = Organisation.objects.select_related("district").annotate(
        member_count=Coalesce(Subquery(members, output_field=IntegerField()), 0)
    )
    if search:
        organisations = organisations.filter(
            Q(name__icontains=search)
            | Q(charity_number__iexact=search.replace(" ", ""))
            | Q(company_number__iexact=search.replace(" ", ""))
        )
    if district is not None:
        organisations = organisations.filter(district=district)
    return organisations.order_by("name", "pk")


def organisation_memberships(organisation: Organisation) -> QuerySet[Membership]:
    return organisation.memberships.select_related("user").order_by("-role", "user__email")


def organisation_open_invitations(organisation: Organisation) -> QuerySet[Invitation]:
    return organisation.invitations.filter(accepted_at__isnull=True).order_by("email")


def organisations_of_member(user: User) -> QuerySet[Organisation]:
    return Organisation.objects.filter(memberships__user=user).select_related("district")


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    """The tokens the API access page lists: the person's own and their organisations'."""
    return api_tokens_for_user(user).select_related("user", "organisation", "revoked_by")


def organisations_by_ids(ids) -> QuerySet[Organisation]:
    """Organisations the caller already knows the person belongs to (memberships_of: for an
    API token, only the token's organisation)."""
    return Organisation.objects.filter(pk__in=list(ids)).select_related("district").order_by("name")
