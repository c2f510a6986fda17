"""API tokens: hashed at rest, shown once, refused when revoked, expired or out of scope,
and last-used recorded without a write on every request."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import ApiToken
from accounts.services import api_token_create, api_token_revoke
from core.models import OutboxMessage, StatusChange
from tests.api.conftest import make_token

pytestmark = pytest.mark.django_db
URL = "/api/v1/organisations/"


def test_the_database_holds_no_usable_key(personas):
    key = make_token(personas.applicant_a, personas.org_a)
    row = ApiToken.objects.values().get()
    assert key not in str(row.values())
    assert row["prefix"] == key[:12]
    assert len(row["digest"]) == 64 and row["digest"] != key


def test_the_digest_alone_does_not_sign_in(api, personas):
    make_token(personas.applicant_a, personas.org_a)
    token = ApiToken.objects.get()
    assert api(token.digest).get(URL).status_code == 401
    assert api(token.prefix + token.digest).get(URL).status_code == 401


def test_a_token_reads_as_its_person_for_its_organisation(api, personas):
    key = make_token(personas.applicant_a, personas.org_a)
    response = api(key).get(URL)
    assert response.status_code == 200
    assert [o["name"] for o in response.json()["results"]] == [personas.org_a.name]


def test_the_key_is_shown_once_on_the_page_and_never_again(client, personas):
    client.force_login(personas.applicant_a)
    made = client.post(
        "/api-access/",
        {
            "name": "Case system",
            "organisation": str(personas.org_a.uuid),
            "scopes": ["read"],
            "days": "90",
        },
    )
    assert made.status_code == 200
    key = made.context["new"].key
    assert key in made.content.decode()
    assert made["Cache-Control"] == "no-store"
    listing = client.get("/api-access/")
    assert key not in listing.content.decode()
    assert "Case system" in listing.content.decode()


def test_the_page_names_every_problem_at_once(client, personas):
    client.force_login(personas.applicant_a)
    page = client.post("/api-access/", {"name": "", "days": "0"})
    assert page.status_code == 400
    text = page.content.decode()
    for message in (
        "Enter a name for the token",
        "Choose the organisation the token is for",
        "Choose what the token may do",
        "The token must work for at least 1 day",
    ):
        assert message in text
    assert ApiToken.objects.count() == 0


def test_a_revoked_token_gets_401_with_a_problem_document(api, personas):
    key = make_token(personas.applicant_a, personas.org_a)
    api_token_revoke(token=ApiToken.objects.get(), actor=personas.applicant_a)
    response = api(key).get(URL)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "revoked" in response.json()["detail"]


def test_an_expired_token_gets_401(api, personas):
    key = make_token(personas.applicant_a, personas.org_a, days=1)
    with time_machine.travel(timezone.now() + dt.timedelta(days=1, seconds=1)):
        assert api(key).get(URL).status_code == 401


def test_a_token_without_the_scope_gets_403_and_changes_nothing(api, personas, plan):
    from tests.factories import RoundFactory

    round = RoundFactory(status="open")
    key = make_token(personas.applicant_a, personas.org_a, scopes=["read"])
    response = api(key).post("/api/v1/applications/", {"round": str(round.uuid)})
    assert response.status_code == 403
    assert "applications:write" in response.json()["detail"]
    assert not round.applications.exists()


def test_a_token_no_longer_works_once_its_person_leaves_the_organisation(api, personas):
    key = make_token(personas.applicant_a, personas.org_a)
    personas.applicant_a.memberships.all().delete()
    assert api(key).get(URL).status_code == 401


def test_last_used_is_written_once_then_not_on_every_request(api, personas, settings):
    settings.API_TOKEN_LAST_USED_EVERY = 300
    client = api(make_token(personas.applicant_a, personas.org_a))
    client.get(URL)
    first = ApiToken.objects.get().last_used_at
    assert first is not None
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            assert client.get(URL).status_code == 200
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("UPDATE")]
    assert writes == []
    assert ApiToken.objects.get().last_used_at == first
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=301)):
        client.get(URL)
    assert ApiToken.objects.get().last_used_at > first


def test_making_and_revoking_are_audited_and_emailed_to_the_owners(
    personas, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        new = api_token_create(
            actor=personas.colleague_a, organisation=personas.org_a, name="Finance", scopes=["read"]
        )
        api_token_revoke(token=new.token, actor=personas.applicant_a)
    kind = ContentType.objects.get_for_model(ApiToken)
    changes = list(
        StatusChange.objects.filter(content_type=kind).values_list(
            "from_status", "to_status", "actor"
        )
    )
    assert changes == [
        ("", "active", personas.colleague_a.pk),
        ("active", "revoked", personas.applicant_a.pk),
    ]
    sent = OutboxMessage.objects.filter(content_type=kind).order_by("pk")
    assert [m.kind for m in sent] == ["accounts.api_token_created", "accounts.api_token_revoked"]
    assert all(m.sent_at is not None for m in sent)


def test_the_email_goes_to_the_organisations_owners(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        api_token_create(
            actor=personas.colleague_a, organisation=personas.org_a, name="Finance", scopes=["read"]
        )
    (message,) = [m for m in mailoutbox if "API token" in m.subject]
    owners = set(
        personas.org_a.memberships.filter(role="owner").values_list("user__email", flat=True)
    )
    assert owners <= set(message.to)
    assert "Finance" in message.body
    assert ApiToken.objects.get().prefix in message.body


def test_someone_cannot_make_a_token_for_another_organisation(personas):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        api_token_create(
            actor=personas.applicant_a, organisation=personas.org_b, name="X", scopes=["read"]
        )
    assert "organisation" in refused.value.message_dict
    assert ApiToken.objects.count() == 0


def test_only_staff_make_a_token_with_no_organisation(personas):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        api_token_create(actor=personas.applicant_a, organisation=None, name="X", scopes=["read"])
    made = api_token_create(actor=personas.officer, organisation=None, name="X", scopes=["read"])
    assert made.token.organisation is None


def test_a_token_is_revoked_only_by_its_person_or_the_organisations_owners(client, personas):
    new = api_token_create(
        actor=personas.applicant_a, organisation=personas.org_a, name="Mine", scopes=["read"]
    )
    client.force_login(personas.applicant_b)
    assert client.post(f"/api-access/{new.token.uuid}/revoke/").status_code == 404
    assert ApiToken.objects.get().status == "active"
    client.force_login(personas.applicant_a)
    assert client.post(f"/api-access/{new.token.uuid}/revoke/").status_code == 302
    assert ApiToken.objects.get().status == "revoked"
