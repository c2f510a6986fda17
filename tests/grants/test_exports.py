"""The officer's CSV of a round's bids streams from one values_list query and gives the
same bytes as the model-object export it replaced; every text cell is guarded."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from core.exports import SafeWriter
from grants.models import Application
from grants.selectors.rounds import applications_for_round
from tests.factories import OrganisationFactory
from tests.grants.conftest import complete_application, submitted_application

# The export as it was written before it streamed (model objects, one row at a time), kept
# here to prove the streamed file is byte for byte the same.
OLD_COLUMNS = [
    ("Reference", lambda a: a.reference or ""),
    ("Status", lambda a: a.get_status_display()),
    ("Organisation", lambda a: a.organisation.name),
    ("District", lambda a: a.organisation.district.name if a.organisation.district else ""),
    ("Pot", lambda a: a.pot.name if a.pot else ""),
    ("Project title", lambda a: a.project_title),
    (
        "Amount requested",
        lambda a: f"{a.amount_requested:.2f}" if a.amount_requested is not None else "",
    ),
    ("Primary priority", lambda a: a.primary_priority.code if a.primary_priority else ""),
    (
        "Submitted at",
        lambda a: (
            timezone.localtime(a.submitted_at).strftime("%Y-%m-%d %H:%M:%S")
            if a.submitted_at
            else ""
        ),
    ),
]


def _old_export(round) -> bytes:
    buffer = io.StringIO()
    writer = SafeWriter(buffer)
    writer.writerow([title for title, _ in OLD_COLUMNS])
    for application in applications_for_round(round=round).iterator(chunk_size=500):
        writer.writerow([str(value(application)) for _, value in OLD_COLUMNS])
    return buffer.getvalue().encode("utf-8")


def _export(client, round, **query) -> bytes:
    response = client.get(
        reverse("grants:staff-round-applications", args=[round.uuid]), {"format": "csv", **query}
    )
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    return b"".join(response.streaming_content)


def _group(name: str, district=True):
    organisation = OrganisationFactory(name=name)
    if not district:
        organisation.district = None
        organisation.save(update_fields=["district"])
    return organisation


def _mixed_bids(open_round, personas):
    submitted_application(open_round, personas.org_a, personas.applicant_a, Decimal("6000.5"))
    submitted_application(open_round, personas.org_b, personas.applicant_b, Decimal("750"))
    draft = complete_application(open_round, _group("No District", False), personas.applicant_b)
    Application.objects.filter(pk=draft.pk).update(
        pot=None, primary_priority=None, amount_requested=None, project_title='Ünïcode, "q"'
    )


def test_the_streamed_export_is_byte_for_byte_the_old_one(client_for, personas, open_round):
    _mixed_bids(open_round, personas)
    expected = _old_export(open_round)
    assert _export(client_for(personas.officer), open_round) == expected
    assert len(expected.decode().splitlines()) == 4


def test_every_text_cell_of_the_export_is_guarded(client_for, personas, open_round):
    bid = submitted_application(open_round, personas.org_a, personas.applicant_a)
    Application.objects.filter(pk=bid.pk).update(project_title='=HYPERLINK("http://evil","x")')
    personas.org_a.name = "+44 Group"
    personas.org_a.save(update_fields=["name"])
    for typed in ["-1+1", "@SUM(A1)", "\t=1", "\r=1"]:
        other = complete_application(open_round, _group("+44 Group"), personas.applicant_a)
        Application.objects.filter(pk=other.pk).update(project_title=typed)
    rows = list(csv.reader(io.StringIO(_export(client_for(personas.officer), open_round).decode())))
    titles = {row[5] for row in rows[1:]}
    assert titles == {
        '\'=HYPERLINK("http://evil","x")',
        "'-1+1",
        "'@SUM(A1)",
        "'\t=1",
        "'\r=1",
    }
    assert {row[2] for row in rows[1:]} == {"'+44 Group"}
