from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from accounts.models import Organisation
from grants.models import Application, Pot, Round


def rounds_for_public_list() -> QuerySet[Round]:
    """Open and upcoming rounds with their fund and pots, soonest deadline first."""
    return (
        Round.objects.published()
        .select_related("fund")
        .prefetch_related(Prefetch("pots", queryset=Pot.objects.order_by("position", "name")))
        .order_by("closes_at")
    )


def round_detail(*, round_uuid) -> Round | None:
    return (
        Round.objects.select_related("fund", "plan")
        .prefetch_related("pots", "priorities", "districts")
        .filter(uuid=round_uuid)
        .first()
    )


def application_for_form(application_id: int) -> Application:
    """One application with everything the form, the checks and the receipt read."""
    return (
        Application.objects.select_related(
            "round__fund", "round__plan", "organisation__district", "pot", "primary_priority"
        )
        .prefetch_related("districts", "outcomes", "themes", "budget_lines", "documents")
        .get(pk=application_id)
    )


def applications_for_dashboard(*, organisation_ids: list[int]) -> QuerySet[Application]:
    return (
        Application.objects.filter(organisation_id__in=organisation_ids)
        .select_related("round__fund", "organisation", "pot")
        .order_by("-updated_at")
    )


def rounds_open_for_copy() -> QuerySet[Round]:
    now = timezone.now()
    return Round.objects.filter(
        status=Round.Status.OPEN, opens_at__lte=now, closes_at__gt=now
    ).select_related("fund")


def applications_for_round(
    *,
    round: Round,
    status: str = "",
    district_id: int | None = None,
    pot_id: int | None = None,
    priority_id: int | None = None,
) -> QuerySet[Application]:
    """The officer's list: submitted-or-later applications by default, with filters."""
    applications = (
        Application.objects.filter(round=round)
        .select_related("organisation__district", "pot", "primary_priority")
        .order_by("reference", "created_at")
    )
    if status:
        applications = applications.filter(status=status)
    if district_id:
        applications = applications.filter(organisation__district_id=district_id)
    if pot_id:
        applications = applications.filter(pot_id=pot_id)
    if priority_id:
        applications = applications.filter(primary_priority_id=priority_id)
    return applications


def round_summary(round: Round) -> dict:
    """Counts and money requested per status for a round's header."""
    rows = (
        Application.objects.filter(round=round)
        .values("status")
        .annotate(count=Count("pk"), requested=Sum("amount_requested"))
    )
    return {row["status"]: row for row in rows}


def organisations_for_applicant(user) -> list[Organisation]:
    return list(
        Organisation.objects.filter(memberships__user=user, is_applicant=True).order_by("name")
    )


def rounds_for_staff_list() -> QuerySet[Round]:
    """Every round with its fund and counts of drafts and of submitted-or-later bids."""
    not_submitted = [Application.Status.DRAFT, Application.Status.WITHDRAWN]
    return (
        Round.objects.select_related("fund")
        .annotate(
            drafts=Count("applications", filter=Q(applications__status=Application.Status.DRAFT)),
            submitted=Count("applications", filter=~Q(applications__status__in=not_submitted)),
        )
        .order_by("-opens_at")
    )
