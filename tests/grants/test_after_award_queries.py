"""The pages after the award make the same number of queries with 2 rows or 20: payments and
reports dashboards, the award page, the group's grant page and the report page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from grants.models import (
    Application,
    BankDetails,
    BudgetLine,
    MonitoringEvidence,
    MonitoringReport,
    OutcomeProgress,
    PaymentInstalment,
    SpendLine,
)
from tests.factories import UserFactory
from tests.grants.test_acceptance_and_payments import accepted_award, bare_award

SIZES = [2, 20]
S = Application.Status
R = MonitoringReport.Status


def listed_awards(round, count: int) -> list:
    """`count` live awards, each with an instalment due this month (the first overdue), a
    6-month report and a final report; every other one has verified bank details."""
    today = timezone.localdate()
    officer = UserFactory(email=f"entered{count}@example.org")
    awards = []
    for n in range(count):
        award = bare_award(
            round,
            status=(S.ACCEPTED, S.ACTIVE)[n % 2],
            instalments=[
                (today - dt.timedelta(days=1), "1000", None),
                (today, "1000", None),
                (today + dt.timedelta(days=400), "2000", None),
            ],
        )
        if n % 2:
            BankDetails.objects.create(
                award=award,
                account_name="Group",
                sort_code="309457",
                account_number="00733445",
                evidence="bank/none",
                evidence_name="statement.pdf",
                evidence_type="application/pdf",
                evidence_size=10,
                entered_by=officer,
                entered_at=timezone.now(),
                status=BankDetails.Status.VERIFIED,
            )
        MonitoringReport.objects.bulk_create(
            [
                MonitoringReport(
                    award=award,
                    kind=MonitoringReport.Kind.SIX_MONTH,
                    due_date=today - dt.timedelta(days=n + 1),
                    status=R.SUBMITTED if n % 2 else R.DRAFT,
                ),
                MonitoringReport(
                    award=award,
                    kind=MonitoringReport.Kind.FINAL,
                    due_date=today + dt.timedelta(days=n),
                ),
            ]
        )
        awards.append(award)
    return awards


@pytest.mark.parametrize("count", SIZES)
def test_the_payments_dashboard_does_not_grow_with_payments(
    award, client_for, personas, count, django_assert_max_num_queries
):
    listed_awards(award.application.round, count)
    client = client_for(personas.officer)
    # user, the counts and sums of both sections, a page of each (instalment ids, picked by
    # due date and award reference), then those rows' details together (+award, application,
    # organisation, and the newest bank details' status as a subquery).
    with django_assert_max_num_queries(5):
        response = client.get(reverse("grants:payments-dashboard"))
    assert response.status_code == 200
    due = response.context["due"]
    assert (len(due.overdue), len(due.this_month)) == (count, count)
    # Half the awards have verified bank details: their two payments are ready to record.
    assert response.content.decode().count("Record as paid") == count


def test_the_payments_dashboard_shows_long_lists_a_page_at_a_time(
    award, client_for, personas, monkeypatch
):
    from grants.selectors import awards as selectors

    monkeypatch.setattr(selectors, "PAYMENTS_PAGE_SIZE", 3)
    awards = listed_awards(award.application.round, 5)
    client = client_for(personas.officer)
    url = reverse("grants:payments-dashboard")
    response = client.get(url)
    body = response.content.decode()
    assert "5 payments, £5,000.00 (showing 3 at a time)" in body
    assert len(response.context["due"].overdue) == 3
    next_query = response.context["links"]["overdue"]["next"]
    assert next_query
    response = client.get(f"{url}?{next_query}")
    due = response.context["due"]
    assert due.show == "overdue" and due.this_month == []
    seen = {i.award_id for i in due.overdue}
    assert len(seen) == 2
    assert seen < {a.pk for a in awards}
    # A tampered cursor shows the first page.
    response = client.get(f"{url}?show=overdue&cursor=nonsense")
    assert len(response.context["due"].overdue) == 3


def test_the_payments_page_picks_its_rows_before_loading_their_details(
    award, client_for, personas, monkeypatch
):
    """The page's rows are chosen from the instalments' due dates and award references
    alone: the groups and bank details are joined for the rows shown, not every unpaid one."""
    from grants.selectors import awards as selectors

    monkeypatch.setattr(selectors, "PAYMENTS_PAGE_SIZE", 3)
    listed_awards(award.application.round, 5)
    client = client_for(personas.officer)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("grants:payments-dashboard"))
    due = response.context["due"]
    assert (len(due.overdue), len(due.this_month)) == (3, 3)
    sql = [query["sql"] for query in captured.captured_queries]
    picks = [q for q in sql if "keyset_0" in q]
    assert len(picks) == 2
    for pick in picks:
        assert "accounts_organisation" not in pick and "grants_bankdetails" not in pick
    details = [q for q in sql if "grants_bankdetails" in q]
    assert len(details) == 1
    shown = [i.pk for i in (*due.overdue, *due.this_month)]
    assert all(str(pk) in details[0] for pk in shown)


def test_the_payments_dashboard_pages_through_one_due_date_by_award_reference(
    award, client_for, personas, monkeypatch
):
    from grants.selectors import awards as selectors

    monkeypatch.setattr(selectors, "PAYMENTS_PAGE_SIZE", 2)
    today = timezone.localdate()
    round = award.application.round
    # Made in the reverse of their references' order, all due yesterday.
    references = [f"{round.reference_prefix}-ORDER-{n}" for n in (5, 4, 3, 2, 1)]
    made = {
        reference: bare_award(
            round,
            status=S.ACTIVE,
            reference=reference,
            instalments=[(today - dt.timedelta(days=1), "1000", None)],
        )
        for reference in references
    }
    client = client_for(personas.officer)
    url = reverse("grants:payments-dashboard")
    query, seen = "", []
    for _ in range(5):
        response = client.get(f"{url}?{query}")
        rows = response.context["due"].overdue
        seen += [(i.award.reference, i.award.application.organisation.name) for i in rows]
        query = response.context["links"]["overdue"]["next"]
        if not query:
            break
    expected = sorted(references)
    assert [reference for reference, _ in seen] == expected
    assert [name for _, name in seen] == [made[r].application.organisation.name for r in expected]


@pytest.mark.parametrize("count", SIZES)
def test_the_reports_dashboard_does_not_grow_with_reports(
    award, client_for, personas, count, django_assert_max_num_queries
):
    listed_awards(award.application.round, count)
    client = client_for(personas.officer)
    # session, user, roles, reports (+award, application, organisation, round).
    with django_assert_max_num_queries(4):
        response = client.get(reverse("grants:reports-dashboard"))
    assert response.status_code == 200
    watch = response.context["watch"]
    shown = len(watch.to_review) + len(watch.overdue) + len(watch.due_soon)
    assert shown == 2 * count
    assert len(watch.to_review) == count // 2
    assert response.content.decode().count('href="/reports/') == 2 * count


@pytest.fixture
def grown(award, personas):
    """The group's accepted grant grown to `count` instalments, bank details rows, outcomes,
    budget lines (so spend lines) and evidence files."""

    def grow(count: int):
        accepted = accepted_award(award, personas)
        PaymentInstalment.objects.filter(award=accepted).delete()
        start = dt.date(2027, 1, 1)
        PaymentInstalment.objects.bulk_create(
            PaymentInstalment(
                award=accepted,
                position=n + 1,
                due_date=start + dt.timedelta(days=30 * n),
                amount=Decimal("100"),
                paid_on=start if n % 2 else None,
                paid_amount=Decimal("100") if n % 2 else None,
                recorded_by=personas.officer if n % 2 else None,
            )
            for n in range(count)
        )
        people = [personas.applicant_a, personas.colleague_a]
        BankDetails.objects.bulk_create(
            BankDetails(
                award=accepted,
                account_name=f"Old account {n}",
                sort_code="309457",
                account_number=f"{n:08d}",
                evidence="bank/none",
                evidence_name=f"old-{n}.pdf",
                evidence_type="application/pdf",
                evidence_size=10,
                entered_by=people[n % 2],
                entered_at=timezone.now() - dt.timedelta(days=n + 1),
                status=BankDetails.Status.REJECTED,
                checked_by=personas.officer,
                checked_at=timezone.now(),
            )
            for n in range(count - 1)
        )
        outcomes = list(accepted.plan.outcomes.order_by("code")[:count])
        accepted.outcomes.set(outcomes)
        application = accepted.application
        lines = BudgetLine.objects.bulk_create(
            BudgetLine(
                application=application,
                description=f"Line {n}",
                category=BudgetLine.Category.OTHER,
                amount=Decimal("100"),
                position=n + 2,
            )
            for n in range(count - 1)
        )
        for report in accepted.reports.all():
            SpendLine.objects.bulk_create(
                SpendLine(report=report, budget_line=line, spent=Decimal("90")) for line in lines
            )
            OutcomeProgress.objects.filter(report=report).delete()
            OutcomeProgress.objects.bulk_create(
                OutcomeProgress(report=report, outcome=o, progress="Some") for o in outcomes
            )
            MonitoringEvidence.objects.bulk_create(
                MonitoringEvidence(
                    report=report,
                    file="monitoring/none",
                    original_name=f"photo-{n}.jpg",
                    content_type="image/jpeg",
                    size=10,
                    uploaded_by=people[n % 2],
                )
                for n in range(count)
            )
        return accepted

    return grow


@pytest.mark.parametrize("count", SIZES)
def test_the_award_page_does_not_grow_with_payments_or_bank_details(
    grown, client_for, personas, count, django_assert_max_num_queries
):
    award = grown(count)
    client = client_for(personas.officer)
    # session, user, roles, award (+application, organisation, round, fund, plan, priority,
    # decided and accepted by), outcomes, themes, instalments, who recorded them, bank
    # details (+entered and checked by), reports, conditions, budget lines.
    with django_assert_max_num_queries(12):
        response = client.get(reverse("grants:award-detail", args=[award.uuid]))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("Record payment") == count - count // 2
    assert body.count("Waiting to be checked") + body.count("Verified") == 1
    assert body.count("Rejected") == count - 1


@pytest.mark.parametrize("count", SIZES)
def test_the_grant_page_does_not_grow_with_payments(
    grown, client_for, personas, count, django_assert_max_num_queries
):
    award = grown(count)
    client = client_for(personas.applicant_a)
    # session, user, roles, memberships, the application, award (+its relations),
    # outcomes, themes, instalments, who recorded them, bank details (+entered and checked
    # by), reports.
    with django_assert_max_num_queries(12):
        response = client.get(reverse("grants:grant", args=[award.application.uuid]))
    assert response.status_code == 200
    body = response.content.decode()
    payment_row = '<tr class="govuk-table__row"><td class="govuk-table__cell" data-label="Payment">'
    assert body.count(payment_row) == count
    assert body.count('href="/reports/') == 2


@pytest.mark.parametrize("count", SIZES)
@pytest.mark.parametrize(("who", "queries"), [("applicant_a", 11), ("officer", 13)])
def test_the_report_page_does_not_grow_with_lines_outcomes_or_files(
    grown, client_for, personas, count, who, queries, django_assert_max_num_queries
):
    award = grown(count)
    report = award.reports.get(kind=MonitoringReport.Kind.FINAL)
    client = client_for(personas.get(who))
    # session, user, roles, memberships, the report (+award, application, organisation,
    # round, fund, reviewer, submitter), spend (+budget lines), progress (+outcomes),
    # evidence, instalments; for officers, the sums paid and spent for the underspend.
    with django_assert_max_num_queries(queries):
        response = client.get(reverse("grants:report", args=[report.uuid]))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert (len(rows["spend"]), len(rows["outcomes"])) == (count, count)
    body = response.content.decode()
    for n in range(count - 1):
        assert f"Line {n}<" in body
    for n in range(count):
        assert f"photo-{n}.jpg" in body


def test_the_live_award_index_covers_the_statuses_payments_are_due_on():
    """The payments totals join bids through a partial index of live awards' bids: it is
    only used while its statuses are the ones the page counts."""
    from grants.selectors.awards import LIVE_AWARD_STATUSES

    index = next(i for i in Application._meta.indexes if i.name == "application_live_award")
    ((lookup, statuses),) = index.condition.children
    assert lookup == "status__in"
    assert sorted(statuses) == sorted(LIVE_AWARD_STATUSES)
