"""The grant after the award, through the pages: accept, check bank details, pay, report."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from grants.models import Application, BankDetails, MonitoringReport
from tests.grants.conftest import PDF


def _accept(client, award, **overrides):
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
        "public_title": "Gloves Up, Knives Down",
        "public_summary": "Boxing sessions and mentoring for young people in the evenings.",
        "evidence": SimpleUploadedFile("statement.pdf", PDF, "application/pdf"),
        **overrides,
    }
    return client.post(reverse("grants:grant-accept", args=[award.application.uuid]), data)


def test_the_whole_grant_after_the_award(award, client_for, personas, mailoutbox):
    client = client_for(personas.applicant_a)
    grant_url = reverse("grants:grant", args=[award.application.uuid])
    page = client.get(grant_url)
    assert page.status_code == 200, page.content.decode()[:2000]
    assert "Accept the grant" in page.content.decode()
    response = _accept(client, award, terms_accepted="", sort_code="12")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Confirm that the group accepts" in body or "required" in body
    assert 'value="Alice Example"' in body
    response = _accept(client, award)
    assert response.status_code == 302, response.content.decode()[:3000]
    application = Application.objects.get(pk=award.application_id)
    assert application.status == Application.Status.ACCEPTED
    bank = BankDetails.objects.get()
    officer = client_for(personas.officer)
    page = officer.get(reverse("grants:award-detail", args=[award.uuid]))
    assert page.status_code == 200
    response = officer.post(
        reverse("grants:bank-check", args=[award.uuid, bank.uuid]), {"decision": "verify"}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    pay_url = reverse("grants:payment-record", args=[award.uuid, 1])
    assert officer.get(pay_url).status_code == 200
    response = officer.post(
        pay_url,
        {
            "paid_on_day": "1",
            "paid_on_month": "1",
            "paid_on_year": "2026",
            "amount": "9000",
            "reference": "PAY-1",
        },
    )
    assert "more than the £8,000 award" in response.content.decode()
    response = officer.post(
        pay_url,
        {
            "paid_on_day": "1",
            "paid_on_month": "1",
            "paid_on_year": "2026",
            "amount": "5000",
            "reference": "PAY-1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert officer.get(reverse("grants:payments-dashboard")).status_code == 200
    assert officer.get(reverse("grants:reports-dashboard")).status_code == 200
    client = client_for(personas.applicant_a)
    report = MonitoringReport.objects.get(kind="six_month")
    report_url = reverse("grants:report", args=[report.uuid])
    page = client.get(report_url)
    assert page.status_code == 200, page.content.decode()[:3000]
    form = {}
    for line in report.spend.all():
        form[f"spent-{line.pk}"] = "abc"
    response = client.post(report_url, {**form, "save": "1"})
    assert response.status_code == 400
    assert "abc" in response.content.decode()
    for line in report.spend.all():
        form[f"spent-{line.pk}"] = str(line.budget_line.amount / 2)
    for key in ("under_18", "18_24", "25_64", "65_plus"):
        form[f"beneficiaries-{key}"] = "3"
    for progress in report.outcome_progress.all():
        form[f"progress-{progress.pk}"] = "Going well"
    form["case_study"] = "A young person joined the sessions."
    response = client.post(report_url, {**form, "submit": "1"})
    assert response.status_code == 302, response.content.decode()[:5000]
    report.refresh_from_db()
    assert report.status == "submitted"
    response = client.post(
        reverse("grants:report-evidence-add", args=[report.uuid]),
        {"file": SimpleUploadedFile("photo.pdf", PDF)},
    )
    officer = client_for(personas.officer)
    page = officer.get(report_url)
    assert page.status_code == 200
    response = officer.post(
        reverse("grants:report-review", args=[report.uuid]),
        {"decision": "accept", "note": "Thanks"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    report.refresh_from_db()
    assert report.status == "accepted"
