"""After the award: the group accepts (or declines) online, a second person checks the bank
details, and officers record payments against the schedule."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from accounts.roles import Role
from core.errors import NotAllowed
from core.models import OutboxMessage, StatusChange
from grants import services
from grants.models import (
    Application,
    Award,
    BankDetails,
    BudgetLine,
    MonitoringReport,
    Pot,
)
from grants.selectors.panel import ranking_for_round
from grants.services import awards as award_services
from grants.services.awards import AcceptanceInput, BankInput
from grants.services.panel import InstalmentInput
from tests.factories import AwardFactory, OrganisationFactory, UserFactory, pdf_of_size
from tests.grants.conftest import (
    PDF,
    eligible_application,
    score_all,
)

S = Application.Status
LONDON = ZoneInfo("Europe/London")

# The first bytes of each kind of file, as the upload sniffer sees them.
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 48


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def upload(name: str = "statement.pdf", content: bytes = PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type)


# ---------------------------------------------------------------------------------------
# Helpers shared with the other after-award test modules.

BANK_FIELDS = ("account_name", "sort_code", "account_number", "evidence")


def acceptance(**overrides) -> AcceptanceInput:
    """A complete acceptance, with any field overridden."""
    bank = {
        "account_name": "Org A Youth Project",
        "sort_code": "30-94-57",
        "account_number": "00733445",
        "evidence": upload(),
    }
    values = {
        "signatory_name": "Alice Example",
        "signatory_position": "Chair",
        "terms_accepted": True,
        "supplier_name": "Org A Youth Project",
        "supplier_address": "1 Street, Leeds LS1 1AA",
        "supplier_email": "treasurer@example.org",
    }
    for key, value in overrides.items():
        (bank if key in BANK_FIELDS else values)[key] = value
    return AcceptanceInput(bank=BankInput(**bank), **values)


def bank_input(**overrides) -> BankInput:
    return acceptance(**{k: v for k, v in overrides.items() if k in BANK_FIELDS}).bank


def accept(award: Award, actor, **overrides) -> Award:
    return award_services.award_accept(award=award, actor=actor, data=acceptance(**overrides))


def another_officer(email: str = "owen@example.org"):
    return UserFactory(email=email, roles=[Role.GRANTS_OFFICER])


def verify_current(award: Award, officer) -> BankDetails:
    details = award_services.current_bank_details(award)
    return award_services.bank_details_verify(details=details, actor=officer)


def pay(award: Award, officer, position: int = 1, *, paid_on=None, amount=None, reference="PAY-1"):
    instalment = award.instalments.get(position=position)
    return award_services.payment_record(
        instalment=instalment,
        actor=officer,
        paid_on=paid_on or timezone.localdate(),
        amount=instalment.amount if amount is None else amount,
        reference=reference,
    )


def quiet_outbox() -> None:
    """Mark the award letter (queued when the award was made) as sent, so the only emails a
    test sees are the ones it causes."""
    OutboxMessage.objects.filter(sent_at__isnull=True).update(sent_at=timezone.now())


def enrich(award: Award) -> Award:
    """Give the award two budget lines (£6,000 coaches, £2,000 venue) and two outcomes."""
    application = award.application
    application.budget_lines.filter(description="Coaches").update(amount=Decimal("6000"))
    BudgetLine.objects.create(
        application=application,
        description="Venue hire",
        category=BudgetLine.Category.VENUE,
        amount=Decimal("2000"),
        position=2,
    )
    award.outcomes.set(award.plan.outcomes.order_by("code")[:2])
    return Award.objects.get(pk=award.pk)


def accepted_award(award: Award, personas, *, verify: bool = True) -> Award:
    """The group has accepted and (by default) an officer has verified the bank details."""
    quiet_outbox()
    accept(award, personas.applicant_a)
    if verify:
        verify_current(award, personas.officer)
    return Award.objects.get(pk=award.pk)


def bare_award(
    round,
    *,
    status: str,
    instalments: list[tuple[dt.date, str, dt.date | None]] = (),
    reference: str | None = None,
    accepted: bool = True,
) -> Award:
    """An award on a new group's bid, made straight in the database (cheap, for lists):
    `instalments` are (due date, amount, paid on or None)."""
    count = Application.objects.count()
    reference = reference or f"{round.reference_prefix}-{9000 + count}"
    return AwardFactory(
        reference=reference,
        application__round=round,
        application__organisation=OrganisationFactory(name=f"Listed Group {count}"),
        application__status=status,
        application__reference=reference,
        application__project_title=f"Listed project {count}",
        application__pot=round.pots.order_by("position").last(),
        application__amount_requested=Decimal("4000"),
        application__primary_priority=round.plan.priorities.order_by("code").first(),
        application__start_date=dt.date(2027, 1, 1),
        application__end_date=dt.date(2027, 12, 31),
        application__budget_lines=[],
        application__documents=[],
        accepted_at=timezone.now() if accepted else None,
        instalments=list(instalments),
    )


def accept_form(**overrides) -> dict:
    """The acceptance page's fields, as the browser posts them."""
    data = {
        "signatory_name": "Alice Example",
        "signatory_position": "Chair",
        "supplier_name": "Org A Youth Project",
        "supplier_address": "1 Street, Leeds LS1 1AA",
        "supplier_email": "treasurer@example.org",
        "account_name": "Org A Youth Project",
        "sort_code": "30-94-57",
        "account_number": "00733445",
        "terms_accepted": "on",
        "evidence": upload(),
        "public_title": "Gloves Up, Knives Down",
        "public_summary": "Boxing sessions and mentoring for young people in the evenings.",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def payment_form(day: dt.date | None = None, **overrides) -> dict:
    day = day or timezone.localdate()
    data = {
        "paid_on_day": str(day.day),
        "paid_on_month": str(day.month),
        "paid_on_year": str(day.year),
        "amount": "5000",
        "reference": "PAY-1",
    }
    data.update(overrides)
    return data


def nothing_accepted(award: Award, status=S.APPROVED) -> None:
    award.refresh_from_db()
    assert award.accepted_at is None and not award.terms_accepted
    assert award.signatory_name == "" and award.supplier_email == ""
    assert Application.objects.get(pk=award.application_id).status == status
    assert not BankDetails.objects.filter(award=award).exists()
    assert not MonitoringReport.objects.filter(award=award).exists()


@pytest.fixture
def rich_award(award) -> Award:
    return enrich(award)


# ---------------------------------------------------------------------------------------
# Accepting


def test_accepting_records_who_accepted_and_creates_the_two_reports(rich_award, personas):
    award = rich_award
    accept(award, personas.colleague_a, sort_code="30 94 57", account_number="733445")
    award.refresh_from_db()
    assert award.accepted_by == personas.colleague_a and award.accepted_at is not None
    assert (award.signatory_name, award.signatory_position) == ("Alice Example", "Chair")
    assert award.terms_accepted
    assert award.supplier_name == "Org A Youth Project"
    assert award.supplier_address == "1 Street, Leeds LS1 1AA"
    assert award.supplier_email == "treasurer@example.org"
    application = Application.objects.get(pk=award.application_id)
    assert application.status == S.ACCEPTED
    change = StatusChange.objects.filter(object_id=application.pk).order_by("pk").last()
    assert (change.from_status, change.to_status, change.actor) == (
        S.APPROVED,
        S.ACCEPTED,
        personas.colleague_a,
    )
    assert "Alice Example, Chair" in change.reason

    details = BankDetails.objects.get(award=award)
    assert details.status == BankDetails.Status.PENDING
    assert details.entered_by == personas.colleague_a
    # Spaces and dashes go; a 6-digit account number is padded to 8.
    assert (details.sort_code, details.account_number) == ("309457", "00733445")
    assert details.sort_code_display == "30-94-57"
    assert details.account_number_masked == "••••3445"
    assert details.evidence_type == "application/pdf"
    assert details.evidence_name == "statement.pdf"
    assert details.evidence_size == len(PDF)
    with details.evidence.open("rb") as stored:
        assert stored.read() == PDF

    reports = list(award.reports.order_by("due_date"))
    assert [(r.kind, r.due_date) for r in reports] == [
        (MonitoringReport.Kind.SIX_MONTH, award.monitoring_due_dates[0][1]),
        (MonitoringReport.Kind.FINAL, award.monitoring_due_dates[1][1]),
    ]
    lines = set(award.application.budget_lines.values_list("pk", flat=True))
    outcomes = set(award.outcomes.values_list("pk", flat=True))
    assert len(lines) == 2 and len(outcomes) == 2
    for report in reports:
        assert report.status == MonitoringReport.Status.NOT_STARTED
        assert set(report.spend.values_list("budget_line_id", flat=True)) == lines
        assert set(report.outcome_progress.values_list("outcome_id", flat=True)) == outcomes
        assert not report.spend.exclude(spent=None).exists()


def test_the_report_due_dates_are_six_months_in_and_a_month_after_the_end(award):
    award.planned_start = dt.date(2027, 8, 31)
    award.planned_end = dt.date(2028, 1, 31)
    assert award.monitoring_due_dates == [
        ("6-month report", dt.date(2028, 2, 29)),
        ("End-of-grant report", dt.date(2028, 2, 29)),
    ]
    award.planned_start, award.planned_end = dt.date(2027, 4, 1), dt.date(2028, 3, 31)
    assert [due for _, due in award.monitoring_due_dates] == [
        dt.date(2027, 10, 1),
        dt.date(2028, 4, 30),
    ]


@pytest.mark.parametrize(
    ("override", "field", "message"),
    [
        ({"signatory_name": "  "}, "signatory_name", "Enter the full name of the person"),
        ({"signatory_position": ""}, "signatory_position", "Enter their position in the group"),
        ({"terms_accepted": False}, "terms_accepted", "Confirm that the group accepts"),
        ({"supplier_name": " "}, "supplier_name", "Enter the name payments should be made to"),
        ({"supplier_address": ""}, "supplier_address", "Enter the address for remittance"),
        ({"supplier_email": "treasurer"}, "supplier_email", "Enter an email address"),
        ({"supplier_email": ""}, "supplier_email", "like treasurer@example.org"),
        ({"account_name": "  "}, "account_name", "Enter the name on the account"),
        ({"sort_code": "30-94-5"}, "sort_code", "Enter the sort code as 6 digits"),
        ({"sort_code": "30-94-577"}, "sort_code", "6 digits, like 30-94-57"),
        ({"sort_code": "ab-cd-ef"}, "sort_code", "6 digits"),
        ({"account_number": "12345"}, "account_number", "6 to 8 digits"),
        ({"account_number": "123456789"}, "account_number", "6 to 8 digits"),
        ({"account_number": "0073344x"}, "account_number", "6 to 8 digits"),
        ({"evidence": None}, "evidence", "Upload a bank statement or paying-in slip"),
    ],
)
def test_acceptance_needs_every_field_and_says_what_is_wrong(
    award, personas, override, field, message
):
    with pytest.raises(ValidationError) as raised:
        accept(award, personas.applicant_a, **override)
    errors = raised.value.message_dict
    assert list(errors) == [field]
    assert message in errors[field][0]
    nothing_accepted(award)


def test_every_problem_is_listed_at_once(award, personas):
    data = AcceptanceInput(
        signatory_name="",
        signatory_position="",
        terms_accepted=False,
        supplier_name="",
        supplier_address="",
        supplier_email="",
        bank=BankInput(account_name="", sort_code="", account_number="", evidence=None),
    )
    with pytest.raises(ValidationError) as raised:
        award_services.award_accept(award=award, actor=personas.applicant_a, data=data)
    assert set(raised.value.message_dict) == {
        "signatory_name",
        "signatory_position",
        "terms_accepted",
        "supplier_name",
        "supplier_address",
        "supplier_email",
        "account_name",
        "sort_code",
        "account_number",
        "evidence",
    }
    nothing_accepted(award)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.pdf", EXE, "is not a PDF, Word document (.docx), JPEG or PNG"),
        ("statement.pdf", b"", "is empty"),
        ("statement.docx", b"PK\x03\x04not really a zip", "is not a PDF"),
        ("huge.pdf", PDF + b"0" * (10 * 1024 * 1024), "each file must be 10 MB or smaller"),
    ],
    ids=["program-renamed-pdf", "empty", "fake-docx", "over-10-mb"],
)
def test_bank_evidence_is_checked_by_what_it_contains(award, personas, name, content, message):
    with pytest.raises(ValidationError) as raised:
        accept(award, personas.applicant_a, evidence=upload(name, content))
    assert list(raised.value.message_dict) == ["evidence"]
    assert message in raised.value.message_dict["evidence"][0]
    assert f"“{name}”" in raised.value.message_dict["evidence"][0]
    nothing_accepted(award)


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("statement.pdf", PDF, "application/pdf"),
        (
            "statement.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("slip.jpg", JPEG, "image/jpeg"),
        ("slip.png", PNG, "image/png"),
        # The name does not matter: the content does.
        ("scan.txt", PNG, "image/png"),
    ],
    ids=["pdf", "docx", "jpeg", "png", "png-named-txt"],
)
def test_bank_evidence_may_be_a_pdf_word_jpeg_or_png(award, personas, name, content, content_type):
    accept(award, personas.applicant_a, evidence=upload(name, content, "text/plain"))
    details = BankDetails.objects.get(award=award)
    assert details.evidence_type == content_type
    assert details.evidence_name == name


