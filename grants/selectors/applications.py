"""Reads for applying: the application with everything its pages read, the group's dashboard,
and the officers' view of one submitted bid and its history."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import Organisation
from core.models import StatusChange
from grants.models import Application, Assessment, Round, Score

# Long answers the ranking and summary never show.
BIG_TEXT = ("summary", "activities", "contribution", "beneficiary_groups", "unsaved_input")


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


def organisations_for_applicant(user) -> list[Organisation]:
    return list(
        Organisation.objects.filter(memberships__user=user, is_applicant=True).order_by("name")
    )


def application_for_staff(*, application_uuid) -> Application | None:
    return (
        Application.objects.select_related(
            "round__fund",
            "round__plan",
            "organisation__district",
            "pot",
            "primary_priority",
            "moderated_by",
            "screening__screened_by",
            "award",
        )
        .prefetch_related(
            "districts",
            "outcomes",
            "themes",
            "budget_lines",
            "documents",
            Prefetch(
                "assessments",
                queryset=Assessment.objects.select_related("assessor").prefetch_related(
                    # Each score with its criterion in one query, not one more for them.
                    Prefetch("scores", queryset=Score.objects.select_related("criterion"))
                ),
            ),
        )
        .filter(uuid=application_uuid)
        .first()
    )


def timeline_for_application(*, application: Application) -> list[StatusChange]:
    """Every status change of the bid and of its assessments, oldest first."""
    assessment_ids = [a.pk for a in application.assessments.all()]
    types = ContentType.objects.get_for_models(Application, Assessment)
    return list(
        StatusChange.objects.filter(
            Q(content_type=types[Application], object_id=application.pk)
            | Q(content_type=types[Assessment], object_id__in=assessment_ids)
        )
        .select_related("actor", "content_type")
        .order_by("at", "pk")
    )
