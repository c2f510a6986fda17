"""Applications over the API: the whole journey by API, the web form's checks and words on
each section, ETag against a web edit, and parity with the web at the noon deadline."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.models import OutboxMessage, StatusChange
from grants import services
from grants.models import Application
from tests.api.conftest import make_token
from tests.factories import PDF, ApplicationFactory
from tests.grants.conftest import complete_application, make_round, noon

A = "/api/v1/applications/"


@pytest.fixture
def alice(api, personas):
    return api(make_token(personas.applicant_a, personas.org_a))


def etag(client, application_uuid) -> str:
    return client.get(f"{A}{application_uuid}/")["ETag"]


def test_a_whole_application_by_api(alice, personas, plan, client):
    round = make_round(plan)
    made = alice.post(A, {"round": str(round.uuid)})
    assert made.status_code == 201, made.json()
    uuid = made.json()["uuid"]
    assert made["Location"] == f"{A}{uuid}/"
    start = (timezone.localtime(round.closes_at).date() + dt.timedelta(days=30)).isoformat()
    end = (timezone.localtime(round.closes_at).date() + dt.timedelta(days=200)).isoformat()
    pot = round.pots.get(name="Pot 2").pk
    priority = plan.priorities.get(code="P3").pk
    sections = {
        "project": {
            "project_title": "Gloves Up",
            "summary": "Boxing.",
            "activities": "Weekly.",
            "start_date": start,
            "end_date": end,
            "pot": pot,
            "amount_requested": "6000",
        },
        "where": {
            "across_west_yorkshire": True,
            "beneficiary_groups": "Young people",
            "beneficiary_count": 80,
        },
        "alignment": {"primary_priority": priority, "contribution": "Diverts young people."},
        "declarations": {
            "declaration_true": True,
            "declaration_terms": True,
            "declaration_data": True,
            "submitter_name": "Aisha Khan",
        },
    }
    for section, answers in sections.items():
        saved = alice.put(f"{A}{uuid}/sections/{section}/", answers, if_match=etag(alice, uuid))
        assert saved.status_code == 200, (section, saved.json())
    line = alice.post(
        f"{A}{uuid}/budget-lines/",
        {"description": "Coaches", "category": "staff", "amount": "6000"},
        if_match=etag(alice, uuid),
    )
    assert line.status_code == 201, line.json()
    for kind in ("governing_document", "safeguarding_policy", "bank_evidence"):
        upload = alice.client.post(
            f"{A}{uuid}/documents/",
            {"kind": kind, "file": SimpleUploadedFile(f"{kind}.pdf", PDF, "application/pdf")},
            **alice.headers,
        )
        assert upload.status_code == 201, upload.json()
    assert alice.get(f"{A}{uuid}/").json()["problems"] == []
    submitted = alice.post(f"{A}{uuid}/submit/")
    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["reference"] == "MSCF-R5-0001"
    assert submitted.json()["status"] == "submitted"


def test_a_section_gets_the_web_forms_words_and_nothing_is_saved(alice, personas, plan):
    application = complete_application(make_round(plan), personas.org_a, personas.applicant_a)
    response = alice.patch(
        f"{A}{application.uuid}/sections/project/",
        {"project_title": "x" * 141, "start_date": "2020-02-30", "amount_requested": "lots"},
        if_match=etag(alice, application.uuid),
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"path": "project_title", "message": "Project title must be 140 characters or fewer"},
        {"path": "start_date", "message": "Start date must be a real date, like 27 3 2027"},
        {
            "path": "amount_requested",
            "message": "Amount requested must be in pounds, like 6000 or 5999.50",
        },
    ]
    application.refresh_from_db()
    assert application.project_title == "Gloves Up, Knives Down"


def test_a_section_refuses_answers_it_does_not_have(alice, personas, plan):
    application = complete_application(make_round(plan), personas.org_a, personas.applicant_a)
    response = alice.patch(
        f"{A}{application.uuid}/sections/where/",
        {"colour": "blue"},
        if_match=etag(alice, application.uuid),
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == "colour"
    assert alice.patch(f"{A}{application.uuid}/sections/nope/", {}, if_match="*").status_code == 404


def test_a_web_edit_makes_a_stale_api_edit_412_and_the_web_edit_stands(alice, personas, plan):
    application = complete_application(make_round(plan), personas.org_a, personas.applicant_a)
    read = etag(alice, application.uuid)
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=5)):
        services.application_save_section(
            application=application,
            actor=personas.colleague_a,
            section="project",
            values={"project_title": "Colleague's title"},
        )
    response = alice.patch(
        f"{A}{application.uuid}/sections/project/", {"project_title": "Mine"}, if_match=read
    )
    assert response.status_code == 412
    application.refresh_from_db()
    assert application.project_title == "Colleague's title"


def test_another_groups_application_is_404_and_unchanged(alice, personas, plan):
    theirs = complete_application(make_round(plan), personas.org_b, personas.applicant_b)
    assert alice.get(f"{A}{theirs.uuid}/").status_code == 404
    assert alice.post(f"{A}{theirs.uuid}/submit/").status_code == 404
    assert alice.post(f"{A}{theirs.uuid}/withdraw/", {"reason": "x"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Application.Status.DRAFT


def test_a_token_for_one_group_does_not_reach_the_persons_other_group(api, personas, plan):
    from tests.factories import MembershipFactory

    MembershipFactory(organisation=personas.org_b, user=personas.applicant_a)
    theirs = complete_application(make_round(plan), personas.org_b, personas.applicant_b)
    client = api(make_token(personas.applicant_a, personas.org_a))
    assert client.get(f"{A}{theirs.uuid}/").status_code == 404
    assert client.get(A).json()["results"] == []


def test_withdrawing_needs_a_reason_in_the_web_forms_words(alice, personas, plan):
    application = complete_application(make_round(plan), personas.org_a, personas.applicant_a)
    refused = alice.post(f"{A}{application.uuid}/withdraw/", {"reason": " "})
    assert refused.status_code == 400
    assert refused.json()["errors"] == [
        {"path": "reason", "message": "Tell us why you are withdrawing"}
    ]
    done = alice.post(f"{A}{application.uuid}/withdraw/", {"reason": "We merged."})
    assert done.json()["status"] == "withdrawn"


# Parity with the web at the deadline ---------------------------------------------------------


def _two_drafts(plan, personas):
    soon = timezone.localdate() + dt.timedelta(days=20)  # within the token's 90 days
    closes = noon(soon.year, soon.month, soon.day)
    opens = closes - dt.timedelta(days=30)
    web_round = make_round(plan, number=5, opens_at=opens, closes_at=closes)
    api_round = make_round(plan, number=6, opens_at=opens, closes_at=closes)
    with time_machine.travel(closes - dt.timedelta(days=1)):
        by_web = complete_application(web_round, personas.org_a, personas.applicant_a)
        by_api = complete_application(api_round, personas.org_a, personas.applicant_a)
    return closes, by_web, by_api


def _snapshot(application: Application) -> dict:
    application.refresh_from_db()
    change = StatusChange.objects.filter(object_id=application.pk, to_status="submitted").first()
    receipts = OutboxMessage.objects.filter(
        kind="grants.application_receipt", object_id=application.pk
    )
    return {
        "status": application.status,
        "reference_number": (application.reference or "").rsplit("-", 1)[-1],
        "submitted_at": application.submitted_at,
        "submitted_by": application.submitted_by_id,
        "audit": change and (change.from_status, change.actor_id),
        "receipts": receipts.count(),
    }


def test_at_11_59_59_london_time_the_api_and_the_web_both_submit_alike(
    alice, client, personas, plan, django_capture_on_commit_callbacks
):
    closes, by_web, by_api = _two_drafts(plan, personas)
    with time_machine.travel(closes - dt.timedelta(seconds=1), tick=False):
        client.force_login(personas.applicant_a)
        with django_capture_on_commit_callbacks(execute=True):
            web = client.post(f"/applications/{by_web.uuid}/submit/")
            api = alice.post(f"{A}{by_api.uuid}/submit/")
    assert web.status_code == 302 and api.status_code == 200
    assert _snapshot(by_web) == _snapshot(by_api)
    assert by_web.reference == "MSCF-R5-0001" and by_api.reference == "MSCF-R6-0001"
    assert by_api.submitted_at == closes - dt.timedelta(seconds=1)


def test_at_12_00_00_london_time_both_refuse_with_the_same_words(alice, client, personas, plan):
    closes, by_web, by_api = _two_drafts(plan, personas)
    with time_machine.travel(closes, tick=False):
        client.force_login(personas.applicant_a)
        web = client.post(f"/applications/{by_web.uuid}/submit/")
        api = alice.post(f"{A}{by_api.uuid}/submit/")
    assert web.status_code == api.status_code == 409
    assert api.json()["detail"] in web.content.decode().replace("&#x27;", "'")
    assert f"closed at 12 noon on {closes:%A} {closes.day} {closes:%B %Y}" in api.json()["detail"]
    assert _snapshot(by_web) == _snapshot(by_api)
    assert by_api.status == Application.Status.DRAFT and by_api.reference is None


def test_an_unfinished_application_lists_what_is_missing(alice, personas, plan):
    application = ApplicationFactory(
        round=make_round(plan), organisation=personas.org_a, project_title=""
    )
    response = alice.post(f"{A}{application.uuid}/submit/")
    assert response.status_code == 409
    assert {
        "path": "sections.project.project_title",
        "message": "Enter a project title",
    } in response.json()["errors"]
