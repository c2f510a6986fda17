"""What returns hold under the retention schedule (settings.RETENTION, core.retention):
after the years given, the written answers and the review comments are cleared; the counts
and amounts (aggregates that identify no one) stay for the roll-up and plan delivery."""

from __future__ import annotations

import datetime as dt
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet

from commissioning.models import MeasureComment, MonitoringReturn, ReturnReview, ReturnValue
from commissioning.quarters import Quarter
from core.retention import Rule, register


def _returns_ended(cutoff: dt.datetime) -> QuerySet[MonitoringReturn]:
    """Returns whose quarter ended on or before `cutoff`."""
    periods = MonitoringReturn.objects.values_list("financial_year", "quarter").distinct()
    ended = [
        Q(financial_year=year, quarter=quarter)
        for year, quarter in periods
        if Quarter(year, quarter).end <= cutoff.date()
    ]
    if not ended:
        return MonitoringReturn.objects.none()
    return MonitoringReturn.objects.filter(reduce(or_, ended))


def purge_narratives(monitoring_return: MonitoringReturn) -> str:
    answers = (
        ReturnValue.objects.filter(monitoring_return=monitoring_return)
        .exclude(text="")
        .update(text="")
    )
    comments = {"review_comment": "", "correction_reason": ""}
    MonitoringReturn.objects.filter(pk=monitoring_return.pk).update(**comments)
    MonitoringReturn.history.filter(id=monitoring_return.pk).update(**comments)
    ReturnReview.objects.filter(monitoring_return=monitoring_return).update(comment="")
    MeasureComment.objects.filter(review__monitoring_return=monitoring_return).update(comment="")
    return f"{answers} written answers and the review comments cleared; figures kept"


def register_rules() -> None:
    register(
        Rule(
            key="return_narratives",
            kind="monitoring return",
            candidates=_returns_ended,
            reference=lambda r: (
                f"{r.contract.reference} {r.financial_year} Q{r.quarter} v{r.version}"
            ),
            purge=purge_narratives,
        )
    )
