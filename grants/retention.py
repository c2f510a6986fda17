"""What grants hold under the retention schedule (settings.RETENTION, core.retention).

Purging keeps what open data and the plan-delivery totals need (amounts asked, awarded and
paid, dates, districts, priorities, outcomes, the published title and summary, report
figures) and clears what identifies or describes people: names, contact and bank details,
free text, uploaded files and the letters sent.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from core.models import StatusChange
from core.retention import Rule, delete_files, register
from grants.models import (
    Application,
    ApplicationDocument,
    Assessment,
    Award,
    BankDetails,
    Letter,
    MonitoringEvidence,
    MonitoringReport,
    OutcomeProgress,
    PanelItem,
    Score,
    Screening,
    SpendLine,
)

S = Application.Status
UNSUCCESSFUL = [S.INELIGIBLE, S.NOT_RECOMMENDED, S.DECLINED, S.WITHDRAWN, S.OFFER_DECLINED]
REMOVED = ""

# The application's free text and the names on it; history rows get the same.
APPLICATION_TEXT = {
    "summary": REMOVED,
    "activities": REMOVED,
    "postcodes": REMOVED,
    "beneficiary_groups": REMOVED,
    "contribution": REMOVED,
    "submitter_name": REMOVED,
    "submitter_position": REMOVED,
    "withdrawn_reason": REMOVED,
    "feedback": REMOVED,
    "mark_note": REMOVED,
    "moderation_reason": REMOVED,
}


def _entered_status_at() -> Subquery:
    """When the application last entered its current status (its decision)."""
    changes = StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(Application),
        object_id=OuterRef("pk"),
        to_status=OuterRef("status"),
    ).order_by("-at")
    return Subquery(changes.values("at")[:1])


def _applications_decided(statuses, cutoff: dt.datetime) -> QuerySet[Application]:
    return (
        Application.objects.filter(status__in=statuses)
        .annotate(decided_at=Coalesce(_entered_status_at(), F("updated_at")))
        .filter(decided_at__lte=cutoff)
    )


def _reference(application: Application) -> str:
    return application.reference or str(application.uuid)


def _clear_application(application: Application, *, keep_title: bool) -> list[str]:
    done = []
    text = dict(APPLICATION_TEXT)
    if not keep_title:
        text["project_title"] = REMOVED
    Application.objects.filter(pk=application.pk).update(
        **text, unsaved_input={}, created_by=None, submitted_by=None
    )
    Application.history.filter(id=application.pk).update(**text, created_by=None, submitted_by=None)
    done.append("application text and names cleared")
    documents = ApplicationDocument.objects.filter(application=application)
    files = delete_files(d.file for d in documents)
    documents.delete()
    letters = Letter.objects.filter(application=application)
    files += delete_files(letter.file for letter in letters)
    letters.delete()
    done.append(f"{files} file{'s' if files != 1 else ''} deleted")
    Screening.objects.filter(application=application).update(reason=REMOVED, results=[])
    Score.objects.filter(assessment__application=application).update(comment=REMOVED)
    assessments = Assessment.objects.filter(application=application)
    assessments.update(conflict_reason=REMOVED, overall_comment=REMOVED)
    Assessment.history.filter(application_id=application.pk).update(
        conflict_reason=REMOVED, overall_comment=REMOVED
    )
    done.append("screening and assessors' comments cleared")
    # The panel's words on the bid and the reasons typed with each status change (a
    # withdrawal's reason, say); the decisions, amounts and dates stay.
    PanelItem.objects.filter(application=application).update(conditions=REMOVED, feedback=REMOVED)
    StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(Application), object_id=application.pk
    ).exclude(reason="").update(reason=REMOVED)
    done.append("panel feedback and status-change reasons cleared")
    return done


def purge_unsuccessful(application: Application) -> str:
    return "; ".join(_clear_application(application, keep_title=False))


def _awards_completed(cutoff: dt.datetime) -> QuerySet[Application]:
    return _applications_decided([S.COMPLETED], cutoff).filter(award__isnull=False)


def purge_completed(application: Application) -> str:
    done = _clear_application(application, keep_title=True)
    award = Award.objects.get(application=application)
    supplier = {
        "signatory_name": REMOVED,
        "signatory_position": REMOVED,
        "supplier_name": REMOVED,
        "supplier_address": REMOVED,
        "supplier_email": REMOVED,
        "offer_declined_reason": REMOVED,
    }
    Award.objects.filter(pk=award.pk).update(**supplier, accepted_by=None)
    Award.history.filter(id=award.pk).update(**supplier, accepted_by=None)
    reports = MonitoringReport.objects.filter(award=award)
    evidence = MonitoringEvidence.objects.filter(report__award=award)
    files = delete_files(e.file for e in evidence)
    evidence.delete()
    report_text = {"case_study": REMOVED, "successes": REMOVED, "challenges": REMOVED}
    reports.update(**report_text, review_note=REMOVED, unsaved_input={})
    MonitoringReport.history.filter(award_id=award.pk).update(**report_text, review_note=REMOVED)
    SpendLine.objects.filter(report__award=award).update(explanation=REMOVED)
    OutcomeProgress.objects.filter(report__award=award).update(progress=REMOVED)
    done.append(f"signatory and supplier details cleared; {files} report evidence files deleted")
    return "; ".join(done)


def _bank_details_paid_off(cutoff: dt.datetime) -> QuerySet[BankDetails]:
    paid_off = (
        Award.objects.annotate(
            unpaid=Count("instalments", filter=Q(instalments__paid_on__isnull=True)),
            instalments_count=Count("instalments"),
            last_paid=Max("instalments__paid_on"),
        )
        .filter(unpaid=0, instalments_count__gt=0, last_paid__lte=cutoff.date())
        .values("pk")
    )
    return BankDetails.objects.filter(award__in=paid_off)


def purge_bank_details(details: BankDetails) -> str:
    files = delete_files([details.evidence])
    BankDetails.objects.filter(pk=details.pk).update(
        account_name=REMOVED,
        sort_code=REMOVED,
        account_number=REMOVED,
        evidence=REMOVED,
        evidence_name=REMOVED,
        rejection_reason=REMOVED,
    )
    return f"account name, sort code and number cleared; {files} evidence file deleted"


def register_rules() -> None:
    register(
        Rule(
            key="unsuccessful_applications",
            kind="application",
            candidates=lambda cutoff: _applications_decided(UNSUCCESSFUL, cutoff),
            reference=_reference,
            purge=purge_unsuccessful,
        )
    )
    register(
        Rule(
            key="completed_awards",
            kind="application",
            candidates=_awards_completed,
            reference=_reference,
            purge=purge_completed,
        )
    )
    register(
        Rule(
            key="bank_evidence",
            kind="bank details",
            candidates=_bank_details_paid_off,
            reference=lambda details: f"bank details {details.uuid} of {details.award.reference}",
            purge=purge_bank_details,
        )
    )
