"""The retention schedule (settings.RETENTION, core.retention): the dry run lists what is
due and changes nothing; the purge deletes files, clears personal fields, keeps the figures
and records what it did; a second run purges nothing twice; the privacy notice prints the
schedule from settings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from commissioning.models import Measure, MonitoringReturn, ReturnReview, ReturnValue
from config.celery import app
from core.models import PurgeRecord, StatusChange
from core.retention import retention_due, retention_run
from core.tasks import retention_daily_task
from grants.models import Application, ApplicationDocument, Award, BankDetails
from tests.commissioning.builders import make_contract, open_return
from tests.commissioning.conftest import Q1
from tests.factories import ApplicationFactory, AwardFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _years_ago(years: float) -> dt.datetime:
    return NOW - dt.timedelta(days=round(365.25 * years))


def _decided(application: Application, status: str, at: dt.datetime) -> Application:
    Application.objects.filter(pk=application.pk).update(status=status)
    StatusChange.objects.create(
        content_type=ContentType.objects.get_for_model(Application),
        object_id=application.pk,
        from_status="assessed",
        to_status=status,
        at=at,
    )
    return Application.objects.get(pk=application.pk)


def test_the_dry_run_lists_what_the_demo_would_purge_then_the_purge_runs_once(settings):
    with override_settings(DEBUG=True):  # seed_demo refuses to run without it
        call_command("seed_demo", stdout=StringIO())
    withdrawn = Application.objects.get(project_title="Safe Spaces Drop-in")
    out = StringIO()
    call_command("retention", "--dry-run", stdout=out)
    listed = out.getvalue()
    assert "unsuccessful_applications (2 years after the decision): would purge 1" in listed
    assert f"Would purge application {withdrawn.uuid}" in listed
    assert "Nothing was changed." in listed
    assert not PurgeRecord.objects.exists()
    assert Application.objects.get(pk=withdrawn.pk).summary != ""

    out = StringIO()
    call_command("retention", stdout=out)
    assert "Purged 1 in all." in out.getvalue()
    purged = Application.objects.get(pk=withdrawn.pk)
    assert (purged.summary, purged.postcodes, purged.withdrawn_reason) == ("", "", "")
    assert purged.submitter_name == "" and purged.project_title == ""
    assert not purged.history.exclude(summary="").exists()
    record = PurgeRecord.objects.get()
    assert (record.rule, record.kind, record.object_id) == (
        "unsuccessful_applications",
        "application",
        withdrawn.pk,
    )
    assert "Calder" not in record.reference + record.detail  # no personal data

    out = StringIO()
    call_command("retention", stdout=out)
    assert "Purged 0 in all." in out.getvalue()
    assert PurgeRecord.objects.count() == 1


@pytest.mark.usefixtures("plan")
def test_an_unsuccessful_bid_is_purged_two_years_after_its_decision_keeping_its_figures(
    django_capture_on_commit_callbacks,
):
    old = _decided(ApplicationFactory(submitted=True), "declined", _years_ago(2.1))
    StatusChange.objects.create(
        content_type=ContentType.objects.get_for_model(Application),
        object_id=old.pk,
        from_status="submitted",
        to_status="withdrawn",
        reason="Our coordinator Jane Smith is unwell",
        at=_years_ago(2.2),
    )
    recent = _decided(ApplicationFactory(submitted=True), "not_recommended", _years_ago(1.5))
    funded = _decided(ApplicationFactory(submitted=True), "approved", _years_ago(5))
    files = [d.file.name for d in old.documents.all()]
    assert files and all(default_storage.exists(name) for name in files)

    assert [(d.rule, d.object_id) for d in retention_due(now=NOW)] == [
        ("unsuccessful_applications", old.pk)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        result = retention_run(dry_run=False, now=NOW)
    assert len(result.purged) == 1
    old.refresh_from_db()
    assert (old.summary, old.activities, old.contribution, old.submitter_name) == ("",) * 4
    assert old.amount_requested == Decimal("6000")  # the figures stay
    assert old.primary_priority is not None and old.status == "declined"
    assert not ApplicationDocument.objects.filter(application=old).exists()
    assert not any(default_storage.exists(name) for name in files)
    reasons = StatusChange.objects.filter(object_id=old.pk).values_list("reason", flat=True)
    assert set(reasons) == {""}  # the history stays, the words typed with it go
    for kept in (recent, funded):
        assert Application.objects.get(pk=kept.pk).summary == "Boxing and mentoring."
    assert retention_run(dry_run=False, now=NOW).purged == []


@pytest.mark.usefixtures("plan")
def test_a_completed_grant_is_purged_seven_years_on_keeping_what_was_published():
    award = AwardFactory(
        supplier_name="Aisha Khan",
        supplier_email="aisha@example.org",
        supplier_address="1 High Street",
        public_title="Gloves Up",
    )
    _decided(award.application, "completed", _years_ago(7.1))
    recent = AwardFactory()
    _decided(recent.application, "completed", _years_ago(6))
    result = retention_run(dry_run=False, now=NOW)
    assert [(p.rule, p.object_id) for p in result.purged] == [
        ("completed_awards", award.application.pk)
    ]
    award.refresh_from_db()
    assert (award.supplier_name, award.supplier_email, award.supplier_address) == ("", "", "")
    assert award.amount == Decimal("6000") and award.public_title == "Gloves Up"
    assert award.application.project_title == "Gloves Up, Knives Down"  # published with it
    assert award.application.summary == ""
    assert Award.objects.get(pk=recent.pk).application.summary == "Boxing and mentoring."


def _bank_details(award: Award) -> BankDetails:
    details = BankDetails(
        award=award,
        account_name="Manningham Youth Boxing",
        sort_code="123456",
        account_number="12345678",
        evidence_name="statement.pdf",
        evidence_type="application/pdf",
        evidence_size=10,
        entered_at=NOW,
    )
    details.evidence.save("evidence", ContentFile(b"%PDF-1.4 statement"), save=False)
    details.save()
    return details


@pytest.mark.usefixtures("plan")
def test_bank_details_are_cleared_two_years_after_the_final_payment(
    django_capture_on_commit_callbacks,
):
    paid_long_ago = _years_ago(2.2).date()
    paid_off = AwardFactory(instalments=[(paid_long_ago, "6000", paid_long_ago)])
    still_paying = AwardFactory(
        instalments=[(paid_long_ago, "3000", paid_long_ago), (NOW.date(), "3000", None)]
    )
    old, current = _bank_details(paid_off), _bank_details(still_paying)
    evidence = old.evidence.name
    with django_capture_on_commit_callbacks(execute=True):
        result = retention_run(dry_run=False, now=NOW)
    assert [(p.rule, p.object_id) for p in result.purged] == [("bank_evidence", old.pk)]
    old.refresh_from_db()
    assert (old.account_name, old.sort_code, old.account_number, old.evidence.name) == ("",) * 4
    assert not default_storage.exists(evidence)
    assert BankDetails.objects.get(pk=current.pk).account_number == "12345678"
    assert Award.objects.get(pk=paid_off.pk).instalments.get().paid_amount == Decimal("6000")


def test_return_narratives_are_cleared_after_six_years_and_the_figures_stay(personas, plan):
    contract = make_contract(
        provider=personas.provider_org, commissioner=personas.commissioner, plan=plan
    )
    old = open_return(contract, Q1)
    MonitoringReturn.objects.filter(pk=old.pk).update(
        financial_year=2019, review_comment="Well done, Sam."
    )
    text = Measure.objects.filter(measure_set=old.measure_set, kind="text").first()
    count = Measure.objects.filter(measure_set=old.measure_set, kind="count").first()
    ReturnValue.objects.create(monitoring_return=old, measure=text, text="A case study")
    ReturnValue.objects.create(monitoring_return=old, measure=count, value=Decimal("40"))
    ReturnReview.objects.create(
        monitoring_return=old, outcome="accepted", comment="Names a victim", rating="green"
    )
    current = open_return(contract, Q1)  # 2026/27 Q1 (a new one: the old moved to 2019)
    ReturnValue.objects.create(monitoring_return=current, measure=text, text="This year")

    result = retention_run(dry_run=False, now=NOW)
    assert [(p.rule, p.object_id) for p in result.purged] == [("return_narratives", old.pk)]
    assert ReturnValue.objects.get(monitoring_return=old, measure=text).text == ""
    assert ReturnValue.objects.get(monitoring_return=old, measure=count).value == Decimal("40")
    assert MonitoringReturn.objects.get(pk=old.pk).review_comment == ""
    assert ReturnReview.objects.get(monitoring_return=old).comment == ""
    assert ReturnValue.objects.get(monitoring_return=current).text == "This year"


@pytest.mark.usefixtures("plan")
def test_the_daily_task_is_scheduled_and_purges_through_the_same_service():
    scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "core.retention_daily" in scheduled
    old = _decided(ApplicationFactory(submitted=True), "ineligible", _years_ago(3))
    assert retention_daily_task() == 1
    assert PurgeRecord.objects.get().object_id == old.pk
    assert retention_daily_task() == 0


def test_the_privacy_notice_prints_the_schedule_from_settings(client, settings):
    settings.RETENTION = {
        **settings.RETENTION,
        "bank_evidence": {**settings.RETENTION["bank_evidence"], "years": 3},
    }
    html = client.get(reverse("privacy")).content.decode()
    assert "3 years after the final payment of the grant" in html
    assert "2 years after the decision" in html
    assert "6 years after the end of the quarter" in html
    assert "7 years after the grant is completed" in html
