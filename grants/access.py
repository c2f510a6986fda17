"""Object access for every grants entity a URL names: `access_<entity>_by_uuid`.

Each helper returns the object or raises one Http404, with the same words whether the
object is missing or belongs to someone the user may not see. Role checks that answer 403
stay in the view decorators, which run first; these helpers are about the object itself.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from accounts.models import User
from core.versioned import forget_when_written, read_through
from grants.models import (
    Application,
    ApplicationDocument,
    Assessment,
    Award,
    BankDetails,
    Fund,
    MonitoringEvidence,
    MonitoringReport,
    PanelRecommendation,
    Pot,
    Round,
)
from grants.permissions import (
    access_application_by_uuid,
    applications_for_user,
    can,
    lock_application_to_change,
    rounds_visible_to,
    runs_grants,
)
from grants.selectors.applications import application_for_staff
from grants.selectors.assessment import assessment_for_assessor
from grants.selectors.panel import panel_detail
from grants.selectors.rounds import round_detail

__all__ = [
    "access_application_by_uuid",
    "access_assessment_by_uuid",
    "access_award_by_uuid",
    "access_bank_details_by_uuid",
    "access_document_by_uuid",
    "access_evidence_by_uuid",
    "access_fund_by_uuid",
    "access_grant_by_application_uuid",
    "access_panel_by_uuid",
    "access_pot_by_id",
    "access_report_by_uuid",
    "access_round_by_uuid",
    "access_staff_application_by_uuid",
    "access_staff_round_by_uuid",
    "award_for_application",
    "award_queryset",
    "lock_application_to_change",
]


def _found(obj, allowed: bool, message: str):
    """The one answer for missing and not yours alike."""
    if obj is None or not allowed:
        raise Http404(message)
    return obj


def _runs_grants(user: User) -> bool:
    return bool(runs_grants(user)) or getattr(user, "is_superuser", False)


def _sees_panels(user: User) -> bool:
    return bool(can(user, "grants.view_panels", None)) or getattr(user, "is_superuser", False)


# Rounds, funds and pots ------------------------------------------------------------------


def access_round_by_uuid(user: User, round_uuid) -> Round:
    """A round the user may see: published ones for everyone, drafts for officers."""
    round = round_detail(round_uuid=round_uuid)
    visible = round is not None and rounds_visible_to(user).filter(pk=round.pk).exists()
    return _found(round, visible, "No such round")


# A round and its fund as the officers' pages read them, kept in the cache until any round
# or fund is written (watch_staff_rounds, connected by grants.apps). The services change a
# round through a fresh, locked copy, never through this one.
STAFF_ROUNDS_VERSION = "grants:staff-rounds"
STAFF_ROUND_TIMEOUT = 60 * 60


def _staff_round(round_uuid) -> Round | None:
    def load() -> Round | None:
        try:  # get(), not filter().first(): no ordering or slicing to work out
            return Round.objects.select_related("fund").get(uuid=round_uuid)
        except Round.DoesNotExist:
            return None

    return read_through(
        version_key=STAFF_ROUNDS_VERSION,
        key=f"grants:staff-round:{round_uuid}",
        tag=str(round_uuid),
        compute=load,
        timeout=STAFF_ROUND_TIMEOUT,
    )


def watch_staff_rounds() -> None:
    forget_when_written(STAFF_ROUNDS_VERSION, lambda model, instance: model in (Round, Fund))


def access_staff_round_by_uuid(user: User, round_uuid) -> Round:
    """A round for the officers' pages (drafts included)."""
    allowed = _runs_grants(user)
    return _found(_staff_round(round_uuid) if allowed else None, allowed, "No such round")


def access_fund_by_uuid(user: User, fund_uuid) -> Fund:
    fund = Fund.objects.filter(uuid=fund_uuid).first()
    return _found(fund, _runs_grants(user), "No such fund")


def access_pot_by_id(user: User, round_uuid, pot_id) -> Pot:
    """A pot is named by its round's uuid and its own number within the round."""
    pot = Pot.objects.select_related("round").filter(round__uuid=round_uuid, pk=pot_id).first()
    return _found(pot, _runs_grants(user), "No such pot")


# Applications and assessments ------------------------------------------------------------


def access_staff_application_by_uuid(user: User, application_uuid) -> Application:
    """A submitted application for the officers' pages; a draft is not one yet."""
    application = application_for_staff(application_uuid=application_uuid)
    allowed = (
        application is not None and application.submitted_at is not None and _runs_grants(user)
    )
    return _found(application, allowed, "No such application")


