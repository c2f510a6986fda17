"""Who reaches each page after the award, table-driven over every persona.

The group's members see and answer their grant; grants officers (and administrators) see
it and run the checks, payments and reviews but never answer for the group; everyone else
gets 404 on the group's things (nothing says they exist) and 403 on officers' pages.
A refused POST changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import OutboxMessage
from grants.models import (
    Application,
    Award,
    BankDetails,
    MonitoringEvidence,
    MonitoringReport,
    PaymentInstalment,
    SpendLine,
)
from grants.services import awards as award_services
from grants.services import monitoring as report_services
from tests.conftest import PERSONA_NAMES
from tests.grants.conftest import PDF, make_round
from tests.grants.test_acceptance_and_payments import (
    JPEG,
    accept_form,
    accepted_award,
    bare_award,
    enrich,
    payment_form,
)
from tests.grants.test_monitoring_reports import complete
from tests.personas import Rule, matrix_failures

ROLE_OF = {
    "anonymous": "anonymous",
    "applicant_a": "member",
    "colleague_a": "member",
    "applicant_b": "outsider",
    "provider": "outsider",
    "assessor": "outsider",
    "decision_maker": "outsider",
    "commissioner": "outsider",
    "performance_lead": "outsider",
    "officer": "officer",
    "administrator": "officer",
}
assert set(ROLE_OF) == set(PERSONA_NAMES)


@dataclass
class World:
    award: Award  # accepted; its current bank details wait for a check
    offer: Award  # the group's second grant, offered and not yet answered
    bank: BankDetails
    six_month: MonitoringReport  # a draft with one photo
    evidence: MonitoringEvidence
    final: MonitoringReport  # submitted, waiting for review


@pytest.fixture
def world(award, personas) -> World:
    award = accepted_award(enrich(award), personas, verify=False)
    six_month = award.reports.get(kind=MonitoringReport.Kind.SIX_MONTH)
    report_services.report_save(
        report=six_month, actor=personas.applicant_a, values={"case_study": "Draft story."}
    )
    evidence = report_services.report_evidence_add(
        report=six_month,
        actor=personas.applicant_a,
        uploaded=SimpleUploadedFile("team.jpg", JPEG, "image/jpeg"),
    )
    final = award.reports.get(kind=MonitoringReport.Kind.FINAL)
    result = report_services.report_save(
        report=final,
        actor=personas.applicant_a,
        values=complete(final, coaches="6000", venue="2000"),
        submit=True,
    )
    assert result.submitted, result.errors
    offer = bare_award(
        make_round(award.application.round.plan, number=71),
        status=Application.Status.OFFERED,
        accepted=False,
        instalments=[(award.instalments.first().due_date, "4000", None)],
    )
    Application.objects.filter(pk=offer.application_id).update(organisation=personas.org_a)
    return World(
        award=award,
        offer=Award.objects.get(pk=offer.pk),
        bank=award_services.current_bank_details(award),
        six_month=six_month,
        evidence=evidence,
        final=final,
    )


def urls(w: World) -> dict[str, str]:
    application = w.award.application.uuid
    return {
        "letter": reverse("grants:letter", args=[application]),
        "letter-pdf": reverse("grants:letter-pdf", args=[application]),
        "grant": reverse("grants:grant", args=[application]),
        "grant-accept": reverse("grants:grant-accept", args=[w.offer.application.uuid]),
        "grant-decline": reverse("grants:grant-decline", args=[w.offer.application.uuid]),
        "grant-bank": reverse("grants:grant-bank", args=[application]),
        "bank-evidence": reverse("grants:bank-evidence", args=[w.award.uuid, w.bank.uuid]),
        "report": reverse("grants:report", args=[w.six_month.uuid]),
        "report-evidence": reverse(
            "grants:report-evidence", args=[w.six_month.uuid, w.evidence.uuid]
        ),
        "report-evidence-add": reverse("grants:report-evidence-add", args=[w.six_month.uuid]),
        "report-evidence-remove": reverse(
            "grants:report-evidence-remove", args=[w.six_month.uuid, w.evidence.uuid]
        ),
        "report-review": reverse("grants:report-review", args=[w.final.uuid]),
        "bank-check": reverse("grants:bank-check", args=[w.award.uuid, w.bank.uuid]),
        "payment-record": reverse("grants:payment-record", args=[w.award.uuid, 1]),
        "payments-dashboard": reverse("grants:payments-dashboard"),
        "reports-dashboard": reverse("grants:reports-dashboard"),
        "award-detail": reverse("grants:award-detail", args=[w.award.uuid]),
    }


# What a GET returns, by kind of persona. Anonymous users are always sent to sign in.
GETS: dict[str, dict[str, int]] = {
    "letter": {"member": 200, "officer": 200, "outsider": 404},
    "letter-pdf": {"member": 200, "officer": 200, "outsider": 404},
    "grant": {"member": 200, "officer": 200, "outsider": 404},
    "grant-accept": {"member": 200, "officer": 403, "outsider": 404},
    "grant-decline": {"member": 200, "officer": 403, "outsider": 404},
    "grant-bank": {"member": 200, "officer": 200, "outsider": 404},
    "bank-evidence": {"member": 200, "officer": 200, "outsider": 404},
    "report": {"member": 200, "officer": 200, "outsider": 404},
    "report-evidence": {"member": 200, "officer": 200, "outsider": 404},
    "bank-check": {"member": 403, "officer": 200, "outsider": 403},
    "payment-record": {"member": 403, "officer": 200, "outsider": 403},
    "payments-dashboard": {"member": 403, "officer": 200, "outsider": 403},
    "reports-dashboard": {"member": 403, "officer": 200, "outsider": 403},
    "award-detail": {"member": 403, "officer": 200, "outsider": 403},
}
# Decision makers read the awards they made (but see the next test for what they see).
GET_EXCEPTIONS = {("award-detail", "decision_maker"): 200}


def post_data(w: World, personas) -> dict[str, dict]:
    return {
        "grant-accept": accept_form(),
        "grant-decline": {"reason": "We no longer need it."},
        "grant-bank": {
            "account_name": "Someone Else",
            "sort_code": "11-22-33",
            "account_number": "12345678",
            "evidence": SimpleUploadedFile("s.pdf", PDF, "application/pdf"),
        },
        "report": {
            **complete(w.six_month, coaches="6000", venue="2000"),
            "case_study": "Rewritten by someone else.",
            "submit": "1",
        },
        "report-evidence-add": {"file": SimpleUploadedFile("x.pdf", PDF, "application/pdf")},
        "report-evidence-remove": {},
        "report-review": {"decision": "accept", "note": "Fine"},
        "bank-check": {"decision": "verify"},
        "payment-record": payment_form(amount="5000", reference="HACK-1"),
    }


# What a refused POST returns, by kind of persona; kinds not listed may do it (tested in
# the other modules). Anonymous users are always sent to sign in.
POSTS: dict[str, dict[str, int]] = {
    "grant-accept": {"officer": 403, "outsider": 404},
    "grant-decline": {"officer": 403, "outsider": 404},
    "grant-bank": {"outsider": 404},
    "report": {"officer": 403, "outsider": 404},
    "report-evidence-add": {"officer": 403, "outsider": 404},
    "report-evidence-remove": {"officer": 403, "outsider": 404},
    "report-review": {"member": 403, "outsider": 403},
    "bank-check": {"member": 403, "outsider": 403},
    "payment-record": {"member": 403, "outsider": 403},
}


def snapshot() -> dict:
    """Everything a POST after the award could change."""
    return {
        "applications": list(
            Application.objects.order_by("pk").values_list("pk", "status", "organisation_id")
        ),
        "awards": list(
            Award.objects.order_by("pk").values_list(
                "pk", "accepted_at", "offer_declined_at", "signatory_name", "supplier_email"
            )
        ),
        "bank": list(
            BankDetails.objects.order_by("pk").values_list(
                "pk", "status", "checked_by_id", "account_number"
            )
        ),
        "instalments": list(
            PaymentInstalment.objects.order_by("pk").values_list(
                "pk", "paid_on", "paid_amount", "payment_reference"
            )
        ),
        "reports": list(
            MonitoringReport.objects.order_by("pk").values_list(
                "pk", "status", "case_study", "unsaved_input", "review_note", "beneficiaries"
            )
        ),
        "spend": list(SpendLine.objects.order_by("pk").values_list("pk", "spent")),
        "evidence": list(MonitoringEvidence.objects.order_by("pk").values_list("pk", flat=True)),
        "outbox": OutboxMessage.objects.count(),
    }


def _exceptions(name: str) -> dict[str, int]:
    return {who: code for (page, who), code in GET_EXCEPTIONS.items() if page == name}


def rules(w: World, personas) -> list[Rule]:
    addresses = urls(w)
    gets = [
        Rule(name, addresses[name], by_role, exceptions=_exceptions(name))
        for name, by_role in GETS.items()
    ]
    posts = [
        Rule(name, addresses[name], POSTS[name], method="POST", data=data)
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


def test_files_go_only_to_the_group_and_officers_and_are_never_cached(world, personas, client_for):
    addresses = urls(world)
    for who in ("colleague_a", "officer", "administrator"):
        client = client_for(personas.get(who))
        for name, content in (("bank-evidence", PDF), ("report-evidence", JPEG)):
            response = client.get(addresses[name])
            assert response.status_code == 200
            assert b"".join(response.streaming_content) == content
            assert response["Cache-Control"] == "private, no-store"
            assert response["X-Content-Type-Options"] == "nosniff"
            assert "attachment" in response["Content-Disposition"]


def test_the_group_cannot_reach_files_through_another_award_or_report(world, personas, client_for):
    """The file's own award/report is in the address: mixing one group's ids is a 404."""
    client = client_for(personas.applicant_a)
    assert (
        client.get(
            reverse("grants:bank-evidence", args=[world.offer.uuid, world.bank.uuid])
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse("grants:report-evidence", args=[world.final.uuid, world.evidence.uuid])
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("grants:report-evidence-remove", args=[world.final.uuid, world.evidence.uuid])
        ).status_code
        == 302
    )
    assert MonitoringEvidence.objects.filter(pk=world.evidence.pk).exists()


def test_org_b_cannot_reach_org_a_grant_by_guessing(world, personas, client_for):
    """Org B's own grant page works; org A's is a 404 and says nothing about it."""
    client = client_for(personas.applicant_b)
    response = client.get(urls(world)["grant"])
    assert response.status_code == 404
    assert world.award.reference not in response.content.decode()


@pytest.mark.parametrize("who", ["decision_maker", "commissioner", "assessor"])
def test_staff_outside_grants_see_no_bank_details_or_reports(world, personas, client_for, who):
    client = client_for(personas.get(who))
    addresses = urls(world)
    for name in ("bank-evidence", "report", "report-evidence", "grant"):
        assert client.get(addresses[name]).status_code == 404
    for name in ("payments-dashboard", "reports-dashboard", "bank-check"):
        assert client.get(addresses[name]).status_code == 403


def test_a_decision_maker_reading_an_award_sees_no_bank_details(world, personas, client_for):
    response = client_for(personas.decision_maker).get(urls(world)["award-detail"])
    assert response.status_code == 200
    body = response.content.decode()
    assert world.award.reference in body
    assert world.bank.account_number not in body
    assert world.bank.sort_code_display not in body
    assert urls(world)["bank-evidence"] not in body