def test_evidence_of_exactly_10_mb_is_accepted(award, personas):
    content = pdf_of_size(10 * 1024 * 1024)
    accept(award, personas.applicant_a, evidence=upload("big.pdf", content))
    assert BankDetails.objects.get(award=award).evidence_size == 10 * 1024 * 1024


@pytest.mark.parametrize("who", ["applicant_b", "provider", "officer", "administrator"])
def test_only_a_member_of_the_group_can_accept(award, personas, who):
    with pytest.raises(NotAllowed, match="Only a member of the group"):
        accept(award, personas.get(who))
    nothing_accepted(award)


def test_accepting_twice_is_refused(award, personas):
    accept(award, personas.applicant_a)
    with pytest.raises(NotAllowed, match="cannot be accepted: it is accepted"):
        accept(award, personas.colleague_a, signatory_name="Colin Other")
    award.refresh_from_db()
    assert award.signatory_name == "Alice Example" and award.accepted_by == personas.applicant_a
    assert BankDetails.objects.filter(award=award).count() == 1
    assert award.reports.count() == 2
    with pytest.raises(NotAllowed, match="cannot be declined: it is accepted"):
        award_services.award_decline_offer(
            award=award, actor=personas.applicant_a, reason="Changed our minds"
        )
    assert Application.objects.get(pk=award.application_id).status == S.ACCEPTED


