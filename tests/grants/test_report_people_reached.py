"""A report's people reached is stored beside its beneficiary counts (their total), set
when the group saves the report and kept when it is accepted, so the plan delivery
dashboard adds people up in the database; the migration fills it in for older reports."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from grants.models import BENEFICIARY_GROUPS, MonitoringReport
from grants.services import monitoring as report_services
from tests.grants.test_acceptance_and_payments import accepted_award, enrich, pay
from tests.grants.test_monitoring_reports import save, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def six_month(award, personas) -> MonitoringReport:
    """The 6-month report of an active grant (accepted, and its first instalment paid)."""
    award = accepted_award(enrich(award), personas)
    pay(award, personas.officer)
    return award.reports.get(kind=MonitoringReport.Kind.SIX_MONTH)


def test_saving_a_report_stores_the_people_it_reached(six_month, personas):
    counts = {"under_18": "12", "18_24": "3", "25_64": "", "65_plus": "1"}
    save(
        six_month,
        personas.applicant_a,
        {f"beneficiaries-{key}": counts[key] for key, _ in BENEFICIARY_GROUPS},
    )
    six_month.refresh_from_db()
    assert six_month.beneficiaries == {"under_18": 12, "18_24": 3, "65_plus": 1}
    assert six_month.people_reached == 16
    # A changed count changes the total.
    save(six_month, personas.applicant_a, {"beneficiaries-under_18": "2"})
    six_month.refresh_from_db()
    assert six_month.people_reached == 6


def test_an_accepted_report_keeps_the_people_it_reached(six_month, personas):
    report = submitted(six_month, personas)  # 5 in each of the 4 groups
    report_services.report_accept(report=report, actor=personas.officer)
    report.refresh_from_db()
    assert report.status == MonitoringReport.Status.ACCEPTED
    assert report.people_reached == 20


def test_reports_written_in_bulk_store_their_total_too(six_month):
    # As the builders and the benchmark's loader write them (bulk_create, COPY).
    award = six_month.award
    MonitoringReport.objects.filter(award=award).delete()
    (made,) = MonitoringReport.objects.bulk_create(
        [
            MonitoringReport(
                award=award,
                kind=MonitoringReport.Kind.FINAL,
                due_date=six_month.due_date,
                beneficiaries={"under_18": 4, "18_24": 2, "note": "x", "flag": None},
            )
        ]
    )
    assert MonitoringReport.objects.get(pk=made.pk).people_reached == 6


def test_the_migration_fills_in_the_people_older_reports_reached(six_month, personas):
    report = submitted(six_month, personas)
    # As the new column starts: every report at 0, its history too.
    MonitoringReport.objects.update(people_reached=0)
    MonitoringReport.history.update(people_reached=0)
    migration = importlib.import_module("grants.migrations.0011_report_people_reached")
    migration.fill_people_reached(apps, None)
    report.refresh_from_db()
    assert report.people_reached == 20
    newest = MonitoringReport.history.filter(id=report.pk).latest("history_id")
    assert newest.people_reached == 20
