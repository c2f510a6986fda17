"""Org B (and every other outsider) cannot see, change, submit or withdraw org A's bid."""

import pytest
from django.urls import reverse

from grants import services
from grants.models import Application, ApplicationDocument, BudgetLine
from tests.conftest import PERSONA_NAMES
from tests.grants.conftest import complete_application
from tests.personas import Rule, matrix_failures

OUTSIDERS = [
    "applicant_b",
    "provider",
    "assessor",
    "decision_maker",
    "commissioner",
    "performance_lead",
]
INSIDERS = ["applicant_a", "colleague_a"]
OFFICERS = ["officer", "administrator"]


@pytest.fixture
def bid(personas, open_round):
    return complete_application(open_round, personas.org_a, personas.applicant_a)


ROLE_OF = (
    {"anonymous": "anonymous"}
    | dict.fromkeys(OUTSIDERS, "outsider")
    | dict.fromkeys(INSIDERS, "member")
    | dict.fromkeys(OFFICERS, "officer")
)
assert set(ROLE_OF) == set(PERSONA_NAMES)

# Officers read bids; only the applicant's side changes, withdraws or copies them.
READ = {"member": 200, "officer": 200, "outsider": 404}
CHANGE = {"member": 200, "officer": 403, "outsider": 404}
GETS = {
    "application-detail": READ,
    "application-check": READ,
    "application-budget": CHANGE,
    "application-documents": CHANGE,
    "application-withdraw": CHANGE,
    "application-copy": {"member": 200, "officer": 404, "outsider": 404},
}
# Refused POSTs; the organisation's members may make them (tested below).
REFUSED_POST = {"officer": 403, "outsider": 404}


def rules(bid) -> list[Rule]:
    gets = [
        Rule(name, reverse(f"grants:{name}", args=[bid.uuid]), by_role)
        for name, by_role in GETS.items()
    ]
    posts = [
        (
            "section",
            reverse("grants:application-section", args=[bid.uuid, "project"]),
            {"project_title": "Hijacked"},
        ),
        (
            "autosave",
            reverse("grants:application-autosave", args=[bid.uuid, "project"]),
            {"project_title": "Hijacked"},
        ),
        (
            "budget",
            reverse("grants:application-budget", args=[bid.uuid]),
            {"description": "x", "category": "staff", "amount": "1"},
        ),
        (
            "documents",
            reverse("grants:application-documents", args=[bid.uuid]),
            {"remove": str(bid.documents.first().uuid)},
        ),
        ("submit", reverse("grants:application-submit", args=[bid.uuid]), {}),
        ("withdraw", reverse("grants:application-withdraw", args=[bid.uuid]), {"reason": "spite"}),
    ]
    return gets + [
        Rule(name, url, REFUSED_POST, method="POST", data=data) for name, url, data in posts
    ]


def snapshot() -> dict:
    """Everything a POST to a draft could change."""
    return {
        "applications": list(
            Application.objects.order_by("pk").values_list(
                "pk", "status", "project_title", "unsaved_input", "withdrawn_reason"
            )
        ),
        "budget": list(BudgetLine.objects.order_by("pk").values_list("pk", "amount")),
        "documents": list(ApplicationDocument.objects.order_by("pk").values_list("pk", flat=True)),
    }


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_pages_of_an_application_and_refused_changes(client_for, personas, bid, persona):
    failures = matrix_failures(
        client_for(personas.get(persona)),
        who=persona,
        role=ROLE_OF[persona],
        rules=rules(bid),
        snapshot=snapshot,
    )
    assert failures == []
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