def test_an_offer_already_sent_can_still_be_accepted(award, personas):
    Application.objects.filter(pk=award.application_id).update(status=S.OFFERED)
    accept(award, personas.applicant_a)
    assert Application.objects.get(pk=award.application_id).status == S.ACCEPTED


# Accepting through the page


def test_the_acceptance_page_keeps_what_was_typed_and_explains_each_problem(
    award, client_for, personas
):
    client = client_for(personas.applicant_a)
    url = reverse("grants:grant-accept", args=[award.application.uuid])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        accept_form(
            signatory_name="Alice Example",
            signatory_position="Treasurer",
            supplier_address="2 Other Road\nBradford BD1 1AA",
            supplier_email="not an email",
            account_name="Org A Youth Project Ltd",
            sort_code="12",
            account_number="0073",
            terms_accepted=None,
        ),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    for message in (
        "Confirm that the group accepts the grant",
        "Enter an email address for remittance advice",
        "Enter the sort code as 6 digits, like 30-94-57.",
        "Enter the account number: 6 to 8 digits",
    ):
        assert message in body
    for typed in (
        'value="Alice Example"',
        'value="Treasurer"',
        "2 Other Road\nBradford BD1 1AA",
        'value="not an email"',
        'value="Org A Youth Project Ltd"',
        'value="12"',
        'value="0073"',
    ):
        assert typed in body
    nothing_accepted(award)


