"""Autosave: a few queries, one locked load of the application, and no history row for
every pause in typing (history keeps section saves and transitions)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grants import services
from grants.models import Application

HistoricalApplication = Application.history.model


def _draft(personas, open_round):
    return services.application_start(
        round=open_round, organisation=personas.org_a, actor=personas.applicant_a
    )


def _autosave_url(application, section="project"):
    return reverse("grants:application-autosave", args=[application.uuid, section])


def _statements(queries) -> list[str]:
    """The SQL sent, less the savepoints a test's own transaction turns the view's atomic
    block into (BEGIN and COMMIT outside tests, which Django does not log as queries)."""
    return [
        q["sql"]
        for q in queries.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))
    ]


def test_autosave_makes_at_most_five_queries_and_loads_the_bid_once(
    client_for, personas, open_round
):
    draft = _draft(personas, open_round)
    client = client_for(personas.applicant_a)
    pot = open_round.pots.first()
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            _autosave_url(draft),
            {"project_title": "Typed so far", "summary": "Some", "pot": pot.pk},
        )
    assert response.status_code == 200
    statements = _statements(queries)
    assert len(statements) <= 5, statements
    loads = [sql for sql in statements if sql.startswith('SELECT "grants_application"')]
    assert len(loads) == 1
    if connection.features.has_select_for_update:
        assert "FOR UPDATE" in loads[0]
    draft.refresh_from_db()
    assert draft.project_title == "Typed so far" and draft.pot == pot


def test_the_history_does_not_grow_while_a_group_types(client_for, personas, open_round):
    draft = _draft(personas, open_round)
    client = client_for(personas.applicant_a)
    before = HistoricalApplication.objects.filter(id=draft.pk).count()
    for typed in range(1, 11):
        response = client.post(_autosave_url(draft), {"summary": "word " * typed})
        assert response.status_code == 200
    assert HistoricalApplication.objects.filter(id=draft.pk).count() == before
    draft.refresh_from_db()
    assert draft.summary == ("word " * 10).strip()  # every autosave was saved


def test_a_section_save_still_writes_history(client_for, personas, open_round):
    draft = _draft(personas, open_round)
    client = client_for(personas.applicant_a)
    client.post(_autosave_url(draft), {"project_title": "Draft title"})
    before = HistoricalApplication.objects.filter(id=draft.pk).count()
    response = client.post(
        reverse("grants:application-section", args=[draft.uuid, "project"]),
        {"project_title": "Safe Streets"},
    )
    assert response.status_code == 302
    history = HistoricalApplication.objects.filter(id=draft.pk)
    assert history.count() == before + 1
    assert history.latest("history_date").project_title == "Safe Streets"


def test_autosave_keeps_text_that_failed_validation(client_for, personas, open_round):
    draft = _draft(personas, open_round)
    too_long = "x" * 1001
    client_for(personas.applicant_a).post(_autosave_url(draft), {"summary": too_long})
    draft.refresh_from_db()
    assert draft.unsaved_input == {"project.summary": too_long}


@pytest.mark.parametrize("persona", ["applicant_b", "provider", "assessor"])
def test_autosave_refuses_other_organisations_bids(client_for, personas, open_round, persona):
    draft = _draft(personas, open_round)
    response = client_for(personas.get(persona)).post(
        _autosave_url(draft), {"project_title": "Hijacked"}
    )
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.project_title == ""


def test_autosave_refuses_an_officer(client_for, personas, open_round):
    draft = _draft(personas, open_round)
    response = client_for(personas.officer).post(_autosave_url(draft), {"project_title": "x"})
    assert response.status_code == 403
    draft.refresh_from_db()
    assert draft.project_title == ""


def test_autosave_refuses_a_submitted_bid(client_for, personas, open_round):
    from tests.grants.conftest import complete_application

    bid = complete_application(open_round, personas.org_a, personas.applicant_a)
    services.application_submit(application=bid, actor=personas.applicant_a)
    before = HistoricalApplication.objects.filter(id=bid.pk).count()
    response = client_for(personas.applicant_a).post(
        _autosave_url(bid), {"project_title": "Changed after submitting"}
    )
    assert response.status_code == 403
    bid.refresh_from_db()
    assert bid.project_title == "Gloves Up, Knives Down"
    assert HistoricalApplication.objects.filter(id=bid.pk).count() == before


def test_autosave_of_an_unknown_section_is_not_found(client_for, personas, open_round):
    draft = _draft(personas, open_round)
    response = client_for(personas.applicant_a).post(
        _autosave_url(draft, "no-such-section"), {"x": "y"}
    )
    assert response.status_code == 404
