"""Returns over the API: figures as JSON, all or nothing, each error naming its measure;
submit with Idempotency-Key; ETag/If-Match against a web edit; the commissioner's review."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from commissioning.models import MonitoringReturn, ReturnValue
from commissioning.services.returns import return_save
from core.models import OutboxMessage
from tests.api.conftest import make_token
from tests.commissioning.builders import complete_figures

R = MonitoringReturn.Status


def url(r, tail: str = "") -> str:
    return f"/api/v1/returns/{r.uuid}/{tail}"


def as_items(typed: dict) -> list[dict]:
    return [
        {"measure": code, "category": category, "value": value}
        for (code, category), value in typed.items()
    ]


@pytest.fixture
def provider(api, personas):
    return api(make_token(personas.provider, personas.provider_org))


@pytest.fixture
def commissioner(api, personas):
    return api(make_token(personas.commissioner, None))


def etag(client, r) -> str:
    return client.get(url(r))["ETag"]


def test_the_provider_reads_its_return_with_an_etag(provider, q1_return):
    response = provider.get(url(q1_return))
    assert response.status_code == 200
    assert response["ETag"].startswith('"')
    body = response.json()
    assert body["status"] == "not_started" and body["figures"] == []
    assert body["measure_set"]["code"] == "victim-services-2026-27"


def test_putting_figures_saves_them_and_moves_the_etag(provider, q1_return):
    before = etag(provider, q1_return)
    response = provider.put(
        url(q1_return, "figures/"),
        {
            "figures": [
                {"measure": "OFFERED", "value": 12},
                {"measure": "SPEND", "value": "1000.50"},
            ]
        },
        if_match=before,
    )
    assert response.status_code == 200, response.json()
    assert response["ETag"] != before
    assert {(f["measure"], f["value"]) for f in response.json()["figures"]} == {
        ("OFFERED", "12"),
        ("SPEND", "1000.50"),
    }
    q1_return.refresh_from_db()
    assert q1_return.status == R.DRAFT


def test_a_put_replaces_and_a_patch_adds(provider, q1_return):
    provider.put(
        url(q1_return, "figures/"),
        {"figures": [{"measure": "OFFERED", "value": 12}]},
        if_match=etag(provider, q1_return),
    )
    provider.patch(
        url(q1_return, "figures/"),
        {"figures": [{"measure": "CLOSED", "value": 4}]},
        if_match=etag(provider, q1_return),
    )
    codes = set(
        ReturnValue.objects.filter(monitoring_return=q1_return).values_list(
            "measure__code", flat=True
        )
    )
    assert codes == {"OFFERED", "CLOSED"}
    provider.put(
        url(q1_return, "figures/"),
        {"figures": [{"measure": "CLOSED", "value": 5}]},
        if_match=etag(provider, q1_return),
    )
    codes = set(
        ReturnValue.objects.filter(monitoring_return=q1_return).values_list(
            "measure__code", flat=True
        )
    )
    assert codes == {"CLOSED"}


def test_every_error_names_its_figure_and_nothing_is_saved(provider, q1_return):
    response = provider.put(
        url(q1_return, "figures/"),
        {
            "figures": [
                {"measure": "OFFERED", "value": 12},
                {"measure": "NOPE", "value": 3},
                {"measure": "CLOSED", "value": "lots"},
                {"measure": "REF", "category": "fax", "value": 1},
            ]
        },
        if_match=etag(provider, q1_return),
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == [
        {
            "path": "figures[1].measure",
            "message": "There is no measure “NOPE” in Victim services 2026/27.",
        },
        {
            "path": "figures[2].value",
            "message": "Cases closed must be a whole number, like 12 or 0.",
        },
        {
            "path": "figures[3].category",
            "message": "Referrals received has no category “fax”; use one of police, self, health, other_agency, or leave it blank for the total.",
        },
    ]
    assert not ReturnValue.objects.filter(monitoring_return=q1_return).exists()


def test_an_update_without_if_match_gets_428(provider, q1_return):
    response = provider.put(url(q1_return, "figures/"), {"figures": []})
    assert response.status_code == 428
    assert response.json()["status"] == 428


def test_a_web_edit_then_a_stale_api_edit_gets_412_and_the_web_edit_stands(
    provider, q1_return, personas
):
    read = etag(provider, q1_return)
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=5)):
        return_save(
            monitoring_return=q1_return, actor=personas.provider, typed={("OFFERED", ""): "7"}
        )
    response = provider.patch(
        url(q1_return, "figures/"),
        {"figures": [{"measure": "OFFERED", "value": 99}]},
        if_match=read,
    )
    assert response.status_code == 412
    stored = ReturnValue.objects.get(monitoring_return=q1_return, measure__code="OFFERED")
    assert stored.value == 7


def test_submitting_twice_with_one_key_submits_once_and_answers_the_same(provider, q1_return):
    provider.put(
        url(q1_return, "figures/"),
        {"figures": as_items(complete_figures())},
        if_match=etag(provider, q1_return),
    )
    first = provider.post(url(q1_return, "submit/"), idempotency_key="retry-1")
    assert first.status_code == 200, first.json()
    again = provider.post(url(q1_return, "submit/"), idempotency_key="retry-1")
    assert again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert OutboxMessage.objects.filter(kind="commissioning.return_submitted").count() == 1
    without = provider.post(url(q1_return, "submit/"))
    assert without.status_code == 409


def test_the_same_key_with_another_body_is_refused(commissioner, provider, q1_return):
    provider.put(
        url(q1_return, "figures/"),
        {"figures": as_items(complete_figures())},
        if_match=etag(provider, q1_return),
    )
    provider.post(url(q1_return, "submit/"))
    commissioner.post(url(q1_return, "accept/"), {"rating": "green"}, idempotency_key="k")
    other = commissioner.post(
        url(q1_return, "accept/"), {"rating": "red", "comment": "x"}, idempotency_key="k"
    )
    assert other.status_code == 409
    q1_return.refresh_from_db()
    assert q1_return.rating == "green"


def test_a_refused_submit_is_not_stored_under_its_key(provider, q1_return):
    refused = provider.post(url(q1_return, "submit/"), idempotency_key="k2")
    assert refused.status_code == 400
    assert {e["path"] for e in refused.json()["errors"]} >= {
        "measures.SUPPORTED",
        "measures.REF.self",
    }
    provider.put(
        url(q1_return, "figures/"),
        {"figures": as_items(complete_figures())},
        if_match=etag(provider, q1_return),
    )
    assert provider.post(url(q1_return, "submit/"), idempotency_key="k2").status_code == 200


def test_the_commissioner_asks_for_changes_and_the_provider_sees_the_comments(
    provider, commissioner, q1_return
):
    provider.put(
        url(q1_return, "figures/"),
        {"figures": as_items(complete_figures())},
        if_match=etag(provider, q1_return),
    )
    provider.post(url(q1_return, "submit/"))
    response = commissioner.post(
        url(q1_return, "request-changes/"),
        {"measure_comments": {"REF": "Police referrals look low."}},
    )
    assert response.status_code == 200, response.json()
    seen = provider.get(url(q1_return)).json()
    assert seen["status"] == "changes_requested"
    assert seen["reviews"][0]["measure_comments"] == [
        {"measure": "REF", "comment": "Police referrals look low."}
    ]


def test_accepting_needs_a_comment_for_amber(provider, commissioner, q1_return):
    provider.put(
        url(q1_return, "figures/"),
        {"figures": as_items(complete_figures())},
        if_match=etag(provider, q1_return),
    )
    provider.post(url(q1_return, "submit/"))
    refused = commissioner.post(url(q1_return, "accept/"), {"rating": "amber"})
    assert refused.status_code == 400
    assert refused.json()["errors"] == [
        {"path": "comment", "message": "Say why the return is rated amber."}
    ]
    assert (
        commissioner.post(
            url(q1_return, "accept/"), {"rating": "amber", "comment": "Low"}
        ).status_code
        == 200
    )


def test_the_provider_cannot_review_and_the_commissioner_cannot_write(
    provider, commissioner, q1_return
):
    assert provider.post(url(q1_return, "accept/"), {"rating": "green"}).status_code == 403
    response = commissioner.put(
        url(q1_return, "figures/"), {"figures": []}, if_match=etag(commissioner, q1_return)
    )
    assert response.status_code == 403
    q1_return.refresh_from_db()
    assert q1_return.status == R.NOT_STARTED


def test_another_providers_return_is_404(api, q1_return, other_provider):
    organisation, member = other_provider
    client = api(make_token(member, organisation))
    assert client.get(url(q1_return)).status_code == 404
    assert client.post(url(q1_return, "submit/")).status_code == 404


def test_returns_filter_by_quarter_status_contract_and_overdue(commissioner, q1_return, contract):
    def listed(query):
        return [r["uuid"] for r in commissioner.get(f"/api/v1/returns/?{query}").json()["results"]]

    assert listed("financial_year=2026&quarter=1") == [str(q1_return.uuid)]
    assert listed("quarter=2") == []
    assert listed("status=not_started") == [str(q1_return.uuid)]
    assert listed(f"contract={contract.uuid}") == [str(q1_return.uuid)]
    with time_machine.travel(dt.datetime(2026, 8, 1, 12, tzinfo=dt.UTC)):
        assert listed("overdue=true") == [str(q1_return.uuid)]
    with time_machine.travel(dt.datetime(2026, 7, 10, 12, tzinfo=dt.UTC)):
        assert listed("overdue=true") == []
    bad = commissioner.get("/api/v1/returns/?status=nonsense&quarter=x")
    assert bad.status_code == 400
    assert {e["path"] for e in bad.json()["errors"]} == {"status", "quarter"}


def test_the_rollup_as_json(commissioner, provider, q1_return):
    from tests.commissioning.builders import measure_set

    provider.put(
        url(q1_return, "figures/"),
        {"figures": as_items(complete_figures(3))},
        if_match=etag(provider, q1_return),
    )
    provider.post(url(q1_return, "submit/"))
    commissioner.post(url(q1_return, "accept/"), {"rating": "green"})
    query = f"measure_set={measure_set().uuid}&financial_year=2026&period=Q1"
    full = commissioner.get(f"/api/v1/rollup/?{query}").json()
    published = commissioner.get(f"/api/v1/rollup/?{query}&published=true").json()
    assert full["returns"] == 1
    supported = next(r for r in full["rows"] if r["measure"] == "SUPPORTED" and not r["category"])
    assert supported["value"] == "3"
    shown = next(r for r in published["rows"] if r["measure"] == "SUPPORTED" and not r["category"])
    assert shown["value"] == "<5" and shown["suppressed"] is True
    assert provider.get(f"/api/v1/rollup/?{query}").status_code == 403