def test_the_acceptance_page_refuses_a_renamed_program_in_plain_words(award, client_for, personas):
    client = client_for(personas.applicant_a)
    response = client.post(
        reverse("grants:grant-accept", args=[award.application.uuid]),
        accept_form(evidence=upload("statement.pdf", EXE), signatory_position="Secretary"),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "“statement.pdf” is not a PDF, Word document (.docx), JPEG or PNG" in body
    assert 'value="Secretary"' in body
    nothing_accepted(award)


def test_a_blank_acceptance_page_says_in_plain_words_what_to_enter(award, client_for, personas):
    client = client_for(personas.applicant_a)
    response = client.post(
        reverse("grants:grant-accept", args=[award.application.uuid]),
        {"signatory_name": "", "sort_code": ""},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Enter the full name of the person accepting for the group" in body
    assert "Enter the sort code as 6 digits" in body
    assert "Upload a bank statement or paying-in slip" in body
    nothing_accepted(award)


def test_accepting_through_the_page_then_the_offer_is_answered(award, client_for, personas):
    client = client_for(personas.applicant_a)
    url = reverse("grants:grant-accept", args=[award.application.uuid])
    response = client.post(url, accept_form())
    assert response.status_code == 302
    assert response.url == reverse("grants:grant", args=[award.application.uuid])
    assert Application.objects.get(pk=award.application_id).status == S.ACCEPTED
    page = client.get(response.url).content.decode()
    assert "Accepted on" in page and "Alice Example, Chair" in page
    # The group sees its account number masked.
    assert "••••3445" in page and "00733445" not in page
    # The offer is answered: accepting again sends the group back to its grant, and
    # declining now is refused in words.
    again = client.post(url, accept_form(signatory_name="Someone Else"), follow=True)
    assert "This offer has already been answered." in again.content.decode()
    assert BankDetails.objects.filter(award=award).count() == 1
    assert Award.objects.get(pk=award.pk).signatory_name == "Alice Example"
    response = client.post(
        reverse("grants:grant-decline", args=[award.application.uuid]), {"reason": "Too late"}
    )
    assert response.status_code == 200
    assert "cannot be declined: it is accepted" in response.content.decode()
    assert Application.objects.get(pk=award.application_id).status == S.ACCEPTED


# ---------------------------------------------------------------------------------------
# Declining the offer


def test_declining_needs_a_reason(award, personas):
    with pytest.raises(ValidationError) as raised:
        award_services.award_decline_offer(award=award, actor=personas.applicant_a, reason="  ")
    assert "Tell us why the group is declining" in raised.value.message_dict["reason"][0]
    award.refresh_from_db()
    assert award.offer_declined_at is None
    assert Application.objects.get(pk=award.application_id).status == S.APPROVED


@pytest.mark.parametrize("who", ["applicant_b", "officer", "decision_maker"])
def test_only_a_member_of_the_group_can_decline(award, personas, who):
    with pytest.raises(NotAllowed, match="Only a member of the group can decline"):
        award_services.award_decline_offer(award=award, actor=personas.get(who), reason="No")
    award.refresh_from_db()
    assert award.offer_declined_at is None
    assert Application.objects.get(pk=award.application_id).status == S.APPROVED


def test_declining_frees_the_money_in_the_pot(award, personas):
    [before] = [r for r in ranking_for_round(round=award.application.round) if r.rows]
    assert before.within_total == Decimal("8000")
    award_services.award_decline_offer(
        award=award, actor=personas.colleague_a, reason="  We lost our venue.  "
    )
    award.refresh_from_db()
    assert award.offer_declined_at is not None
    assert award.offer_declined_reason == "We lost our venue."
    application = Application.objects.get(pk=award.application_id)
    assert application.status == S.OFFER_DECLINED
    rankings = ranking_for_round(round=application.round)
    pot = next(r for r in rankings if r.pot.pk == application.pot_id)
    assert pot.within_total == Decimal(0)
    assert application.pk not in [row.key.pk for row in pot.rows]
    assert pot.remaining == pot.pot.budget
    # Nothing will be paid on a declined grant: its schedule is closed and it cannot be accepted.
    with pytest.raises(NotAllowed, match="declined this grant"):
        services.award_schedule_set(
            award=award,
            actor=personas.officer,
            instalments=[InstalmentInput(dt.date(2027, 4, 1), Decimal("8000"))],
        )
    with pytest.raises(NotAllowed, match="cannot be accepted: it is offer declined"):
        accept(award, personas.applicant_a)


def test_a_declined_offer_lets_a_reserve_bid_into_the_budget(
    scoring_round, personas, second_assessor
):
    pot = scoring_round.pots.get(name="Pot 2")
    Pot.objects.filter(pk=pot.pk).update(budget=Decimal("10000"))

    def assessed(organisation, user, amount, scores):
        application = eligible_application(
            scoring_round, organisation, user, amount=Decimal(amount), officer=personas.officer
        )
        for assessor in (personas.assessor, second_assessor):
            score_all(
                services.assessment_assign(
                    application=application, assessor=assessor, actor=personas.officer
                ),
                scores,
            )
        return Application.objects.get(pk=application.pk)

    first = assessed(personas.org_a, personas.applicant_a, "8000", [4, 4, 4, 4])
    reserve = assessed(personas.org_b, personas.applicant_b, "6000", [2, 2, 2, 2])
    services.application_mark(application=first, actor=personas.officer, mark="recommended")
    services.application_mark(application=reserve, actor=personas.officer, mark="reserve")
    panel = services.panel_freeze(round=scoring_round, actor=personas.officer)
    award = services.panel_item_approve(
        item=panel.items.get(application=first), actor=personas.decision_maker
    )

    def pot_ranking():
        return next(r for r in ranking_for_round(round=scoring_round) if r.pot.pk == pot.pk)

    ranking = pot_ranking()
    assert ranking.within_total == Decimal("8000")
    assert {row.key.pk: row.within_budget for row in ranking.rows} == {
        first.pk: True,
        reserve.pk: False,
    }
    award_services.award_decline_offer(
        award=award, actor=personas.applicant_a, reason="The project cannot go ahead."
    )
    ranking = pot_ranking()
    assert ranking.within_total == Decimal("6000")
    assert {row.key.pk: row.within_budget for row in ranking.rows} == {reserve.pk: True}
    reserve_award = services.panel_item_approve(
        item=panel.items.get(application=reserve), actor=personas.decision_maker
    )
    assert reserve_award.amount == Decimal("6000")
    assert Application.objects.get(pk=reserve.pk).status == S.APPROVED


def test_declining_through_the_page(award, client_for, personas):
    client = client_for(personas.applicant_a)
    url = reverse("grants:grant-decline", args=[award.application.uuid])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "   "})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert Application.objects.get(pk=award.application_id).status == S.APPROVED
    response = client.post(url, {"reason": "Our coach moved away."})
    assert response.status_code == 302
    assert Application.objects.get(pk=award.application_id).status == S.OFFER_DECLINED
    page = client.get(reverse("grants:grant", args=[award.application.uuid])).content.decode()
    assert "The group declined this grant" in page and "Our coach moved away." in page
    assert reverse("grants:grant-accept", args=[award.application.uuid]) not in page
    officer = client_for(personas.officer)
    page = officer.get(reverse("grants:award-detail", args=[award.uuid])).content.decode()
    assert "is back in the pot" in page


