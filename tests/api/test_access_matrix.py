"""The API's access matrix, generated from its own schema: every operation in /api/schema/
is asked by every persona (tests/conftest.py), each with an API token (a staff token for
staff, an organisation token for members). Who gets through is stated once per operation
below; everyone else is kept out (401 anonymous, 403 or 404 signed in), another group's
application is a 404 to a group, and a refused write changes nothing.

A new operation with no line in WHO fails `test_every_operation_is_in_the_matrix`.
"""

from __future__ import annotations

import pytest

from commissioning.models import MonitoringReturn, ReturnReview, ReturnValue
from grants.models import Application, ApplicationDocument, BudgetLine
from tests.api.conftest import make_token
from tests.conftest import PERSONA_NAMES
from tests.factories import ApplicationFactory, AwardFactory, RoundFactory

pytestmark = pytest.mark.django_db

EVERYONE = set(PERSONA_NAMES)
SIGNED_IN = EVERYONE - {"anonymous"}
GROUP_B_AND_OFFICERS = {"applicant_b", "officer", "administrator"}
COMMISSIONING_READERS = {"provider", "commissioner", "administrator"}

# Who gets past the door (any answer but 401, 403 or 404) for each operation.
WHO: dict[str, set[str]] = {
    "GET /api/v1/funds/": EVERYONE,
    "GET /api/v1/rounds/": EVERYONE,
    "GET /api/v1/rounds/{round_uuid}/": EVERYONE,
    "GET /api/v1/plans/": EVERYONE,
    "GET /api/v1/plans/{code}/": EVERYONE,
    "GET /api/v1/organisations/": SIGNED_IN,
    "GET /api/v1/applications/": SIGNED_IN,
    "POST /api/v1/applications/": SIGNED_IN,  # a lone staff member or provider gets a 400
    "GET /api/v1/applications/{application_uuid}/": GROUP_B_AND_OFFICERS,
    "PUT /api/v1/applications/{application_uuid}/sections/{section}/": {"applicant_b"},
    "PATCH /api/v1/applications/{application_uuid}/sections/{section}/": {"applicant_b"},
    "POST /api/v1/applications/{application_uuid}/budget-lines/": {"applicant_b"},
    "PUT /api/v1/applications/{application_uuid}/budget-lines/{line_id}/": {"applicant_b"},
    "DELETE /api/v1/applications/{application_uuid}/budget-lines/{line_id}/": {"applicant_b"},
    "POST /api/v1/applications/{application_uuid}/documents/": {"applicant_b"},
    "POST /api/v1/applications/{application_uuid}/submit/": {"applicant_b"},
    "POST /api/v1/applications/{application_uuid}/withdraw/": {"applicant_b"},
    "GET /api/v1/applications/{application_uuid}/grant/": GROUP_B_AND_OFFICERS,
    "GET /api/v1/awards/": SIGNED_IN,
    "GET /api/v1/awards/{award_uuid}/": {"officer", "administrator", "decision_maker"},
    "GET /api/v1/rounds/{round_uuid}/applications/": {"officer", "administrator"},
    "GET /api/v1/rounds/{round_uuid}/assessments/": {"officer", "administrator"},
    "GET /api/v1/payments-due/": {"officer", "administrator"},
    "GET /api/v1/contracts/": COMMISSIONING_READERS,
    "GET /api/v1/contracts/{contract_uuid}/": COMMISSIONING_READERS,
    "GET /api/v1/measure-sets/": COMMISSIONING_READERS,
    "GET /api/v1/measure-sets/{measure_set_uuid}/": COMMISSIONING_READERS,
    "GET /api/v1/returns/": COMMISSIONING_READERS,
    # What a return holds: an administrator who is not a commissioner reads none (the list
    # answers them, empty).
    "GET /api/v1/returns/{return_uuid}/": {"provider", "commissioner"},
    "PUT /api/v1/returns/{return_uuid}/figures/": {"provider"},
    "PATCH /api/v1/returns/{return_uuid}/figures/": {"provider"},
    "POST /api/v1/returns/{return_uuid}/submit/": {"provider"},
    "POST /api/v1/returns/{return_uuid}/accept/": {"commissioner"},
    "POST /api/v1/returns/{return_uuid}/request-changes/": {"commissioner"},
    "GET /api/v1/rollup/": {"commissioner"},
    "GET /api/v1/plan-delivery/": {
        "performance_lead",
        "officer",
        "commissioner",
        "decision_maker",
        "administrator",
    },
}
# Operations on group B's application: group A's people must get 404, as if it were missing.
NOT_THEIRS = {"applicant_a", "colleague_a"}


