"""Quarterly returns: opened by the daily task, filled in by the provider (form or CSV),
reviewed by a commissioner, and corrected only as a new version with a reason."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from commissioning.csv_returns import lines_text, parse_return_csv
from commissioning.models import (
    Contract,
    Measure,
    MeasureComment,
    MonitoringReturn,
    Rating,
    ReturnReview,
    ReturnValue,
)
from commissioning.permissions import can
from commissioning.quarters import Quarter, ended_quarters, financial_year_of
from commissioning.selectors.returns import figures_as_text
from commissioning.selectors.rollup import REPORTING_CONTRACTS
from commissioning.services.tallies import return_key, tally_returns
from commissioning.validation import Key, check_figures, field_name
from core.errors import NotAllowed
from core.outbox import outbox_enqueue
from core.versioned import rows_written
from core.workflow import transition

R = MonitoringReturn.Status


def return_due_date(quarter: Quarter, opened_on: dt.date) -> dt.date:
    """N days (RETURN_DUE_DAYS) after the quarter ends; a return opened later than the day
    after (a contract recorded late) gets N days from the day before it opened."""
    start = max(quarter.end, opened_on - dt.timedelta(days=1))
    return start + dt.timedelta(days=settings.RETURN_DUE_DAYS)


def quarters_owed(contract: Contract, today: dt.date) -> list[Quarter]:
    """The contract's ended quarters, back to the start of the financial year in which it
    went live (earlier quarters were reported before this system)."""
    if contract.activated_on is None:
        return []
    first_year = financial_year_of(contract.activated_on)
    return [
        q
        for q in ended_quarters(contract.start_date, contract.end_date, today)
        if q.year >= first_year
    ]


@transaction.atomic
def returns_open_due(*, today: dt.date | None = None) -> int:
    """Open the return each live contract owes for every ended quarter that has none. Run
    twice (or twice at once) it opens nothing more: one return per contract per quarter."""
    today = today or timezone.localdate()
    contracts = list(
        Contract.objects.filter(status__in=REPORTING_CONTRACTS, activated_on__isnull=False)
        .only("pk", "start_date", "end_date", "activated_on", "measure_set_id")
        .order_by("pk")
    )
    existing = set(
        MonitoringReturn.objects.filter(version=1, contract__in=contracts).values_list(
            "contract_id", "financial_year", "quarter"
        )
    )
    now = timezone.now()
    new = [
        MonitoringReturn(
            contract=contract,
            measure_set_id=contract.measure_set_id,
            financial_year=quarter.year,
            quarter=quarter.number,
            due_date=return_due_date(quarter, today),
            opened_at=now,
        )
        for contract in contracts
        for quarter in quarters_owed(contract, today)
        if (contract.pk, quarter.year, quarter.number) not in existing
    ]
    MonitoringReturn.objects.bulk_create(new, ignore_conflicts=True)
    rows_written.send(sender=MonitoringReturn)
    # An overlapping run's rows are skipped: count in the tallies only what this run
    # inserted (found by the uuids it gave them).
    inserted: list[MonitoringReturn] = []
    for start in range(0, len(new), 1000):
        inserted += MonitoringReturn.objects.filter(
            uuid__in=[r.uuid for r in new[start : start + 1000]]
        ).only("financial_year", "quarter", "status", "due_date", "submitted_at", "is_newest")
    tally_returns(after=[return_key(r) for r in inserted])
    return len(inserted)


@dataclass
class SaveResult:
    errors: dict[str, str] = field(default_factory=dict)  # {form field: message}
    submitted: bool = False


def _lock_for_provider(monitoring_return: MonitoringReturn, actor: User) -> MonitoringReturn:
    monitoring_return = (
        MonitoringReturn.objects.select_for_update()
        .select_related("contract", "measure_set")
        .get(pk=monitoring_return.pk)
    )
    if not can(actor, "commissioning.write_return", monitoring_return.contract):
        raise NotAllowed("Only the provider can write this return.")
    if not monitoring_return.is_editable:
        raise NotAllowed(
            f"This return is {monitoring_return.get_status_display().lower()} and cannot be "
            "changed."
        )
    return monitoring_return


def _measures(monitoring_return: MonitoringReturn) -> list[Measure]:
    return list(monitoring_return.measure_set.measures.select_related("total_matches"))


def _write(
    monitoring_return: MonitoringReturn,
    measures: list[Measure],
    figures: Mapping[Key, Decimal | str],
) -> None:
    by_code = {measure.code: measure for measure in measures}
    ReturnValue.objects.filter(monitoring_return=monitoring_return).delete()
    rows = []
    for (code, category), value in figures.items():
        # parse_figure gives text measures their text and numeric ones a Decimal
        rows.append(
            ReturnValue(
                monitoring_return=monitoring_return,
                measure=by_code[code],
                category=category,
                value=None if isinstance(value, str) else value,
                text=value if isinstance(value, str) else "",
            )
        )
    ReturnValue.objects.bulk_create(rows)
    rows_written.send(sender=ReturnValue)


def _save(
    monitoring_return: MonitoringReturn,
    actor: User,
    measures: list[Measure],
    typed: dict[Key, str],
    submit: bool,
) -> SaveResult:
    merged = {**figures_as_text(monitoring_return, measures), **typed}
    checked = check_figures(measures, merged, complete=submit)
    if checked.errors:
        return SaveResult(errors=checked.errors)
    _write(monitoring_return, measures, checked.figures)
    counted = return_key(monitoring_return)
    if monitoring_return.status == R.NOT_STARTED:
        transition(monitoring_return, to_status=R.DRAFT, actor=actor)
    else:
        monitoring_return.save(update_fields=["updated_at"])
    if not submit:
        tally_returns([counted], [return_key(monitoring_return)])
        return SaveResult()
    monitoring_return.submitted_at = timezone.now()
    monitoring_return.submitted_by = actor
    transition(
        monitoring_return,
        to_status=R.SUBMITTED,
        actor=actor,
        extra_fields=("submitted_at", "submitted_by"),
    )
    tally_returns([counted], [return_key(monitoring_return)])
    outbox_enqueue(
        kind="commissioning.return_submitted",
        obj=monitoring_return,
        period=f"submitted-{monitoring_return.reviews.count()}",
    )
    return SaveResult(submitted=True)


@transaction.atomic
def return_save(
    *,
    monitoring_return: MonitoringReturn,
    actor: User,
    typed: dict[Key, str],
    submit: bool = False,
) -> SaveResult:
    """Check and save what the provider typed (blank clears a figure). Every save checks
    the figures (ranges, whole numbers, breakdowns adding up); submitting also needs every
    required figure. On any error nothing is stored and the errors name the measures."""
    monitoring_return = _lock_for_provider(monitoring_return, actor)
    return _save(monitoring_return, actor, _measures(monitoring_return), typed, submit)


@dataclass
class UploadResult:
    errors: list[str] = field(default_factory=list)
    figures: int = 0


@transaction.atomic
def return_upload_csv(
    *, monitoring_return: MonitoringReturn, actor: User, content: bytes
) -> UploadResult:
    """Fill the return from a CSV of measure_code,category,value. Every error in the file
    is reported at once, in line order: lines that cannot be read, and the checks between
    figures (a breakdown that does not add up, totals that must match), each naming its
    line(s) and measure. Any error saves nothing."""
    monitoring_return = _lock_for_provider(monitoring_return, actor)
    measures = _measures(monitoring_return)
    parsed = parse_return_csv(content, measures, monitoring_return.measure_set.name)
    if any(line <= 1 for line, _message in parsed.errors):  # the file itself is unreadable
        return UploadResult(errors=[message for _line, message in parsed.errors])
    if not parsed.raw and not parsed.errors:
        return UploadResult(errors=["The file has no figures in it."])
    merged = {**figures_as_text(monitoring_return, measures), **parsed.raw}
    checked = check_figures(measures, merged, complete=False)
    errors = parsed.errors + [
        _on_lines(measures, parsed.lines, name, message) for name, message in checked.errors.items()
    ]
    if errors:
        return UploadResult(errors=[message for _line, message in sorted(errors, key=_first)])
    result = _save(monitoring_return, actor, measures, parsed.raw, submit=False)
    return UploadResult(errors=list(result.errors.values()), figures=len(parsed.raw))


def _first(error: tuple[int, str]) -> int:
    return error[0]


def _on_lines(
    measures: list[Measure], lines: dict[Key, int], name: str, message: str
) -> tuple[int, str]:
    """A check's message prefixed with the file lines of the figures it is about: the
    measure's own lines and, for totals that must match, the other measure's."""
    measure = next(
        m for m in measures if name in {field_name(m.code, c) for c in ["", *m.category_codes]}
    )
    codes = {measure.code, getattr(measure.total_matches, "code", None)}
    found = sorted(line for (code, _category), line in lines.items() if code in codes)
    if not found:  # only stored figures are involved (not possible after a valid save)
        return 0, message
    return found[0], f"{lines_text(found)}: {message}"


def _lock_for_review(monitoring_return: MonitoringReturn, actor: User) -> MonitoringReturn:
    monitoring_return = (
        MonitoringReturn.objects.select_for_update()
        .select_related("contract")
        .get(pk=monitoring_return.pk)
    )
    if not can(actor, "commissioning.review_return", monitoring_return.contract):
        raise NotAllowed("Only a commissioner can review returns.")
    return monitoring_return


def _clean_rating(rating: str, comment: str, *, required: bool) -> dict[str, str]:
    errors = {}
    if rating and rating not in Rating.values:
        errors["rating"] = "Choose red, amber or green."
    elif required and not rating:
        errors["rating"] = "Rate the return red, amber or green."
    if rating in (Rating.RED, Rating.AMBER) and not comment.strip():
        errors["comment"] = f"Say why the return is rated {rating}."
    return errors


@transaction.atomic
def return_accept(
    *, monitoring_return: MonitoringReturn, actor: User, rating: str, comment: str = ""
) -> MonitoringReturn:
    """Accept and lock a submitted return with a red/amber/green rating. An accepted
    correction takes the place of the version it corrects."""
    monitoring_return = _lock_for_review(monitoring_return, actor)
    errors = _clean_rating(rating, comment, required=True)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    counted = return_key(monitoring_return)
    monitoring_return.rating = rating
    monitoring_return.review_comment = comment.strip()
    monitoring_return.reviewed_by = actor
    monitoring_return.reviewed_at = now
    transition(
        monitoring_return,
        to_status=R.ACCEPTED,
        actor=actor,
        reason=comment.strip(),
        extra_fields=("rating", "review_comment", "reviewed_by", "reviewed_at"),
    )
    tally_returns([counted], [return_key(monitoring_return)])
    ReturnReview.objects.create(
        monitoring_return=monitoring_return,
        outcome=ReturnReview.Outcome.ACCEPTED,
        rating=rating,
        comment=comment.strip(),
        reviewer=actor,
        reviewed_at=now,
    )
    if monitoring_return.corrects_id:
        MonitoringReturn.objects.filter(pk=monitoring_return.corrects_id).update(superseded_at=now)
    outbox_enqueue(kind="commissioning.return_accepted", obj=monitoring_return)
    return monitoring_return


@transaction.atomic
def return_request_changes(
    *,
    monitoring_return: MonitoringReturn,
    actor: User,
    comment: str = "",
    measure_comments: dict[str, str] | None = None,
    rating: str = "",
) -> ReturnReview:
    """Send a submitted return back with comments, overall and on particular measures."""
    monitoring_return = _lock_for_review(monitoring_return, actor)
    notes = {code: text.strip() for code, text in (measure_comments or {}).items() if text.strip()}
    errors = _clean_rating(rating, comment, required=False)
    if notes:
        errors.pop("comment", None)  # the measure comments say why
    if not comment.strip() and not notes:
        errors["comment"] = "Say what needs to change, overall or against the measures."
    measures = {m.code: m for m in monitoring_return.measure_set.measures.all()}
    unknown = sorted(set(notes) - set(measures))
    if unknown:
        errors["comment"] = f"There is no measure {', '.join(unknown)} in this return."
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    review = ReturnReview.objects.create(
        monitoring_return=monitoring_return,
        outcome=ReturnReview.Outcome.CHANGES_REQUESTED,
        rating=rating,
        comment=comment.strip(),
        reviewer=actor,
        reviewed_at=now,
    )
    MeasureComment.objects.bulk_create(
        MeasureComment(review=review, measure=measures[code], comment=text)
        for code, text in notes.items()
    )
    counted = return_key(monitoring_return)
    monitoring_return.rating = rating
    monitoring_return.reviewed_by = actor
    monitoring_return.reviewed_at = now
    transition(
        monitoring_return,
        to_status=R.CHANGES_REQUESTED,
        actor=actor,
        reason=comment.strip(),
        extra_fields=("rating", "reviewed_by", "reviewed_at"),
    )
    tally_returns([counted], [return_key(monitoring_return)])
    outbox_enqueue(
        kind="commissioning.return_changes_requested",
        obj=monitoring_return,
        period=f"review-{review.pk}",
    )
    return review


@transaction.atomic
def return_correct(
    *, monitoring_return: MonitoringReturn, actor: User, reason: str
) -> MonitoringReturn:
    """Start a correction of an accepted return: a new version, a copy of its figures,
    with the reason. The accepted version stands until the correction is accepted."""
    monitoring_return = (
        MonitoringReturn.objects.select_for_update()
        .select_related("contract")
        .get(pk=monitoring_return.pk)
    )
    if not can(actor, "commissioning.write_return", monitoring_return.contract):
        raise NotAllowed("Only the provider can correct this return.")
    if not monitoring_return.can_be_corrected():
        if monitoring_return.status == R.ACCEPTED and monitoring_return.is_current:
            raise NotAllowed("A correction of this return has already been started.")
        raise NotAllowed("Only the accepted, current version of a return can be corrected.")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say what is wrong in the accepted return."})
    if len(reason) > 2000:
        raise ValidationError({"reason": "The reason must be 2,000 characters or fewer."})
    today = timezone.localdate()
    # The correction becomes the quarter's newest version (one per quarter, by constraint);
    # an update, so the corrected version's history gains no row for it.
    counted = return_key(monitoring_return)
    MonitoringReturn.objects.filter(pk=monitoring_return.pk).update(is_newest=False)
    monitoring_return.is_newest = False
    correction = MonitoringReturn.objects.create(
        contract=monitoring_return.contract,
        measure_set_id=monitoring_return.measure_set_id,
        financial_year=monitoring_return.financial_year,
        quarter=monitoring_return.quarter,
        version=monitoring_return.version + 1,
        corrects=monitoring_return,
        correction_reason=reason,
        due_date=today + dt.timedelta(days=settings.RETURN_DUE_DAYS),
        status=R.DRAFT,
    )
    tally_returns([counted], [return_key(correction)])
    ReturnValue.objects.bulk_create(
        ReturnValue(
            monitoring_return=correction,
            measure_id=row.measure_id,
            category=row.category,
            value=row.value,
            text=row.text,
        )
        for row in monitoring_return.values.all()
    )
    return correction


def return_review_decide(
    *,
    monitoring_return: MonitoringReturn,
    actor: User,
    action: str,
    rating: str = "",
    comment: str = "",
    measure_comments: dict[str, str] | None = None,
) -> str:
    """Accept ("accept") or send back ("changes") a submitted return; return the action."""
    if action == "accept":
        return_accept(
            monitoring_return=monitoring_return, actor=actor, rating=rating, comment=comment
        )
    elif action == "changes":
        return_request_changes(
            monitoring_return=monitoring_return,
            actor=actor,
            rating=rating,
            comment=comment,
            measure_comments=measure_comments,
        )
    else:
        raise ValidationError("Choose to accept the return or to ask for changes.")
    return action
