"""Every page, every persona: who gets in, who is sent to sign in, who is kept out.

Outsiders get 404 for an organisation that is not theirs (the same answer as for one
that does not exist); insiders without the right get 403; anonymous users sign in.
"""

import pytest
from django.urls import reverse

from tests.conftest import PERSONA_NAMES
from tests.personas import LOGIN, outcome

SIGN_IN = "sign in"
STAFF = {
    "officer",
    "assessor",
    "decision_maker",
    "commissioner",
    "performance_lead",
    "administrator",
}
ORG_READERS = {"officer", "commissioner", "administrator"}


def org_a(personas):
    return [personas.org_a.uuid]


PAGES = [
    # (url name, args, {persona: expected}, default for the others)
    ("home", None, {}, 200),
    ("outcomes:plan", None, {}, 200),
    ("healthz", None, {}, 200),
    ("privacy", None, {}, 200),
    ("accessibility", None, {}, 200),
    ("terms", None, {}, 200),
    ("account_login", None, {"anonymous": 200}, 302),
    ("account_signup", None, {"anonymous": 200}, 302),
    ("account_reset_password", None, {}, 200),
    ("account_logout", None, {"anonymous": 302}, 200),
    ("outcomes:plan-version", lambda personas: ["WY-PCP-2021-24"], {}, 200),
    (
        "accounts:organisation-mine",
        None,
        {
            "anonymous": SIGN_IN,
            "applicant_a": 302,
            "colleague_a": 302,
            "applicant_b": 302,
            "provider": 302,
        },
        200,
    ),
    ("accounts:organisation-create", None, {"anonymous": SIGN_IN}, 200),
    (
        "accounts:organisation-detail",
        org_a,
        {"anonymous": SIGN_IN, "applicant_a": 200, "colleague_a": 200}
        | dict.fromkeys(ORG_READERS, 200),
        404,
    ),
    (
        "accounts:organisation-edit",
        org_a,
        {
            "anonymous": SIGN_IN,
            "applicant_a": 200,
            "colleague_a": 200,
            "administrator": 200,
            "officer": 403,
            "commissioner": 403,
        },
        404,
    ),
    (
        "accounts:organisation-invite",
        org_a,
        {
            "anonymous": SIGN_IN,
            "applicant_a": 200,
            "administrator": 200,
            "colleague_a": 403,
            "officer": 403,
            "commissioner": 403,
        },
        404,
    ),
    ("accounts:staff-home", None, {"anonymous": SIGN_IN} | dict.fromkeys(STAFF, 200), 403),
    (
        "accounts:staff-organisation-list",
        None,
        {"anonymous": SIGN_IN} | dict.fromkeys(ORG_READERS, 200),
        403,
    ),
    ("admin:index", None, {"administrator": 200}, 302),
]


def _cases():
    for name, args, expected, default in PAGES:
        for persona in PERSONA_NAMES:
            yield pytest.param(
                name, args, persona, expected.get(persona, default), id=f"{name}-{persona}"
            )


@pytest.mark.parametrize(("url_name", "args", "persona", "expected"), list(_cases()))
def test_page_access(client_for, personas, plan, url_name, args, persona, expected):
    url = reverse(url_name, args=args(personas) if args else None)
    response = client_for(personas.get(persona)).get(url)
    assert outcome(response) == (LOGIN if expected == SIGN_IN else expected)


@pytest.mark.parametrize("persona", ["applicant_b", "assessor", "decision_maker", "provider"])
def test_outsiders_cannot_change_or_invite_by_posting(client_for, personas, persona):
    client = client_for(personas.get(persona))
    edit = reverse("accounts:organisation-edit", args=[personas.org_a.uuid])
    invite = reverse("accounts:organisation-invite", args=[personas.org_a.uuid])
    assert client.post(edit, {"name": "Hijacked"}).status_code == 404
    assert client.post(invite, {"email": "spy@example.org"}).status_code == 404
    personas.org_a.refresh_from_db()
    assert personas.org_a.name == "Org A Youth Project"
    assert not personas.org_a.invitations.exists()


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_the_invitation_page_needs_sign_in_and_only_its_addressee_can_use_it(
    client_for, personas, persona
):
    from accounts.models import Invitation

    invitation = Invitation.objects.create(organisation=personas.org_a, email="ada@example.org")
    url = reverse("accounts:invitation-accept", args=[invitation.token])
    client = client_for(personas.get(persona))
    response = client.post(url)
    if persona == "anonymous":
        assert response.url.startswith(reverse("account_login"))
    elif persona == "administrator":  # ada@example.org, the addressee
        assert response.status_code == 302
    else:
        assert response.status_code == 200
        assert "This invitation was sent to ada@example.org" in response.content.decode()
    joined = personas.org_a.memberships.filter(user__email="ada@example.org").exists()
    assert joined is (persona == "administrator")


def test_an_unknown_organisation_is_404_for_everyone(client_for, personas):
    url = reverse("accounts:organisation-detail", args=["00000000-0000-0000-0000-000000000000"])
    assert client_for(personas.administrator).get(url).status_code == 404