@pytest.fixture
def schema(client):
    return client.get("/api/schema/", HTTP_ACCEPT="application/json").json()


def _operations(schema) -> list[tuple[str, str]]:
    return [
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    ]


def test_every_operation_is_in_the_matrix(schema):
    named = {f"{m} {p}" for m, p in _operations(schema)}
    assert named == set(WHO), f"missing: {named - set(WHO)}, stale: {set(WHO) - named}"


@pytest.fixture
def world(personas, plan, q1_return):
    round = RoundFactory(plan=plan)
    draft = ApplicationFactory(
        round=round, organisation=personas.org_b, created_by=personas.applicant_b
    )
    awarded = AwardFactory(
        application__organisation=personas.org_b, application__round=RoundFactory(plan=plan)
    )
    return {
        "round_uuid": round.uuid,
        "application_uuid": draft.uuid,
        "line_id": draft.budget_lines.first().pk,
        "section": "project",
        "award_uuid": awarded.uuid,
        "grant_application_uuid": awarded.application.uuid,
        "contract_uuid": q1_return.contract.uuid,
        "measure_set_uuid": q1_return.measure_set.uuid,
        "return_uuid": q1_return.uuid,
        "code": plan.code,
    }


def _url(path: str, world: dict) -> str:
    values = dict(world)
    if path.endswith("/grant/"):
        values["application_uuid"] = world["grant_application_uuid"]
    return path.format(**values)


def snapshot() -> dict:
    return {
        model.__name__: sorted(map(str, model.objects.values_list()))
        for model in (
            Application,
            BudgetLine,
            ApplicationDocument,
            MonitoringReturn,
            ReturnValue,
            ReturnReview,
        )
    }


def _client_for(api, personas, who: str):
    user = personas.get(who)
    if user is None:
        return api(None)
    membership = user.memberships.select_related("organisation").first()
    return api(make_token(user, membership.organisation if membership else None))


@pytest.mark.parametrize("who", PERSONA_NAMES)
def test_each_persona_gets_what_the_matrix_says(api, personas, world, schema, who):
    client = _client_for(api, personas, who)
    wrong = []
    for method, path in _operations(schema):
        url = _url(path, world)
        before = snapshot() if method != "GET" else None
        response = getattr(client, method.lower())(
            url, **({} if method == "GET" else {"if_match": "*"})
        )
        got = response.status_code
        allowed = who in WHO[f"{method} {path}"]
        if got >= 500:
            wrong.append(f"{method} {url}: {got}")
        elif allowed and got in (401, 403, 404):
            wrong.append(f"{method} {path}: expected to get through, got {got}")
        elif not allowed:
            expected = {401} if who == "anonymous" else {403, 404}
            if "{application_uuid}" in path and who in NOT_THEIRS:
                expected = {404}
            if got not in expected:
                wrong.append(f"{method} {path}: expected {sorted(expected)}, got {got}")
            if before is not None and snapshot() != before:
                wrong.append(f"{method} {path}: refused but changed something")
        if got >= 400 and response["Content-Type"] != "application/problem+json":
            wrong.append(f"{method} {path}: {got} is not a problem document")
    assert wrong == []
