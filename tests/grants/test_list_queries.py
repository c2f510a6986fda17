from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Membership, Organisation
from grants.models import Application


def _bulk_applications(round, user, count, status="submitted"):
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Bulk Group {n}",
            type="community_group",
            address_line_1="1 Road",
            town="Leeds",
            postcode="LS1 1AA",
        )
        for n in range(count)
    )
    Membership.objects.bulk_create(
        Membership(user=user, organisation=o, role="owner") for o in organisations
    )
    pot = round.pots.first()
    Application.objects.bulk_create(
        Application(
            round=round,
            organisation=o,
            status=status if n % 3 else "draft",
            pot=pot,
            amount_requested=Decimal("5000"),
            project_title=f"Project {n}",
            reference=f"{round.reference_prefix}-{n + 1:04d}" if n % 3 else None,
        )
        for n, o in enumerate(organisations)
    )


@pytest.mark.parametrize("rows", [5, 500])
def test_the_applicant_dashboard_makes_the_same_queries_at_any_size(
    client_for, personas, open_round, rows, django_assert_max_num_queries
):
    _bulk_applications(open_round, personas.applicant_b, rows)
    client = client_for(personas.applicant_b)
    # session, user, groups (nav), memberships, applications with round, fund,
    # organisation and pot, open rounds for "start from a previous one": 6 at any size.
    with django_assert_max_num_queries(6):
        response = client.get(reverse("grants:dashboard"))
    assert response.status_code == 200
    assert len(response.context["drafts"]) + len(response.context["others"]) == rows


@pytest.mark.parametrize("rows", [5, 500])
def test_the_officer_list_makes_the_same_queries_at_any_size(
    client_for, personas, open_round, rows, django_assert_max_num_queries
):
    _bulk_applications(open_round, personas.applicant_b, rows)
    client = client_for(personas.officer)
    # session, user, groups, round with fund and plan, pots, priorities, districts (filter
    # choices), count, one page of applications with organisation, district, pot, priority.
    with django_assert_max_num_queries(10):
        response = client.get(
            reverse("grants:staff-round-applications", args=[open_round.uuid]),
            {"status": "submitted"},
        )
    assert response.status_code == 200
    assert response.context["page"].total == len([n for n in range(rows) if n % 3])


@pytest.mark.parametrize("rows", [5, 500])
def test_the_csv_export_makes_the_same_queries_at_any_size(
    client_for, personas, open_round, rows, django_assert_max_num_queries
):
    _bulk_applications(open_round, personas.applicant_b, rows)
    client = client_for(personas.officer)
    # session, user, groups, round, pots and priorities (filter form), applications (read
    # while the response streams, so counted until the last chunk is sent).
    with django_assert_max_num_queries(7):
        response = client.get(
            reverse("grants:staff-round-applications", args=[open_round.uuid]), {"format": "csv"}
        )
        content = b"".join(response.streaming_content)
    lines = content.decode().strip().splitlines()
    assert lines[0].startswith("Reference,Status,Organisation")
    assert len(lines) == rows + 1


def test_the_csv_export_neutralises_spreadsheet_formulas(client_for, personas, open_round):
    from grants import services

    draft = services.application_start(
        round=open_round, organisation=personas.org_a, actor=personas.applicant_a
    )
    Application.objects.filter(pk=draft.pk).update(project_title='=HYPERLINK("http://evil")')
    response = client_for(personas.officer).get(
        reverse("grants:staff-round-applications", args=[open_round.uuid]), {"format": "csv"}
    )
    assert "'=HYPERLINK" in b"".join(response.streaming_content).decode()


def test_the_officer_list_filters_by_pot_and_district(client_for, personas, open_round):
    from tests.grants.conftest import complete_application

    complete_application(open_round, personas.org_a, personas.applicant_a)
    complete_application(open_round, personas.org_b, personas.applicant_b)
    client = client_for(personas.officer)
    url = reverse("grants:staff-round-applications", args=[open_round.uuid])
    response = client.get(url, {"district": personas.org_b.district_id})
    assert [a.organisation_name for a in response.context["page"]] == [personas.org_b.name]
    response = client.get(url, {"pot": open_round.pots.get(name="Pot 1").pk})
    assert list(response.context["page"]) == []


@pytest.mark.parametrize("rounds", [2, 40])
def test_the_officer_round_list_makes_the_same_queries_at_any_size(
    client_for, personas, plan, rounds, django_assert_max_num_queries
):
    from tests.grants.conftest import make_round

    for n in range(rounds):
        make_round(plan, number=10 + n)
    client = client_for(personas.officer)
    # session, user, groups, rounds with fund and application counts: 4 at any size.
    with django_assert_max_num_queries(4):
        response = client.get(reverse("grants:staff-round-list"))
    assert len(response.context["rounds"]) == rounds


@pytest.mark.parametrize("rounds", [2, 40])
def test_the_public_funding_list_makes_the_same_queries_at_any_size(
    client, plan, rounds, django_assert_max_num_queries
):
    from tests.grants.conftest import make_round

    for n in range(rounds):
        make_round(plan, number=10 + n)
    # session (anonymous), rounds with fund, their pots: 3 at any size.
    with django_assert_max_num_queries(3):
        response = client.get(reverse("grants:round-list"))
    assert len(response.context["rounds"]) == rounds
