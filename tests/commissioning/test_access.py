"""Who reaches each commissioning page, table-driven over every persona.

A provider's members see their own contracts and write their own returns; to anyone
else (another provider included) those are a 404, so nothing says they exist.
Commissioners (and administrators) run commissioning: dashboard, services, contracts and
targets; everyone else gets 403 there. Only commissioners read what a return holds (the
return pages, its CSV, the roll-up, the log of exports) and review returns: an
administrator (a superuser) who is not a commissioner gets 404 for a return and 403 for the
roll-up, as in the API and the Django admin. Nobody but the provider writes a return. A
refused POST changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from commissioning.models import (
    Contract,
    ContractAmendment,
    ContractFunding,
    MeasureComment,
    MonitoringReturn,
    ReturnReview,
    ReturnValue,
    Service,
    Target,
)
from commissioning.quarters import Quarter
from commissioning.services import returns as return_services
from commissioning.validation import field_name
from core.models import OutboxMessage
from tests.commissioning.builders import complete_figures, make_contract, open_return
from tests.conftest import PERSONA_NAMES
from tests.downloads import body
from tests.personas import Rule, matrix_failures

Q2 = Quarter(2026, 2)  # July to September 2026
R = MonitoringReturn.Status

ROLE_OF = {
    "anonymous": "anonymous",
    "applicant_a": "outsider",
    "colleague_a": "outsider",
    "applicant_b": "outsider",
    "officer": "outsider",
    "assessor": "outsider",
    "decision_maker": "outsider",
    "provider": "provider",
    "commissioner": "commissioner",
    "performance_lead": "outsider",
    "administrator": "administrator",
}
assert set(ROLE_OF) == set(PERSONA_NAMES)


@dataclass
class World:
    contract: Contract  # provider A's (the provider persona's organisation)
    submitted: MonitoringReturn  # A's 2026/27 Q1 return, submitted and waiting for review
    draft: MonitoringReturn  # A's 2026/27 Q2 return, not started
    other_contract: Contract  # provider B's


def typed_form(submit: bool = False) -> dict[str, str]:
    """A complete, valid return as the form posts it."""
    data = {
        field_name(code, category): value for (code, category), value in complete_figures().items()
    }
    if submit:
        data["submit"] = "1"
    else:
        data["save"] = "1"
    return data


def csv_file(name: str = "return.csv") -> SimpleUploadedFile:
    lines = ["measure_code,category,value"]
    lines += [
        f"{code},{category},{value}" for (code, category), value in complete_figures().items()
    ]
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode(), "text/csv")


@pytest.fixture
def world(personas, plan, contract, q1_return, other_provider) -> World:
    result = return_services.return_save(
        monitoring_return=q1_return,
        actor=personas.provider,
        typed=complete_figures(),
        submit=True,
    )
    assert result.submitted, result.errors
    draft = open_return(contract, Q2)
    other_contract = make_contract(
        provider=other_provider[0],
        commissioner=personas.commissioner,
        plan=plan,
        reference="VS-TEST-02",
    )
    open_return(other_contract, Q2)  # B has returns of its own
    return World(
        contract=contract,
        submitted=MonitoringReturn.objects.get(pk=q1_return.pk),
        draft=draft,
        other_contract=other_contract,
    )


def urls(w: World) -> dict[str, str]:
    contract, submitted, draft = w.contract.uuid, w.submitted.uuid, w.draft.uuid
    return {
        # Commissioners' pages
        "dashboard": reverse("commissioning:dashboard"),
        "services": reverse("commissioning:service-list"),
        "service-new": reverse("commissioning:service-new"),
        "service-edit": reverse("commissioning:service-edit", args=[w.contract.service.uuid]),
        "contracts": reverse("commissioning:contract-list"),
        "contract-new": reverse("commissioning:contract-new"),
        "contract-edit": reverse("commissioning:contract-edit", args=[contract]),
        "contract-activate": reverse("commissioning:contract-activate", args=[contract]),
        "contract-close": reverse("commissioning:contract-close", args=[contract]),
        "contract-amend": reverse("commissioning:contract-amend", args=[contract]),
        "targets": reverse("commissioning:contract-targets", args=[contract, 2026]),
        "rollup": reverse("commissioning:rollup"),
        "exports": reverse("commissioning:return-exports"),
        "review": reverse("commissioning:return-review", args=[submitted]),
        # The provider's pages
        "my-contracts": reverse("commissioning:my-contracts"),
        "contract": reverse("commissioning:contract", args=[contract]),
        "return": reverse("commissioning:return", args=[draft]),
        "return-submitted": reverse("commissioning:return", args=[submitted]),
        "return-upload": reverse("commissioning:return-upload", args=[draft]),
        "return-csv": reverse("commissioning:return-csv", args=[draft]),
        "return-correct": reverse("commissioning:return-correct", args=[submitted]),
    }


MANAGERS = {"commissioner": 200, "administrator": 200, "provider": 403, "outsider": 403}
OWNERS = {"commissioner": 200, "administrator": 200, "provider": 200, "outsider": 404}
# What a return holds: not for an administrator who is not a commissioner.
READERS = {"commissioner": 200, "administrator": 403, "provider": 403, "outsider": 403}
RETURN_OWNERS = {"commissioner": 200, "administrator": 404, "provider": 200, "outsider": 404}

# What a GET returns, by kind of persona. Anonymous users are always sent to sign in.
GETS: dict[str, dict[str, int]] = {
    "dashboard": MANAGERS,
    "services": MANAGERS,
    "service-new": MANAGERS,
    "service-edit": MANAGERS,
    "contracts": MANAGERS,
    "contract-new": MANAGERS,
    "contract-edit": MANAGERS,
    "contract-close": MANAGERS,
    "contract-amend": MANAGERS,
    "targets": MANAGERS,
    "rollup": READERS,
    "exports": READERS,
    # Only commissioners review: administrators get no pass.
    "review": {"commissioner": 200, "administrator": 403, "provider": 403, "outsider": 403},
    "my-contracts": {"commissioner": 403, "administrator": 403, "provider": 200, "outsider": 403},
    "contract": OWNERS,
    "return": RETURN_OWNERS,
    "return-submitted": RETURN_OWNERS,
    "return-csv": RETURN_OWNERS,
    # Commissioners read a return but never correct it for the provider.
    "return-correct": {
        "commissioner": 403,
        "administrator": 404,
        "provider": 200,
        "outsider": 404,
    },
}


def post_data(w: World, personas) -> dict[str, dict]:
    measure_code = w.contract.measure_set.measures.filter(kind="count").first().code
    return {
        "service-new": {"name": "A service nobody asked for", "category": "other"},
        "contract-edit": {"reference": "HACKED-1"},
        "contract-activate": {},
        "contract-close": {"how": "terminated", "reason": "Hostile takeover"},
        "contract-amend": {
            "kind": "extension",
            "effective_on": "2026-10-01",
            "description": "Longer",
            "reason": "Because",
            "approved_by": "Nobody",
        },
        "targets": {f"t-{measure_code}-1": "10", f"t-{measure_code}-0": "40"},
        "review": {"action": "accept", "rating": "green", "comment": ""},
        "return": typed_form(submit=False),
        "return-submit": typed_form(submit=True),
        "return-upload": {"file": csv_file()},
        "return-correct": {"reason": "The figures are wrong."},
    }


# What a refused POST returns, by kind of persona; kinds not listed may do it (the
# provider's own POSTs are tested below). Anonymous users are always sent to sign in.
POSTS: dict[str, dict[str, int]] = {
    "service-new": {"provider": 403, "outsider": 403},
    "contract-edit": {"provider": 403, "outsider": 403},
    "contract-activate": {"provider": 403, "outsider": 403},
    "contract-close": {"provider": 403, "outsider": 403},
    "contract-amend": {"provider": 403, "outsider": 403},
    "targets": {"provider": 403, "outsider": 403},
    "review": {"administrator": 403, "provider": 403, "outsider": 403},
    "return": {"commissioner": 403, "administrator": 404, "outsider": 404},
    "return-submit": {"commissioner": 403, "administrator": 404, "outsider": 404},
    "return-upload": {"commissioner": 403, "administrator": 404, "outsider": 404},
    "return-correct": {"commissioner": 403, "administrator": 404, "outsider": 404},
}
POST_TO = {"return-submit": "return"}


def snapshot() -> dict:
    """Everything a commissioning POST could change."""
    return {
        "contracts": list(
            Contract.objects.order_by("pk").values_list(
                "pk", "reference", "status", "end_date", "activated_on"
            )
        ),
        "funding": list(ContractFunding.objects.order_by("pk").values_list("pk", "amount")),
        "amendments": ContractAmendment.objects.count(),
        "services": list(Service.objects.order_by("pk").values_list("pk", "name")),
        "targets": list(Target.objects.order_by("pk").values_list("pk", "value")),
        "returns": list(
            MonitoringReturn.objects.order_by("pk").values_list(
                "pk", "status", "version", "rating", "reviewed_by_id", "submitted_at"
            )
        ),
        "values": list(ReturnValue.objects.order_by("pk").values_list("pk", "value", "text")),
        "reviews": ReturnReview.objects.count(),
        "measure_comments": MeasureComment.objects.count(),
        "outbox": OutboxMessage.objects.count(),
    }


def rules(w: World, personas) -> list[Rule]:
    addresses = urls(w)
    gets = [Rule(name, addresses[name], by_role) for name, by_role in GETS.items()]
    posts = [
        Rule(name, addresses[POST_TO.get(name, name)], POSTS[name], method="POST", data=data)
        for name, data in post_data(w, personas).items()
    ]
    return gets + posts


@pytest.mark.parametrize("who", PERSONA_NAMES)
def test_each_persona_reaches_only_what_is_theirs(world, personas, client_for, who):
    failures = matrix_failures(
        client_for(personas.get(who)),
        who=who,
        role=ROLE_OF[who],
        rules=rules(world, personas),
        snapshot=snapshot,
    )
    assert failures == []


def test_anonymous_users_are_sent_to_sign_in(world, client_for):
    response = client_for(None).get(urls(world)["dashboard"])
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


# Provider B ---------------------------------------------------------------------------


def test_provider_b_gets_404_on_every_page_of_provider_a(
    world, personas, client_for, other_provider
):
    """Provider B's member: A's contract and returns do not exist for them, whatever they
    try; the review page is a 403 before any lookup (only commissioners review)."""
    _organisation, member = other_provider
    client = client_for(member)
    addresses = urls(world)
    before = snapshot()
    tried = {
        "GET contract": client.get(addresses["contract"]),
        "GET return": client.get(addresses["return"]),
        "GET submitted return": client.get(addresses["return-submitted"]),
        "POST return (save)": client.post(addresses["return"], typed_form(submit=False)),
        "POST return (submit)": client.post(addresses["return"], typed_form(submit=True)),
        "POST upload": client.post(addresses["return-upload"], {"file": csv_file()}),
        "GET CSV": client.get(addresses["return-csv"]),
        "GET correct": client.get(addresses["return-correct"]),
        "POST correct": client.post(addresses["return-correct"], {"reason": "Wrong"}),
    }
    codes = {name: response.status_code for name, response in tried.items()}
    assert codes == {name: 404 for name in codes}
    for response in tried.values():
        assert world.contract.reference not in response.content.decode()
    review = client.get(addresses["review"])
    assert review.status_code == 403
    accept = client.post(addresses["review"], {"action": "accept", "rating": "red", "comment": "x"})
    assert accept.status_code == 403
    # Nothing of A's changed: no figures on the draft, both returns as they were.
    assert snapshot() == before
    assert not ReturnValue.objects.filter(monitoring_return=world.draft).exists()
    assert MonitoringReturn.objects.get(pk=world.draft.pk).status == R.NOT_STARTED
    submitted = MonitoringReturn.objects.get(pk=world.submitted.pk)
    assert (submitted.status, submitted.rating) == (R.SUBMITTED, "")


def test_provider_b_sees_only_its_own_contracts(world, client_for, other_provider):
    """The 404s above are not B being locked out of everything: its own pages work."""
    client = client_for(other_provider[1])
    mine = client.get(reverse("commissioning:my-contracts"))
    assert mine.status_code == 200
    body = mine.content.decode()
    assert world.other_contract.reference in body
    assert world.contract.reference not in body
    page = client.get(reverse("commissioning:contract", args=[world.other_contract.uuid]))
    assert page.status_code == 200
    own = world.other_contract.returns.first()
    assert client.get(reverse("commissioning:return", args=[own.uuid])).status_code == 200


# Provider A ---------------------------------------------------------------------------


def test_the_provider_sees_saves_uploads_and_submits_its_own_return(world, personas, client_for):
    client = client_for(personas.provider)
    addresses = urls(world)
    assert client.get(addresses["contract"]).status_code == 200
    page = client.get(addresses["return"])
    assert page.status_code == 200
    assert page.context["editable"] is True
    assert not page.context["can_review"]

    saved = client.post(addresses["return"], typed_form(submit=False))
    assert saved.status_code == 302
    assert saved.url == addresses["return"]
    draft = MonitoringReturn.objects.get(pk=world.draft.pk)
    assert draft.status == R.DRAFT
    assert ReturnValue.objects.filter(monitoring_return=draft).exists()

    template = client.get(addresses["return-csv"])
    assert template.status_code == 200
    assert world.contract.reference in template["Content-Disposition"]
    uploaded = client.post(
        addresses["return-upload"],
        {"file": SimpleUploadedFile("q2.csv", body(template), "text/csv")},
    )
    assert uploaded.status_code == 302

    submitted = client.post(addresses["return"], typed_form(submit=True))
    assert submitted.status_code == 302
    assert submitted.url == reverse("commissioning:my-contracts")
    draft.refresh_from_db()
    assert (draft.status, draft.submitted_by) == (R.SUBMITTED, personas.provider)


def test_a_colleague_at_the_provider_can_write_the_return_too(world, personas, client_for):
    from tests.factories import MembershipFactory

    colleague = MembershipFactory(
        organisation=personas.provider_org, user__email="pip@example.org", role="member"
    ).user
    client = client_for(colleague)
    assert client.get(urls(world)["return"]).status_code == 200
    assert client.post(urls(world)["return"], typed_form()).status_code == 302
    assert MonitoringReturn.objects.get(pk=world.draft.pk).status == R.DRAFT


# Commissioners' powers are not the provider's ------------------------------------------


COMMISSIONER_PAGES = [
    "dashboard",
    "services",
    "service-new",
    "service-edit",
    "contracts",
    "contract-new",
    "contract-edit",
    "contract-close",
    "contract-amend",
    "targets",
    "rollup",
]


def test_providers_get_403_on_commissioner_pages(world, personas, client_for, other_provider):
    addresses = urls(world)
    for member in (personas.provider, other_provider[1]):
        client = client_for(member)
        for name in COMMISSIONER_PAGES:
            assert client.get(addresses[name]).status_code == 403, name
        assert client.post(addresses["contract-activate"]).status_code == 403


def test_providers_cannot_change_their_targets(world, personas, client_for):
    client = client_for(personas.provider)
    data = post_data(world, personas)["targets"]
    assert client.post(urls(world)["targets"], data).status_code == 403
    assert not Target.objects.filter(contract=world.contract).exists()
    # The commissioner can, with the same form.
    done = client_for(personas.commissioner).post(urls(world)["targets"], data)
    assert done.status_code == 302
    assert Target.objects.filter(contract=world.contract).count() == 2


def test_providers_cannot_change_their_contract(world, personas, client_for):
    client = client_for(personas.provider)
    before = snapshot()
    data = post_data(world, personas)
    for name in ("contract-edit", "contract-close", "contract-amend", "contract-activate"):
        assert client.post(urls(world)[name], data[name]).status_code == 403, name
    assert snapshot() == before
    assert Contract.objects.get(pk=world.contract.pk).status == Contract.Status.ACTIVE


@pytest.mark.parametrize("action", ["accept", "changes"])
def test_providers_cannot_review_or_rate_their_own_return(world, personas, client_for, action):
    client = client_for(personas.provider)
    before = snapshot()
    response = client.post(
        urls(world)["review"],
        {"action": action, "rating": "green", "comment": "Looks great to us"},
    )
    assert response.status_code == 403
    assert snapshot() == before
    submitted = MonitoringReturn.objects.get(pk=world.submitted.pk)
    assert (submitted.status, submitted.rating, submitted.reviewed_by) == (R.SUBMITTED, "", None)
    assert not ReturnReview.objects.exists()


def test_only_the_commissioner_reviews(world, personas, client_for):
    address = urls(world)["review"]
    data = {"action": "accept", "rating": "green", "comment": ""}
    assert client_for(personas.administrator).post(address, data).status_code == 403
    assert MonitoringReturn.objects.get(pk=world.submitted.pk).status == R.SUBMITTED
    response = client_for(personas.commissioner).post(address, data)
    assert response.status_code == 302
    accepted = MonitoringReturn.objects.get(pk=world.submitted.pk)
    assert (accepted.status, accepted.rating, accepted.reviewed_by) == (
        R.ACCEPTED,
        "green",
        personas.commissioner,
    )


def test_commissioners_cannot_write_a_providers_return(world, personas, client_for):
    client = client_for(personas.commissioner)
    addresses = urls(world)
    page = client.get(addresses["return"])
    assert page.status_code == 200
    assert page.context["editable"] is False
    before = snapshot()
    assert client.post(addresses["return"], typed_form(submit=False)).status_code == 403
    assert client.post(addresses["return"], typed_form(submit=True)).status_code == 403
    assert client.post(addresses["return-upload"], {"file": csv_file()}).status_code == 403
    assert snapshot() == before
    assert not ReturnValue.objects.filter(monitoring_return=world.draft).exists()
    assert MonitoringReturn.objects.get(pk=world.draft.pk).status == R.NOT_STARTED


@pytest.mark.parametrize("who", ["officer", "assessor", "decision_maker", "applicant_a"])
def test_other_staff_and_applicants_cannot_find_contracts_or_returns(
    world, personas, client_for, who
):
    client = client_for(personas.get(who))
    addresses = urls(world)
    for name in ("contract", "return", "return-submitted", "return-csv", "return-correct"):
        response = client.get(addresses[name])
        assert response.status_code == 404, name
        assert world.contract.reference not in response.content.decode()


def test_a_draft_contract_is_hidden_from_its_provider_until_active(personas, plan, client_for):
    draft = make_contract(
        provider=personas.provider_org,
        commissioner=personas.commissioner,
        plan=plan,
        reference="VS-DRAFT-09",
        active=False,
    )
    url = reverse("commissioning:contract", args=[draft.uuid])
    assert client_for(personas.provider).get(url).status_code == 404
    assert (
        "VS-DRAFT-09" not in client_for(personas.provider).get("/your-contracts/").content.decode()
    )
    assert client_for(personas.commissioner).get(url).status_code == 200
