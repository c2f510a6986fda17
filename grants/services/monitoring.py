"""Grant monitoring reports: the group drafts and submits, an officer accepts or asks for
changes, and any underspend is recorded with the amount to claw back."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from accounts.models import Membership, User
from core.errors import NotAllowed
from core.money import InvalidMoney, parse_money
from core.outbox import outbox_enqueue, outbox_next_period
from core.parsers import InvalidInput, parse_pounds, parse_whole_number
from core.workflow import transition
from documents.formatting import money
from grants import uploads
from grants.errors import UploadRefused
from grants.models import (
    BENEFICIARY_GROUPS,
    Application,
    MonitoringEvidence,
    MonitoringReport,
)
from grants.services.screening import _require_officer

R = MonitoringReport.Status
MAX_EVIDENCE_FILES = 10
TEXT_LIMITS = {"case_study": 3000, "successes": 2000, "challenges": 2000}
PROGRESS_LIMIT = 1500
EXPLANATION_LIMIT = 1000


@dataclass
class ReportSaveResult:
    # {field name: message}: typed values that could not be saved (kept in unsaved_input)
    # and, when submitting, what is still missing.
    errors: dict[str, str] = field(default_factory=dict)
    submitted: bool = False


def _lock_report_for_group(report: MonitoringReport, actor: User) -> MonitoringReport:
    report = (
        MonitoringReport.objects.select_for_update()
        .select_related("award__application")
        .get(pk=report.pk)
    )
    organisation_id = report.award.application.organisation_id
    if not Membership.objects.filter(user=actor, organisation_id=organisation_id).exists():
        raise NotAllowed("Only a member of the group can write its monitoring report.")
    if not report.is_editable:
        raise NotAllowed(
            f"This report is {report.get_status_display().lower()} and cannot be changed."
        )
    return report


def _money_or_error(raw: str, label: str) -> tuple[Decimal | None, str | None]:
    try:
        return parse_pounds(raw, name=label), None
    except InvalidInput as refused:
        if refused.reason == "too_large":
            return None, f"Enter {label} of less than £10,000,000,000."
        return None, f"Enter {label}, in pounds, like 1250 or 1250.50."


def _count_or_error(raw: str, label: str) -> tuple[int | None, str | None]:
    try:
        return parse_whole_number(raw, name=label), None
    except InvalidInput:
        return None, f"Enter the number of {label.lower()} as a whole number, like 35 or 0."


def _too_long(text: str, limit: int, label: str) -> str | None:
    if len(text) > limit:
        return f"{label} must be {limit:,} characters or fewer; it is {len(text):,}."
    return None


def _missing(report: MonitoringReport) -> dict[str, str]:
    """What a report still needs before it can be submitted."""
    problems: dict[str, str] = {}
    for line in report.spend.all():
        key = f"spent-{line.pk}"
        if line.spent is None:
            problems[key] = f"Enter what has been spent on “{line.budget_line.description}”."
            continue
        if line.explanation_required and not line.explanation.strip():
            problems[f"explanation-{line.pk}"] = (
                f"Explain why spending on “{line.budget_line.description}” is more than 15% "
                f"{'over' if line.is_over else 'under'} the approved {money(line.approved)}."
            )
    for key, label in BENEFICIARY_GROUPS:
        if key not in report.beneficiaries:
            problems[f"beneficiaries-{key}"] = (
                f"Enter how many people were reached: {label.lower()} (0 if none)."
            )
    for progress in report.outcome_progress.all():
        if not progress.progress.strip():
            problems[f"progress-{progress.pk}"] = (
                f"Describe progress towards outcome {progress.outcome.code}."
            )
    if not report.case_study.strip():
        problems["case_study"] = "Write a short case study about someone the project helped."
    return problems


@transaction.atomic
def report_save(
    *,
    report: MonitoringReport,
    actor: User,
    values: dict[str, str],
    submit: bool = False,
    uploaded: UploadedFile | None = None,
) -> ReportSaveResult:
    """Save what the group typed, and attach a file sent with it, in one transaction;
    anything that cannot be saved is kept in `unsaved_input` and named in the result. With
    `submit`, a complete report is then submitted.

    When submitting, what is missing is listed with what could not be saved, all at once.
    A refused file is listed too (last: it is last on the page), and the report is not
    submitted."""
    report = _lock_report_for_group(report, actor)
    refused_upload = ""
    if uploaded is not None:
        try:
            with transaction.atomic():
                report_evidence_add(report=report, actor=actor, uploaded=uploaded)
        except UploadRefused as refusal:
            refused_upload = refusal.message
    result = ReportSaveResult()
    unsaved: dict[str, str] = {}

    def refuse(key: str, message: str) -> None:
        result.errors[key] = message
        unsaved[key] = values.get(key, "")

    for line in report.spend.select_related("budget_line"):
        key = f"spent-{line.pk}"
        if key in values:
            # Each message names its budget line: several lines can be wrong at once.
            value, error = _money_or_error(
                values[key], f"the amount spent on {line.budget_line.description}"
            )
            if error:
                refuse(key, error)
            else:
                line.spent = value
        explanation_key = f"explanation-{line.pk}"
        if explanation_key in values:
            text = values[explanation_key].strip()
            error = _too_long(
                text,
                EXPLANATION_LIMIT,
                f"The explanation for {line.budget_line.description}",
            )
            if error:
                refuse(explanation_key, error)
            else:
                line.explanation = text
        line.save(update_fields=["spent", "explanation"])
    beneficiaries = dict(report.beneficiaries)
    for key, label in BENEFICIARY_GROUPS:
        form_key = f"beneficiaries-{key}"
        if form_key in values:
            count, error = _count_or_error(values[form_key], label)
            if error:
                refuse(form_key, error)
            elif count is None:
                beneficiaries.pop(key, None)
            else:
                beneficiaries[key] = count
    report.beneficiaries = beneficiaries
    for progress in report.outcome_progress.select_related("outcome"):
        key = f"progress-{progress.pk}"
        if key in values:
            text = values[key].strip()
            error = _too_long(text, PROGRESS_LIMIT, f"Progress on {progress.outcome.code}")
            if error:
                refuse(key, error)
            else:
                progress.progress = text
                progress.save(update_fields=["progress"])
    for name, limit in TEXT_LIMITS.items():
        if name in values:
            text = values[name].strip()
            error = _too_long(
                text,
                limit,
                MonitoringReport._meta.get_field(name).verbose_name.capitalize(),  # type: ignore[union-attr]  # TEXT_LIMITS names text fields
            )
            if error:
                refuse(name, error)
            else:
                setattr(report, name, text)
    report.unsaved_input = unsaved
    report.save()
    if report.status == R.NOT_STARTED:
        transition(report, to_status=R.DRAFT, actor=actor)
    if submit:
        for key, problem in _missing(report).items():
            result.errors.setdefault(key, problem)
    if refused_upload:  # the file field is last on the page, so last in the list
        result.errors["file"] = refused_upload
    if submit and not result.errors:
        report.submitted_at = timezone.now()
        report.submitted_by = actor
        transition(
            report,
            to_status=R.SUBMITTED,
            actor=actor,
            extra_fields=("submitted_at", "submitted_by"),
        )
        result.submitted = True
    return result


@transaction.atomic
def report_evidence_add(*, report: MonitoringReport, actor: User, uploaded) -> MonitoringEvidence:
    """Attach a photo or document (PDF, Word, JPEG or PNG, 10 MB each, 10 per report)."""
    report = _lock_report_for_group(report, actor)
    content_type = uploads.checked_content_type(uploaded)
    if report.evidence.count() >= MAX_EVIDENCE_FILES:
        raise UploadRefused(
            f"You can upload up to {MAX_EVIDENCE_FILES} files with a report: remove one first."
        )
    evidence = MonitoringEvidence(
        report=report,
        original_name=uploaded.name[-200:],
        content_type=content_type,
        size=uploaded.size,
        uploaded_by=actor,
    )
    evidence.file.save("evidence", uploaded, save=False)
    evidence.save()
    return evidence


@transaction.atomic
def report_evidence_remove(
    *, report: MonitoringReport, actor: User, evidence_uuid, values: dict[str, str] | None = None
) -> None:
    """Remove a file; `values` typed on the report page alongside are saved first, in the
    same transaction, so nothing typed is lost."""
    report = _lock_report_for_group(report, actor)
    if values:
        report_save(report=report, actor=actor, values=values)
    evidence = report.evidence.filter(uuid=evidence_uuid).first()
    if evidence is None:
        raise NotAllowed("That file is not part of this report.")
    evidence.file.delete(save=False)
    evidence.delete()


def _lock_submitted(report: MonitoringReport, actor: User) -> MonitoringReport:
    _require_officer(actor)
    report = (
        MonitoringReport.objects.select_for_update()
        .select_related("award__application")
        .get(pk=report.pk)
    )
    if report.status != R.SUBMITTED:
        raise NotAllowed(
            f"Only a submitted report can be reviewed; this one is "
            f"{report.get_status_display().lower()}."
        )
    organisation_id = report.award.application.organisation_id
    if Membership.objects.filter(user=actor, organisation_id=organisation_id).exists():
        raise NotAllowed("You belong to this group, so another officer must review its report.")
    return report


def report_underspend(report: MonitoringReport) -> Decimal:
    """Money paid on the grant but not spent, by the spend the report gives (never < 0)."""
    paid = report.award.instalments.aggregate(total=Sum("paid_amount"))["total"] or Decimal(0)
    spent = report.spend.aggregate(total=Sum("spent"))["total"] or Decimal(0)
    return max(paid - spent, Decimal(0))


@transaction.atomic
def report_accept(
    *, report: MonitoringReport, actor: User, note: str = "", clawback: str | Decimal | None = None
) -> MonitoringReport:
    """Accept a submitted report. On the end-of-grant report the underspend is recorded with
    the amount to claw back (none by default), and the grant is completed."""
    report = _lock_submitted(report, actor)
    final = report.kind == MonitoringReport.Kind.FINAL
    underspend = report_underspend(report)
    clawback_amount = None
    if clawback not in (None, "") and not final:
        raise ValidationError(
            {"clawback": "Money is clawed back when the end-of-grant report is accepted."}
        )
    if clawback not in (None, ""):
        try:
            clawback_amount = parse_money(clawback)
        except InvalidMoney:
            clawback_amount = None
        if clawback_amount is None:
            raise ValidationError(
                {"clawback": "Enter the amount to claw back in pounds, like 350 or 0."}
            )
        if clawback_amount > underspend:
            raise ValidationError(
                {
                    "clawback": f"The clawback cannot be more than the underspend of "
                    f"{money(underspend)}."
                }
            )
    report.reviewed_by = actor
    report.reviewed_at = timezone.now()
    report.review_note = note.strip()
    if final:
        report.underspend = underspend
        report.clawback_amount = (clawback_amount or Decimal(0)) if underspend else None
    transition(
        report,
        to_status=R.ACCEPTED,
        actor=actor,
        reason=note.strip(),
        extra_fields=("reviewed_by", "reviewed_at", "review_note", "underspend", "clawback_amount"),
    )
    if final:
        application = Application.objects.select_for_update().get(pk=report.award.application_id)
        if application.status == Application.Status.ACTIVE:
            transition(
                application,
                to_status=Application.Status.COMPLETED,
                actor=actor,
                reason="End-of-grant report accepted",
            )
    return report


@transaction.atomic
def report_request_changes(*, report: MonitoringReport, actor: User, note: str) -> MonitoringReport:
    """Send the report back to the group saying what to change; they are emailed."""
    report = _lock_submitted(report, actor)
    if not note.strip():
        raise ValidationError({"note": "Say what the group needs to change or add."})
    report.reviewed_by = actor
    report.reviewed_at = timezone.now()
    report.review_note = note.strip()
    transition(
        report,
        to_status=R.CHANGES_REQUESTED,
        actor=actor,
        reason=note.strip(),
        extra_fields=("reviewed_by", "reviewed_at", "review_note"),
    )
    kind = "grants.report_changes_requested"
    outbox_enqueue(
        kind=kind, obj=report, period=outbox_next_period(kind=kind, obj=report, prefix="changes")
    )
    return report