# ---------------------------------------------------------------------------------------
# Checking bank details: never by the person who entered them


def test_an_officer_cannot_verify_bank_details_they_entered(award, personas):
    accept(award, personas.applicant_a)
    first = award_services.current_bank_details(award)
    award_services.bank_details_reject(
        details=first, actor=personas.officer, reason="The statement shows another account."
    )
    replacement = award_services.bank_details_replace(
        award=award,
        actor=personas.officer,
        bank=bank_input(account_number="12345678", evidence=upload("new.pdf")),
    )
    assert replacement.entered_by == personas.officer
    assert award_services.current_bank_details(award) == replacement
    for check in (
        lambda: award_services.bank_details_verify(details=replacement, actor=personas.officer),
        lambda: award_services.bank_details_reject(
            details=replacement, actor=personas.officer, reason="Wrong"
        ),
    ):
        with pytest.raises(NotAllowed, match="You entered these bank details"):
            check()
    replacement.refresh_from_db()
    assert replacement.status == BankDetails.Status.PENDING and replacement.checked_by is None
    other = another_officer()
    award_services.bank_details_verify(details=replacement, actor=other)
    replacement.refresh_from_db()
    assert replacement.status == BankDetails.Status.VERIFIED
    assert replacement.checked_by == other and replacement.checked_at is not None


def test_the_database_refuses_a_check_by_the_person_who_entered_them(award, personas):
    accept(award, personas.applicant_a)
    details = award_services.current_bank_details(award)
    with pytest.raises(IntegrityError), transaction.atomic():
        BankDetails.objects.filter(pk=details.pk).update(checked_by=personas.applicant_a)


def test_an_officer_who_belongs_to_the_group_cannot_check_its_bank_details(award, personas):
    accept(award, personas.applicant_a)
    member_officer = another_officer("mo@example.org")
    Membership.objects.create(
        user=member_officer, organisation=personas.org_a, role=Membership.Role.MEMBER
    )
    details = award_services.current_bank_details(award)
    with pytest.raises(NotAllowed, match="You belong to Org A Youth Project"):
        award_services.bank_details_verify(details=details, actor=member_officer)
    with pytest.raises(NotAllowed, match="You belong to Org A Youth Project"):
        award_services.bank_details_reject(details=details, actor=member_officer, reason="No")
    details.refresh_from_db()
    assert details.status == BankDetails.Status.PENDING


@pytest.mark.parametrize("who", ["applicant_a", "colleague_a", "decision_maker", "assessor"])
def test_only_officers_check_bank_details(award, personas, who):
    accept(award, personas.applicant_a)
    details = award_services.current_bank_details(award)
    with pytest.raises(NotAllowed, match="Only grants officers"):
        award_services.bank_details_verify(details=details, actor=personas.get(who))
    details.refresh_from_db()
    assert details.status == BankDetails.Status.PENDING


def test_rejecting_bank_details_needs_a_reason_the_group_then_sees(award, personas, client_for):
    accept(award, personas.applicant_a)
    details = award_services.current_bank_details(award)
    with pytest.raises(ValidationError) as raised:
        award_services.bank_details_reject(details=details, actor=personas.officer, reason=" ")
    assert "Say what does not match" in raised.value.message_dict["reason"][0]
    details.refresh_from_db()
    assert details.status == BankDetails.Status.PENDING and details.checked_by is None
    award_services.bank_details_reject(
        details=details, actor=personas.officer, reason="The name on the statement differs."
    )
    details.refresh_from_db()
    assert details.status == BankDetails.Status.REJECTED
    assert details.rejection_reason == "The name on the statement differs."
    assert details.checked_by == personas.officer
    page = client_for(personas.applicant_a).get(
        reverse("grants:grant", args=[award.application.uuid])
    )
    body = page.content.decode()
    assert "The name on the statement differs." in body and "Give new bank details" in body
    with pytest.raises(NotAllowed, match="already rejected"):
        award_services.bank_details_verify(details=details, actor=another_officer())