def access_document_by_uuid(user: User, application_uuid, document_uuid) -> ApplicationDocument:
    """A bid's document for its group, officers, or an assessor who has declared no
    conflict on it (and a decision maker once the bid is before the panel)."""
    document = (
        ApplicationDocument.objects.select_related("application")
        .filter(uuid=document_uuid, application__uuid=application_uuid)
        .first()
    )
    allowed = document is not None and can(user, "grants.read_documents", document.application)
    return _found(document, allowed, "No such document")


def access_assessment_by_uuid(user: User, assessment_uuid) -> Assessment:
    """The assessor's own live assignment; anyone else's, recused or removed, is a 404."""
    assessment = assessment_for_assessor(user=user, assessment_uuid=assessment_uuid)
    return _found(assessment, True, "No such assessment")


# The panel and awards --------------------------------------------------------------------


def access_panel_by_uuid(user: User, panel_uuid) -> PanelRecommendation:
    panel = panel_detail(panel_uuid=panel_uuid)
    allowed = panel is not None and _sees_panels(user)
    return _found(panel, allowed, "No such panel list")


def award_queryset() -> QuerySet[Award]:
    """The one award loader: every award page reads its award through this, with the
    relations those pages show (the access helpers below add only what one page needs)."""
    return Award.objects.select_related(
        "application__organisation",
        "application__round__fund",
        "plan",
        "primary_priority",
        "decided_by",
        "accepted_by",
    ).prefetch_related(
        "outcomes",
        "themes",
        "instalments__recorded_by",
        Prefetch(
            "bank_details",
            queryset=BankDetails.objects.select_related("entered_by", "checked_by"),
        ),
        "reports",
    )


def access_award_by_uuid(user: User, award_uuid) -> Award:
    """An award for the staff who run the panel and the awards."""
    award = (
        award_queryset()
        .prefetch_related("award_conditions", "application__budget_lines")
        .filter(uuid=award_uuid)
        .first()
    )
    allowed = award is not None and _sees_panels(user)
    return _found(award, allowed, "No such award")


def access_grant_by_application_uuid(user: User, application_uuid) -> Award:
    """The award on an application the user may see (its group or officers)."""
    application = applications_for_user(user).filter(uuid=application_uuid).first()
    allowed = application is not None and can(user, "grants.view_application", application)
    award = award_for_application(application) if allowed else None
    return _found(award, allowed, "No such grant")


def award_for_application(application: Application) -> Award | None:
    """The award on a bid the caller has already fetched with permission (its page, its
    decision letter); None before the bid is approved."""
    return award_queryset().filter(application=application).first()


def access_bank_details_by_uuid(user: User, award_uuid, bank_uuid) -> BankDetails:
    """Bank details for the group's members and grants officers."""
    details = (
        BankDetails.objects.select_related(
            "award__application__organisation", "entered_by", "checked_by"
        )
        .filter(uuid=bank_uuid, award__uuid=award_uuid)
        .first()
    )
    allowed = details is not None and can(
        user, "grants.view_application", details.award.application
    )
    return _found(details, allowed, "No such bank details")


def access_report_by_uuid(user: User, report_uuid) -> MonitoringReport:
    """A monitoring report for its group's members and grants officers."""
    report = (
        MonitoringReport.objects.select_related(
            "award__application__organisation",
            "award__application__round__fund",
            "reviewed_by",
            "submitted_by",
        )
        .prefetch_related(
            "spend__budget_line",
            "outcome_progress__outcome",
            Prefetch("evidence", queryset=MonitoringEvidence.objects.order_by("uploaded_at")),
            "award__instalments",
        )
        .filter(uuid=report_uuid)
        .first()
    )
    allowed = report is not None and can(user, "grants.view_application", report.award.application)
    return _found(report, allowed, "No such report")


def access_evidence_by_uuid(user: User, report_uuid, evidence_uuid) -> MonitoringEvidence:
    evidence = (
        MonitoringEvidence.objects.select_related("report__award__application")
        .filter(uuid=evidence_uuid, report__uuid=report_uuid)
        .first()
    )
    allowed = evidence is not None and can(
        user, "grants.view_application", evidence.report.award.application
    )
    return _found(evidence, allowed, "No such file")
