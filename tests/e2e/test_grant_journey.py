"""Grants III acceptance: after the award the group reads its offer letter (page and PDF) and
accepts; a second person verifies the bank details and the first payment is recorded; the
6-month report comes due, is reminded, written, submitted and accepted."""

import datetime as dt
import re
import struct
import zlib
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.roles import Role
from core.outbox import outbox_relay
from grants import services
from grants.models import Application, Award, BankDetails, MonitoringReport
from grants.models.awards import add_months
from grants.services.panel import InstalmentInput
from grants.tasks import reminders_daily
from tests.factories import UserFactory
from tests.grants.builders import with_criteria
from tests.grants.conftest import PDF, complete_application, make_round, score_all, screen_eligible

pytestmark = pytest.mark.e2e

LONDON = ZoneInfo("Europe/London")
AMOUNT = Decimal("8000")
FIRST, SECOND = Decimal("5000"), Decimal("3000")
SPENT = "3500"  # under the £8,000 "Coaches" line, so no explanation is needed mid-grant


def _png() -> bytes:
    """A real 1x1 PNG: the upload check reads the file's first bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x80\x00"))
        + chunk(b"IEND", b"")
    )


def _serious_violations(page):
    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _sign_out(page):
    page.get_by_role("link", name="Sign out").click()
    page.get_by_role("button", name="Sign out").click()


@pytest.fixture
def award(plan, personas) -> Award:
    """An £8,000 award to org A for a bid aligned to two outcomes, paid in two instalments:
    the first due today when the project starts (so it is on this month's payments list),
    the second in 4 months."""
    round = with_criteria(make_round(plan, number=9))
    application = complete_application(round, personas.org_a, personas.applicant_a, amount=AMOUNT)
    services.application_save_section(
        application=application,
        actor=personas.applicant_a,
        section="alignment",
        values={
            "outcomes": list(application.primary_priority.outcomes.all()[:2]),
            "themes": list(plan.themes.all()[:2]),
        },
    )
    application = screen_eligible(
        services.application_submit(application=application, actor=personas.applicant_a),
        personas.officer,
    )
    second = UserFactory(email="ben@example.org", full_name="Ben Second", roles=[Role.ASSESSOR])
    for assessor in (personas.assessor, second):
        score_all(
            services.assessment_assign(
                application=application, assessor=assessor, actor=personas.officer
            ),
            [3, 3, 3, 3],
        )
    application.refresh_from_db()
    services.application_mark(application=application, actor=personas.officer, mark="recommended")
    panel = services.panel_freeze(round=application.round, actor=personas.officer)
    today = timezone.localdate()
    # The project starts today, so its first payment may be due today (never before).
    type(application).objects.filter(pk=application.pk).update(start_date=today)
    award = services.panel_item_approve(
        item=panel.items.get(),
        actor=personas.decision_maker,
        conditions="Send us copies of the DBS checks for the coaches.",
    )
    services.award_schedule_set(
        award=award,
        actor=personas.officer,
        instalments=[
            InstalmentInput(today, FIRST),
            InstalmentInput(add_months(today, 4), SECOND),
        ],
    )
    return Award.objects.get(pk=award.pk)


def test_a_grant_is_accepted_paid_and_its_six_month_report_accepted(
    page, live_server, signed_in_page, personas, award, mailoutbox, tmp_path
):
    base = live_server.url
    application = award.application
    reference = award.reference
    assert award.outcomes.count() == 2
    sign_in = signed_in_page
    statement = tmp_path / "bank-statement.pdf"
    statement.write_bytes(PDF)
    photo = tmp_path / "session-photo.png"
    photo.write_bytes(_png())

    # 1. The group reads the offer letter and downloads it as a PDF.
    sign_in(personas.applicant_a)
    page.goto(f"{base}/applications/")
    page.get_by_role("link", name="Gloves Up, Knives Down", exact=True).click()
    expect(page).to_have_url(f"{base}/applications/{application.uuid}/")
    page.get_by_role("link", name="Read your offer letter").click()
    expect(page).to_have_url(f"{base}/applications/{application.uuid}/letter/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Offer of grant")
    letter = page.locator("main")
    expect(letter).to_contain_text("£8,000.00")
    expect(letter).to_contain_text(reference)
    expect(letter).to_contain_text("Send us copies of the DBS checks for the coaches.")
    expect(letter.get_by_role("row", name=re.compile("£5,000.00$"))).to_be_visible()
    expect(letter.get_by_role("row", name=re.compile("£3,000.00$"))).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Download the letter as a PDF")).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-")
    text = "\n".join(p.extract_text() for p in PdfReader(saved).pages)
    assert reference in text
    assert "8,000.00" in text
    assert "Offer of grant" in text

    # 2. The group accepts: a first try without the terms ticked keeps what was typed.
    page.get_by_role("link", name="Accept or decline the grant online").click()
    expect(page).to_have_url(f"{base}/applications/{application.uuid}/grant/")
    expect(page.locator("#grant-summary")).to_contain_text("Offered")
    page.get_by_role("link", name="Accept the grant").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Accept your grant")
    expect(page.get_by_label("Pay the grant to")).to_have_value("Org A Youth Project")
    expect(page.get_by_label("Name on the account")).to_have_value("Org A Youth Project")
    typed = {
        "Full name": "Alice Example",
        "Position in the group": "Chair",
        "Address for remittance advice": "1 Street\nLeeds LS1 1AA",
        "Email for remittance advice": "treasurer@example.org",
        "Sort code": "30-94-57",
        "Account number": "00733445",
    }
    for label, value in typed.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("Bank evidence").set_input_files(str(statement))
    page.get_by_role("button", name="Accept the grant").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("There is a problem")
    # A chosen file is not kept when the page shows a problem, so the page says so.
    expect(summary.get_by_role("link")).to_have_text(
        [
            "Choose “bank-statement.pdf” again: a file you choose is not kept when the page "
            "shows a problem.",
            "Confirm that the group accepts the grant's terms and conditions.",
        ]
    )
    expect(page).to_have_title(re.compile("^Error: Accept your grant"))  # "Error: " once
    for label, value in typed.items():
        expect(page.get_by_label(label, exact=True)).to_have_value(value)
    expect(page.get_by_label("Pay the grant to")).to_have_value("Org A Youth Project")
    terms = page.get_by_label(re.compile("^I confirm that I am authorised to accept this grant"))
    expect(terms).not_to_be_checked()
    page.screenshot(path="/tmp/e2e-grant-accept-errors.png", full_page=True)
    assert _serious_violations(page) == []
    assert Application.objects.get(pk=application.pk).status == Application.Status.OFFERED

    terms.check()
    page.get_by_label("Bank evidence").set_input_files(str(statement))
    page.get_by_role("button", name="Accept the grant").click()
    expect(page).to_have_url(f"{base}/applications/{application.uuid}/grant/")
    expect(page.get_by_text("Grant accepted. We will check your bank details")).to_be_visible()
    expect(page.locator("#grant-summary")).to_contain_text("Accepted")
    expect(page.get_by_text("by Alice Example, Chair")).to_be_visible()
    expect(page.get_by_role("definition").filter(has_text="Waiting to be checked")).to_be_visible()
    expect(page.get_by_text("••••3445", exact=True)).to_be_visible()
    reports = page.locator("#reports")
    expect(reports.get_by_role("link", name="6-month report")).to_be_visible()
    expect(reports.locator("li").first).to_contain_text("Not started")
    bank = BankDetails.objects.get(award=award)
    assert bank.entered_by == personas.applicant_a
    assert bank.status == BankDetails.Status.PENDING
    _sign_out(page)

    # 3. An officer (not who entered them) verifies the bank details and pays instalment 1.
    officer = personas.officer
    sign_in(officer)
    page.goto(f"{base}/staff/payments/")
    this_month = page.locator("#this-month")
    expect(this_month.get_by_role("row", name=re.compile(re.escape(reference)))).to_contain_text(
        "Bank details waiting for a second check"
    )
    this_month.get_by_role("link", name=reference).click()
    expect(page).to_have_url(f"{base}/awards/{award.uuid}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Award {reference}")
    page.get_by_role("link", name=re.compile("^Check these details")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check bank details")
    details = page.locator("#bank-details")
    expect(details).to_contain_text("30-94-57")
    expect(details).to_contain_text("00733445")
    with page.expect_download() as evidence_info:
        details.get_by_role("link", name="bank-statement.pdf").click()
    evidence = evidence_info.value
    assert evidence.suggested_filename == "bank-statement.pdf"
    assert open(evidence.path(), "rb").read() == PDF  # noqa: SIM115
    page.get_by_label("Yes, verify them").check()
    page.get_by_role("button", name="Save check").click()
    expect(page).to_have_url(f"{base}/awards/{award.uuid}/")
    expect(page.get_by_text("Bank details checked.")).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile("^Verified"))).to_be_visible()

    page.get_by_role("link", name="Record payment 1 as paid").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record payment 1 as paid")
    expect(page.get_by_label("Amount paid, in pounds")).to_have_value("5000.00")
    today = timezone.localdate()
    paid_on = page.get_by_role("group", name=re.compile("^Date paid"))
    paid_on.get_by_label("Day").fill(str(today.day))
    paid_on.get_by_label("Month").fill(str(today.month))
    paid_on.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Amount paid, in pounds").fill("5000")
    page.get_by_label("Payment reference").fill("BACS-000123")
    page.get_by_role("button", name="Record as paid").click()
    expect(page).to_have_url(f"{base}/awards/{award.uuid}/")
    expect(page.get_by_text("Payment 1 of £5,000 recorded as paid.")).to_be_visible()
    first_row = page.locator("#payments tbody tr").first
    expect(first_row).to_contain_text("£5,000.00 on")
    expect(first_row).to_contain_text("ref. BACS-000123")
    expect(page.get_by_role("link", name="Record payment 2 as paid")).to_be_visible()
    page.screenshot(path="/tmp/e2e-grant-award.png", full_page=True)
    page.goto(f"{base}/staff/payments/")
    expect(page.get_by_role("heading", name="Payments due")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(reference)
    expect(page.get_by_text("Nothing else is due this month.")).to_be_visible()
    _sign_out(page)
    assert Application.objects.get(pk=application.pk).status == Application.Status.ACTIVE

    # 4. Six months into the project the report is due: the daily reminder emails the group.
    report = MonitoringReport.objects.get(award=award, kind=MonitoringReport.Kind.SIX_MONTH)
    assert report.due_date == add_months(award.planned_start, 6)
    due_morning = dt.datetime.combine(report.due_date, dt.time(9), tzinfo=LONDON)
    with time_machine.travel(due_morning, tick=True):
        mailoutbox.clear()
        result = reminders_daily.apply().get()
        assert result["monitoring"] == 1
        outbox_relay()  # eager tasks have sent it already; a second relay sends nothing more
        reminders = [m for m in mailoutbox if "due today" in m.subject]
        assert len(reminders) == 1, [m.subject for m in mailoutbox]
        assert reminders[0].subject == f"6-month report for {reference} due today"
        assert sorted(reminders[0].to) == ["alice@example.org", "colin@example.org"]
        assert f"/reports/{report.uuid}/" in reminders[0].body

        # The group writes the report, saves a draft, adds a photo and submits it.
        sign_in(personas.applicant_a)
        page.goto(f"{base}/applications/{application.uuid}/grant/")
        page.locator("#reports").get_by_role("link", name="6-month report").click()
        expect(page).to_have_url(f"{base}/reports/{report.uuid}/")
        expect(page.get_by_role("heading", level=1)).to_have_text("6-month report")
        expect(page.locator("#report-status")).to_have_text("Not started")
        page.get_by_label("Coaches").fill(SPENT)
        people = {
            "Children and young people under 18": "42",
            "Young adults aged 18 to 24": "11",
            "Adults aged 25 to 64": "3",
            "Older people aged 65 and over": "0",
        }
        for label, count in people.items():
            page.get_by_label(label).fill(count)
        outcomes = list(award.outcomes.order_by("code"))
        for outcome in outcomes:
            page.get_by_label(f"{outcome.code} {outcome.title}", exact=True).fill(
                f"Progress on {outcome.code}: 40 young people attend weekly."
            )
        page.get_by_label("What has gone well").fill("Attendance has doubled since spring.")
        page.get_by_label("Case study").fill(
            "A 15-year-old who had been excluded joined in March and now helps coach."
        )
        page.get_by_role("button", name="Save as draft").click()
        expect(page.get_by_text(re.compile(r"^Saved at \d\d:\d\d\.$"))).to_be_visible()
        expect(page.locator("#report-status")).to_have_text("Draft")

        # The photo goes up with the report form, so nothing typed is lost on the way.
        page.get_by_label("Add a photo or document").set_input_files(str(photo))
        page.get_by_role("button", name="Save as draft").click()
        expect(page.get_by_text("“session-photo.png” uploaded.")).to_be_visible()
        expect(page.get_by_role("link", name="session-photo.png")).to_be_visible()
        expect(page.get_by_label("Coaches")).to_have_value("3500.00")
        expect(page.get_by_label("Case study")).to_have_value(
            "A 15-year-old who had been excluded joined in March and now helps coach."
        )
        page.screenshot(path="/tmp/e2e-grant-report.png", full_page=True)
        assert _serious_violations(page) == []

        page.get_by_role("button", name="Submit the report").click()
        grant_url = f"{base}/applications/{application.uuid}/grant/"
        expect(page).to_have_url(grant_url)
        expect(
            page.get_by_text("Report submitted. Your grants officer will review it.")
        ).to_be_visible()
        expect(page.locator("#reports li").first).to_contain_text("Submitted")
        _sign_out(page)

        # 5. The officer finds it waiting for review and accepts it.
        sign_in(officer)
        page.goto(f"{base}/staff/reports/")
        to_review = page.locator("#to-review")
        expect(to_review.get_by_role("row", name=re.compile(re.escape(reference)))).to_contain_text(
            "Submitted"
        )
        to_review.get_by_role("link", name=f"6-month report for {reference}").click()
        expect(page).to_have_url(f"{base}/reports/{report.uuid}/")
        expect(page.locator("#report-status")).to_contain_text("Submitted")
        # The officer reads the report as text, not as a form.
        expect(page.locator("#report-form")).to_have_count(0)
        coaches = page.locator("#spend").get_by_role("row", name=re.compile("^Coaches"))
        expect(coaches).to_contain_text("£3,500.00")
        expect(page.locator("#beneficiaries")).to_contain_text("42")
        expect(page.locator("#case-study")).to_contain_text("A 15-year-old who had been excluded")
        expect(page.get_by_role("link", name="session-photo.png")).to_be_visible()
        page.get_by_label("Accept the report").check()
        page.get_by_label("Note to the group").fill("Thank you: a clear report.")
        page.screenshot(path="/tmp/e2e-grant-report-review.png", full_page=True)
        page.get_by_role("button", name="Save review").click()
        expect(page).to_have_url(f"{base}/reports/{report.uuid}/")
        expect(page.get_by_text("Report accepted.")).to_be_visible()
        expect(page.locator("#report-status")).to_contain_text("Accepted")
        expect(page.locator("#review-note")).to_contain_text("Thank you: a clear report.")
        page.screenshot(path="/tmp/e2e-grant-report-accepted.png", full_page=True)
        page.goto(f"{base}/staff/reports/")
        expect(page.get_by_text("No reports are waiting for review.")).to_be_visible()
        _sign_out(page)

        # The group sees the report accepted on its grant page.
        sign_in(personas.applicant_a)
        page.goto(f"{base}/applications/{application.uuid}/grant/")
        expect(page.locator("#reports li").first).to_contain_text("Accepted")
        expect(page.locator("#payments caption")).to_have_text("£5,000.00 paid of £8,000.00")

    report.refresh_from_db()
    assert report.status == MonitoringReport.Status.ACCEPTED
    assert report.submitted_by == personas.applicant_a
    assert report.reviewed_by == officer
    assert report.beneficiaries == {"under_18": 42, "18_24": 11, "25_64": 3, "65_plus": 0}
    assert [str(line.spent) for line in report.spend.all()] == ["3500.00"]
    assert report.evidence.get().original_name == "session-photo.png"
    assert all(p.progress for p in report.outcome_progress.all())