def test_only_the_newest_bank_details_can_be_checked(award, personas):
    accept(award, personas.applicant_a)
    older = award_services.current_bank_details(award)
    newer = award_services.bank_details_replace(
        award=award, actor=personas.colleague_a, bank=bank_input(sort_code="40-11-22")
    )
    assert newer.entered_at >= older.entered_at
    with pytest.raises(NotAllowed, match="Newer bank details have been entered"):
        award_services.bank_details_verify(details=older, actor=personas.officer)
    with pytest.raises(NotAllowed, match="Newer bank details have been entered"):
        award_services.bank_details_reject(details=older, actor=personas.officer, reason="Old")
    older.refresh_from_db()
    assert older.status == BankDetails.Status.PENDING
    award_services.bank_details_verify(details=newer, actor=personas.officer)
    assert award_services.current_bank_details(award).status == BankDetails.Status.VERIFIED
    pay(award, personas.officer)  # verified current details: payment allowed


def test_details_entered_in_the_same_instant_are_told_apart(award, personas):
    with time_machine.travel(timezone.now(), tick=False):
        accept(award, personas.applicant_a)
        older = award_services.current_bank_details(award)
        newer = award_services.bank_details_replace(
            award=award, actor=personas.colleague_a, bank=bank_input(sort_code="40-11-22")
        )
    assert award_services.current_bank_details(award) == newer
    with pytest.raises(NotAllowed, match="Newer bank details have been entered"):
        award_services.bank_details_verify(details=older, actor=personas.officer)


def test_bank_details_already_verified_are_not_checked_again(award, personas):
    accept(award, personas.applicant_a)
    details = verify_current(award, personas.officer)
    with pytest.raises(NotAllowed, match="already verified"):
        award_services.bank_details_reject(
            details=details, actor=another_officer(), reason="Second thoughts"
        )
    details.refresh_from_db()
    assert details.status == BankDetails.Status.VERIFIED
    assert details.checked_by == personas.officer


def test_new_bank_details_need_an_accepted_grant_and_valid_details(award, personas):
    with pytest.raises(NotAllowed, match="given when the grant is accepted"):
        award_services.bank_details_replace(
            award=award, actor=personas.applicant_a, bank=bank_input()
        )
    accept(award, personas.applicant_a)
    with pytest.raises(ValidationError) as raised:
        award_services.bank_details_replace(
            award=award, actor=personas.applicant_a, bank=bank_input(sort_code="1", evidence=None)
        )
    assert set(raised.value.message_dict) == {"sort_code", "evidence"}
    with pytest.raises(NotAllowed, match="Only the group's members or grants officers"):
        award_services.bank_details_replace(
            award=award, actor=personas.applicant_b, bank=bank_input()
        )
    assert BankDetails.objects.filter(award=award).count() == 1


def test_the_bank_check_page_refuses_the_person_who_entered_the_details(
    award, personas, client_for
):
    accept(award, personas.applicant_a)
    award_services.bank_details_reject(
        details=award_services.current_bank_details(award),
        actor=personas.officer,
        reason="Blurred statement",
    )
    client = client_for(personas.officer)
    response = client.post(
        reverse("grants:grant-bank", args=[award.application.uuid]),
        {
            "account_name": "Org A Youth Project",
            "sort_code": "30-94-57",
            "account_number": "00733445",
            "evidence": upload("clear.pdf"),
        },
    )
    assert response.status_code == 302
    details = award_services.current_bank_details(award)
    assert details.entered_by == personas.officer
    url = reverse("grants:bank-check", args=[award.uuid, details.uuid])
    response = client.post(url, {"decision": "verify"})
    assert response.status_code == 200
    assert "You entered these bank details, so another person must check them." in (
        response.content.decode()
    )
    details.refresh_from_db()
    assert details.status == BankDetails.Status.PENDING
    response = client_for(another_officer()).post(url, {"decision": "reject", "reason": ""})
    assert response.status_code == 200
    assert "Say what does not match" in response.content.decode()
    details.refresh_from_db()
    assert details.status == BankDetails.Status.PENDING
    response = client_for(another_officer("third@example.org")).post(url, {"decision": "verify"})
    assert response.status_code == 302
    details.refresh_from_db()
    assert details.status == BankDetails.Status.VERIFIED


# ---------------------------------------------------------------------------------------
# Payments


def test_nothing_is_paid_before_the_group_accepts(award, personas):
    with pytest.raises(NotAllowed, match="has not accepted this grant yet"):
        pay(award, personas.officer)
    assert not award.instalments.exclude(paid_on=None).exists()


def test_nothing_is_paid_until_a_second_person_verifies_the_bank_details(award, personas):
    accept(award, personas.applicant_a)
    with pytest.raises(NotAllowed, match="checked by a second person before a payment"):
        pay(award, personas.officer)
    award_services.bank_details_reject(
        details=award_services.current_bank_details(award),
        actor=personas.officer,
        reason="Wrong account",
    )
    with pytest.raises(NotAllowed, match="checked by a second person"):
        pay(award, personas.officer)
    # New details, entered but not yet checked: still refused.
    award_services.bank_details_replace(
        award=award, actor=personas.applicant_a, bank=bank_input(account_number="11112222")
    )
    with pytest.raises(NotAllowed, match="checked by a second person"):
        pay(award, personas.officer)
    assert not award.instalments.exclude(paid_on=None).exists()
    verify_current(award, personas.officer)
    pay(award, personas.officer)
    assert award.instalments.get(position=1).is_paid


def test_verified_details_replaced_by_unchecked_ones_stop_payments(award, personas):
    award = accepted_award(award, personas)
    pay(award, personas.officer)
    award_services.bank_details_replace(
        award=award, actor=personas.applicant_a, bank=bank_input(account_number="99998888")
    )
    with pytest.raises(NotAllowed, match="checked by a second person"):
        pay(award, personas.officer, 2)
    assert not award.instalments.get(position=2).is_paid


