"""Org B (and every other outsider) cannot see, change, submit or withdraw org A's bid."""

import pytest
from django.urls import reverse

from grants import services
from grants.models import Application
from tests.conftest import PERSONA_NAMES
from tests.grants.conftest import complete_application

OUTSIDERS = ["applicant_b", "provider", "assessor", "decision_maker", "commissioner"]
INSIDERS = ["applicant_a", "colleague_a"]
OFFICERS = ["officer", "administrator"]


@pytest.fixture
def bid(personas, open_round):
    return complete_application(open_round, personas.org_a, personas.applicant_a)


GETS = [
    "application-detail",
    "application-check",
    "application-budget",
    "application-documents",
    "application-withdraw",
    "application-copy",
]


@pytest.mark.parametrize("persona", PERSONA_NAMES)
@pytest.mark.parametrize("url_name", GETS)
def test_pages_of_an_application(client_for, personas, bid, persona, url_name):
    response = client_for(personas.get(persona)).get(reverse(f"grants:{url_name}", args=[bid.uuid]))
    if persona == "anonymous":
        assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    elif persona in OUTSIDERS:
        assert response.status_code == 404
    elif persona in OFFICERS:
        # Officers read bids; only the applicant's side changes, withdraws or copies them.
        expected = (
            200
            if url_name in ("application-detail", "application-check")
            else (404 if url_name == "application-copy" else 403)
        )
        assert response.status_code == expected
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("persona", OUTSIDERS + OFFICERS)
def test_no_one_outside_the_organisation_can_change_submit_or_withdraw(
    client_for, personas, bid, persona
):
    client = client_for(personas.get(persona))
    expected = 404 if persona in OUTSIDERS else 403
    posts = [
        (
            reverse("grants:application-section", args=[bid.uuid, "project"]),
            {"project_title": "Hijacked"},
        ),
        (
            reverse("grants:application-autosave", args=[bid.uuid, "project"]),
            {"project_title": "Hijacked"},
        ),
        (
            reverse("grants:application-budget", args=[bid.uuid]),
            {"description": "x", "category": "staff", "amount": "1"},
        ),
        (
            reverse("grants:application-documents", args=[bid.uuid]),
            {"remove": str(bid.documents.first().uuid)},
        ),
        (reverse("grants:application-submit", args=[bid.uuid]), {}),
        (reverse("grants:application-withdraw", args=[bid.uuid]), {"reason": "spite"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == expected, url
    bid.refresh_from_db()
    assert bid.project_title == "Gloves Up, Knives Down"
    assert bid.status == Application.Status.DRAFT
    assert bid.documents.count() == 3 and bid.budget_lines.count() == 1


def test_every_member_of_the_organisation_can_edit_and_submit(client_for, personas, bid):
    client = client_for(personas.colleague_a)
    response = client.post(reverse("grants:application-submit", args=[bid.uuid]))
    assert response.status_code == 302
    bid.refresh_from_db()
    assert bid.status == "submitted" and bid.submitted_by == personas.colleague_a


def test_a_submitted_application_can_no_longer_be_changed(client_for, personas, bid):
    services.application_submit(application=bid, actor=personas.applicant_a)
    client = client_for(personas.applicant_a)
    url = reverse("grants:application-section", args=[bid.uuid, "project"])
    assert client.post(url, {"project_title": "Changed"}).status_code == 403
    bid.refresh_from_db()
    assert bid.project_title == "Gloves Up, Knives Down"


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_public_round_pages_are_open_to_everyone(client_for, personas, open_round, persona):
    client = client_for(personas.get(persona))
    assert client.get(reverse("grants:round-list")).status_code == 200
    assert client.get(reverse("grants:round-detail", args=[open_round.uuid])).status_code == 200
    assert client.get(reverse("grants:eligibility", args=[open_round.uuid])).status_code == 200


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_a_draft_round_is_previewed_only_by_officers(client_for, personas, open_round, persona):
    open_round.status = "draft"
    open_round.save()
    response = client_for(personas.get(persona)).get(
        reverse("grants:round-detail", args=[open_round.uuid])
    )
    assert response.status_code == (200 if persona in OFFICERS else 404)


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_the_round_application_list_is_for_officers(client_for, personas, open_round, persona):
    response = client_for(personas.get(persona)).get(
        reverse("grants:staff-round-applications", args=[open_round.uuid])
    )
    if persona == "anonymous":
        assert response.status_code == 302
    else:
        assert response.status_code == (200 if persona in OFFICERS else 403)
