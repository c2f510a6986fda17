"""The officer's CSV of a round's bids, streamed: one `.values_list()` query read in
chunks, no model objects, no JSON fields read (core.exports guards every cell)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone

from core.exports import csv_download
from grants.models import Application, Round

CHUNK_ROWS = 2000

COLUMNS = [
    "Reference",
    "Status",
    "Organisation",
    "District",
    "Pot",
    "Project title",
    "Amount requested",
    "Primary priority",
    "Submitted at",
]
FIELDS = [
    "reference",
    "status",
    "organisation__name",
    "organisation__district__name",
    "pot__name",
    "project_title",
    "amount_requested",
    "primary_priority__code",
    "submitted_at",
]
STATUS_LABELS = dict(Application.Status.choices)


def _rows(applications: QuerySet[Application]) -> Iterator[list[str]]:
    yield COLUMNS
    zone = timezone.get_current_timezone()
    lines = applications.values_list(*FIELDS).iterator(chunk_size=CHUNK_ROWS)
    for reference, status, organisation, district, pot, title, amount, priority, at in lines:
        yield [
            reference or "",
            str(STATUS_LABELS.get(status, status)),
            organisation,
            district or "",
            pot or "",
            title,
            f"{amount:.2f}" if amount is not None else "",
            priority or "",
            timezone.localtime(at, zone).strftime("%Y-%m-%d %H:%M:%S") if at else "",
        ]


def applications_csv(round: Round, applications: QuerySet[Application]) -> StreamingHttpResponse:
    """The bids as filtered on the officer's list, in its order, as a CSV attachment."""
    return csv_download(f"{round.reference_prefix}-applications.csv", _rows(applications))