def test_payments_never_add_up_to_more_than_the_award(award, personas):
    award = accepted_award(award, personas)
    with pytest.raises(ValidationError) as raised:
        pay(award, personas.officer, 1, amount="9000")
    assert raised.value.message_dict["amount"] == [
        "That would pay £9,000 in all, more than the £8,000 award. No more than £8,000 is "
        "left to pay."
    ]
    pay(award, personas.officer, 1, amount="5000")
    with pytest.raises(ValidationError) as raised:
        pay(award, personas.officer, 2, amount="3000.01", reference="PAY-2")
    assert raised.value.message_dict["amount"] == [
        "That would pay £8,000.01 in all, more than the £8,000 award. No more than £3,000 is "
        "left to pay."
    ]
    assert not award.instalments.get(position=2).is_paid
    pay(award, personas.officer, 2, amount="3000", reference="PAY-2")
    assert sum(i.paid_amount for i in award.instalments.all()) == Decimal("8000")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"paid_on": "tomorrow"}, "paid_on", "cannot be in the future"),
        ({"paid_on": None}, "paid_on", "Enter the date the payment was made"),
        ({"reference": "   "}, "reference", "Enter the payment reference"),
        ({"amount": ""}, "amount", "Enter the amount paid"),
        ({"amount": "lots"}, "amount", "amount paid"),
        ({"amount": "0"}, "amount", "amount paid"),
        ({"amount": "-50"}, "amount", "amount paid"),
    ],
)
def test_a_payment_needs_a_past_date_an_amount_and_a_reference(
    award, personas, changes, field, message
):
    award = accepted_award(award, personas)
    instalment = award.instalments.get(position=1)
    values = {"paid_on": timezone.localdate(), "amount": "5000", "reference": "PAY-1", **changes}
    if values["paid_on"] == "tomorrow":
        values["paid_on"] = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as raised:
        award_services.payment_record(instalment=instalment, actor=personas.officer, **values)
    assert field in raised.value.message_dict
    assert message in raised.value.message_dict[field][0]
    instalment.refresh_from_db()
    assert not instalment.is_paid and instalment.payment_reference == ""
    assert Application.objects.get(pk=award.application_id).status == S.ACCEPTED


def test_a_payment_is_recorded_once(award, personas):
    award = accepted_award(award, personas)
    pay(award, personas.officer, amount="4500", reference="  PAY-1  ")
    with pytest.raises(NotAllowed, match="Payment 1 was already recorded as paid"):
        pay(award, another_officer(), amount="500", reference="PAY-1B")
    instalment = award.instalments.get(position=1)
    assert (instalment.paid_amount, instalment.payment_reference) == (Decimal("4500"), "PAY-1")
    assert instalment.recorded_by == personas.officer and instalment.recorded_at is not None


def test_the_first_payment_makes_the_grant_active(award, personas):
    award = accepted_award(award, personas)
    assert Application.objects.get(pk=award.application_id).status == S.ACCEPTED
    pay(award, personas.officer, paid_on=timezone.localdate() - dt.timedelta(days=3))
    application = Application.objects.get(pk=award.application_id)
    assert application.status == S.ACTIVE
    change = StatusChange.objects.filter(object_id=application.pk).order_by("pk").last()
    assert (change.from_status, change.to_status) == (S.ACCEPTED, S.ACTIVE)
    assert change.actor == personas.officer and "£5,000" in change.reason
    pay(award, personas.officer, 2, reference="PAY-2")
    assert Application.objects.get(pk=award.application_id).status == S.ACTIVE
    assert StatusChange.objects.filter(object_id=application.pk, to_status=S.ACTIVE).count() == 1


@pytest.mark.parametrize("who", ["applicant_a", "decision_maker", "commissioner"])
def test_only_officers_record_payments(award, personas, who):
    award = accepted_award(award, personas)
    with pytest.raises(NotAllowed, match="Only grants officers"):
        pay(award, personas.get(who))
    assert not award.instalments.exclude(paid_on=None).exists()


def test_the_schedule_is_fixed_once_something_is_paid(award, personas):
    award = accepted_award(award, personas)
    services.award_schedule_set(
        award=award,
        actor=personas.officer,
        instalments=[
            InstalmentInput(dt.date(2027, 3, 1), Decimal("4000")),
            InstalmentInput(dt.date(2027, 9, 1), Decimal("4000")),
        ],
    )
    pay(award, personas.officer, amount="4000")
    with pytest.raises(NotAllowed, match="schedule is fixed"):
        services.award_schedule_set(
            award=award,
            actor=personas.officer,
            instalments=[InstalmentInput(dt.date(2027, 3, 1), Decimal("8000"))],
        )
    assert [(i.position, i.amount, i.is_paid) for i in award.instalments.all()] == [
        (1, Decimal("4000"), True),
        (2, Decimal("4000"), False),
    ]


def test_recording_a_payment_through_the_page(award, personas, client_for):
    award = accepted_award(award, personas)
    client = client_for(personas.officer)
    url = reverse("grants:payment-record", args=[award.uuid, 1])
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(url, payment_form(tomorrow))
    assert response.status_code == 200
    assert "The payment date cannot be in the future." in response.content.decode()
    response = client.post(url, payment_form(reference=""))
    assert response.status_code == 200
    assert not award.instalments.get(position=1).is_paid
    response = client.post(url, payment_form(amount="5,000", reference="BACS-77"))
    assert response.status_code == 302
    instalment = award.instalments.get(position=1)
    assert (instalment.paid_amount, instalment.payment_reference) == (Decimal("5000"), "BACS-77")
    page = client.get(reverse("grants:award-detail", args=[award.uuid])).content.decode()
    assert "ref. BACS-77" in page
    again = client.post(url, payment_form(amount="5000", reference="BACS-78"))
    assert "already recorded as paid" in again.content.decode()
    assert award.instalments.get(position=1).payment_reference == "BACS-77"
    assert client.get(reverse("grants:payment-record", args=[award.uuid, 9])).status_code == 404


