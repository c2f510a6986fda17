"""A new group applies from scratch in the browser; a late submission keeps the draft."""

import datetime as dt
import re

import pypdf
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from grants.models import Round
from tests.grants.conftest import PDF, complete_application, make_round

pytestmark = pytest.mark.e2e


def test_a_new_group_registers_applies_and_gets_a_reference(
    page, live_server, plan, mailoutbox, tmp_path
):
    round = make_round(plan, number=5)
    base = live_server.url
    # Register and confirm the email address.
    page.goto(f"{base}/accounts/signup/")
    page.get_by_label("Email").fill("chair@harehills.example")
    page.get_by_label("Password", exact=True).fill("a long enough passphrase")
    page.get_by_label("Confirm password").fill("a long enough passphrase")
    page.get_by_role("button", name="Create account").click()
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mailoutbox[-1].body).group(0)
    page.goto(base + link[link.index("/accounts/") :])
    page.get_by_role("button", name="Confirm").click()

    # Find the round and pass the eligibility checker.
    page.goto(f"{base}/funding/")
    page.get_by_role("link", name=re.compile("Round 5")).click()
    page.get_by_role("button", name="Check if you can apply").click()
    for question in page.locator("fieldset").all():
        answer = "No" if "food and refreshments" in question.inner_text() else "Yes"
        question.get_by_label(answer, exact=True).check()
    page.get_by_role("button", name="Check my answers").click()
    expect(page.get_by_role("heading", name="You can apply")).to_be_visible()
    page.get_by_role("button", name="Start your application").click()

    # No organisation yet: set one up, then come back to start.
    page.get_by_label("Organisation name").fill("Harehills Youth Forum")
    page.get_by_label("Constituted community group").check()
    page.get_by_label("Address line 1").fill("20 Roundhay Road")
    page.get_by_label("Town or city").fill("Leeds")
    page.get_by_label("Postcode").fill("LS8 5AX")
    page.get_by_label("Main district you work in").select_option(label="Leeds")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="Start your application").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Untitled project")

    # 1. Organisation
    page.get_by_role("link", name="About your organisation").click()
    page.get_by_role("button", name="Save and continue").click()
    # 2. Project, with autosave while typing
    page.get_by_label("Project title").fill("Harehills Safe Streets")
    page.get_by_label("Summary of your project").fill(
        "Youth-led street safety walks and mentoring."
    )
    expect(page.get_by_text(re.compile(r"^Saved at "))).to_be_visible(timeout=10_000)
    page.get_by_label("Your activities").fill("Weekly walks, training, and a community event.")
    start = dt.date.fromisoformat(str(round.closes_at.date())) + dt.timedelta(days=40)
    for prefix, day in (("Start date", start), ("End date", start + dt.timedelta(days=180))):
        group = page.get_by_role("group", name=prefix)
        group.get_by_label("Day").fill(str(day.day))
        group.get_by_label("Month").fill(str(day.month))
        group.get_by_label("Year").fill(str(day.year))
    page.get_by_label(re.compile("^Pot 2")).check()
    page.get_by_label("How much are you asking for?").fill("6000")
    page.get_by_role("button", name="Save and continue").click()
    # 3. Where and who
    page.get_by_label("Leeds").check()
    page.get_by_label("Who will your project help?").fill("Young people aged 11 to 17")
    page.get_by_label("How many people will it help?").fill("60")
    page.get_by_role("button", name="Save and continue").click()
    # 4. Plan alignment
    page.get_by_label("Safer Places & Thriving Communities").check()
    page.get_by_label("How will your project contribute to these?").fill(
        "Fewer young people drawn into violence."
    )
    page.get_by_role("button", name="Save and continue").click()
    # 5. Budget
    page.get_by_label("What is it for?").fill("Youth workers")
    page.get_by_label("Type of cost").select_option(label="Staff and sessional workers")
    page.get_by_label("Amount").fill("6000")
    page.get_by_role("button", name="Add to budget").click()
    page.get_by_role("button", name="Continue").click()
    # 6. Documents
    pdf = tmp_path / "document.pdf"
    pdf.write_bytes(PDF)
    for kind in ("Governing document", "Safeguarding policy", "Recent bank statement or letter"):
        page.get_by_label(kind).check()
        page.get_by_label("Upload a file").set_input_files(str(pdf))
        page.get_by_role("button", name="Upload", exact=True).click()
        expect(page.get_by_text("has been uploaded")).to_be_visible()
    page.get_by_role("button", name="Continue").click()
    # 7. Declarations
    page.get_by_label("The information in this application is true and complete").check()
    page.get_by_label("We have read and accept the fund's terms and conditions").check()
    page.get_by_label("We have read how the information we give will be used and shared").check()
    page.get_by_label("Your full name").fill("Hamid Ali")
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    page.get_by_role("button", name="Submit application").click()
    expect(page.get_by_test_id("reference")).to_have_text("MSCF-R5-0001")
    assert any("MSCF-R5-0001" in message.subject for message in mailoutbox)
    # The group keeps a copy: the PDF carries the reference and the declaration.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download your application (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == "application-MSCF-R5-0001.pdf"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(saved).pages)
    assert "Application MSCF-R5-0001" in text
    assert "Hamid Ali" in text


def test_a_submission_after_the_deadline_is_refused_and_the_draft_kept(
    page, live_server, personas, plan
):
    round = make_round(plan, number=5)
    application = complete_application(round, personas.org_a, personas.applicant_a)
    from tests.factories import PASSWORD

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(personas.applicant_a.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/applications/{application.uuid}/check/")
    # The deadline passes while the group is on the check page.
    Round.objects.filter(pk=round.pk).update(closes_at=timezone.now() - dt.timedelta(seconds=1))
    page.get_by_role("button", name="Submit application").click()
    expect(page.get_by_test_id("refusal")).to_contain_text("This round closed at")
    expect(page.get_by_test_id("refusal")).to_contain_text("your answers are saved")
    application.refresh_from_db()
    assert application.status == "draft"
    page.goto(f"{live_server.url}/applications/")
    expect(page.get_by_role("link", name="Gloves Up, Knives Down")).to_be_visible()