# ---------------------------------------------------------------------------------------
# The payments dashboard


def test_the_payments_dashboard_lists_overdue_and_due_this_month(award, personas, client_for):
    round = award.application.round
    d = dt.date
    due_later = bare_award(
        round,
        status=S.ACCEPTED,
        instalments=[(d(2027, 4, 20), "2000", None), (d(2027, 5, 1), "2000", None)],
    )
    active = bare_award(
        round,
        status=S.ACTIVE,
        instalments=[(d(2027, 3, 1), "2000", d(2027, 3, 2)), (d(2027, 4, 30), "2000", None)],
    )
    due_today = bare_award(round, status=S.OFFERED, instalments=[(d(2027, 4, 15), "4000", None)])
    declined = bare_award(
        round, status=S.OFFER_DECLINED, instalments=[(d(2027, 4, 2), "4000", None)]
    )
    completed = bare_award(round, status=S.COMPLETED, instalments=[(d(2027, 4, 10), "4000", None)])
    paid_overdue = bare_award(
        round, status=S.ACTIVE, instalments=[(d(2027, 3, 31), "4000", d(2027, 4, 1))]
    )
    with time_machine.travel(dt.datetime(2027, 4, 15, 9, 0, tzinfo=LONDON), tick=False):
        response = client_for(personas.officer).get(reverse("grants:payments-dashboard"))
    assert response.status_code == 200
    due = response.context["due"]
    assert [(i.award_id, i.position) for i in due.overdue] == [(award.pk, 1)]
    assert [(i.award_id, i.position) for i in due.this_month] == [
        (due_today.pk, 1),
        (due_later.pk, 1),
        (active.pk, 2),
    ]
    body = response.content.decode()
    assert "1 payment, £5,000.00" in body
    assert "3 payments, £8,000.00" in body
    assert "Due by 30 April 2027" in body
    for listed in (award, due_later, active, due_today):
        assert listed.reference in body
    for left_out in (declined, completed, paid_overdue):
        assert left_out.reference not in body


@pytest.mark.parametrize(
    ("today", "overdue", "this_month"),
    [
        (dt.date(2027, 3, 31), [], []),
        (dt.date(2027, 4, 1), [], [1]),
        (dt.date(2027, 4, 2), [1], []),
        (dt.date(2027, 10, 1), [1], [2]),
    ],
)
def test_an_instalment_is_overdue_from_the_day_after_it_was_due(
    award, personas, client_for, today, overdue, this_month
):
    with time_machine.travel(dt.datetime.combine(today, dt.time(12), LONDON), tick=False):
        response = client_for(personas.officer).get(reverse("grants:payments-dashboard"))
    due = response.context["due"]
    assert [i.position for i in due.overdue] == overdue
    assert [i.position for i in due.this_month] == this_month


def test_the_payments_dashboard_says_which_payments_are_ready(award, personas, client_for):
    award = accepted_award(award, personas, verify=False)
    with time_machine.travel(dt.datetime(2027, 4, 10, 12, tzinfo=LONDON), tick=False):
        client = client_for(personas.officer)
        body = client.get(reverse("grants:payments-dashboard")).content.decode()
        assert "Bank details waiting for a second check" in body
        record = reverse("grants:payment-record", args=[award.uuid, 1])
        assert record not in body
        verify_current(award, another_officer())
        body = client.get(reverse("grants:payments-dashboard")).content.decode()
        assert record in body
        pay(award, personas.officer)
        response = client.get(reverse("grants:payments-dashboard"))
    assert response.context["due"].overdue == []
    assert response.context["due"].this_month == []


def _bank_moves(details: BankDetails) -> list[tuple]:
    return list(
        StatusChange.objects.filter(
            content_type=ContentType.objects.get_for_model(BankDetails), object_id=details.pk
        ).values_list("from_status", "to_status", "actor")
    )


def test_verifying_bank_details_writes_one_audit_row(award, personas):
    accept(award, personas.applicant_a)
    details = verify_current(award, personas.officer)
    details.refresh_from_db()
    assert details.status == BankDetails.Status.VERIFIED
    assert _bank_moves(details) == [("pending", "verified", personas.officer.pk)]


def test_rejecting_bank_details_writes_one_audit_row_with_the_reason(award, personas):
    accept(award, personas.applicant_a)
    details = award_services.current_bank_details(award)
    award_services.bank_details_reject(details=details, actor=personas.officer, reason="Wrong")
    details.refresh_from_db()
    assert details.status == BankDetails.Status.REJECTED
    assert _bank_moves(details) == [("pending", "rejected", personas.officer.pk)]
    assert StatusChange.objects.get(object_id=details.pk, to_status="rejected").reason == "Wrong"


def test_checked_bank_details_never_change_status_again():
    s = BankDetails.Status
    assert {
        s.PENDING: {s.VERIFIED, s.REJECTED},
        s.VERIFIED: set(),
        s.REJECTED: set(),
    } == BankDetails.TRANSITIONS


def test_every_bank_details_move_is_checked_against_the_table(award, personas):
    from tests.grants.test_transitions import _check_every_move

    accept(award, personas.applicant_a)
    details = award_services.current_bank_details(award)
    _check_every_move(details, BankDetails, personas.officer)
