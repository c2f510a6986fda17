"""Victim-service returns: an administrator who is not a commissioner reads no return (web
pages, API, Django admin), and every export of return data is logged and listed for
commissioners on "Exports of return data"."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from commissioning.models import MonitoringReturn, ReturnExport
from commissioning.services import returns as return_services
from commissioning.services.exports import return_export_record
from tests.api.conftest import Api, make_token
from tests.commissioning.builders import complete_figures, measure_set
from tests.commissioning.conftest import Q1
from tests.downloads import body
from tests.factories import UserFactory
from tests.personas import refused_everywhere_else


def _accepted(q1_return, personas) -> MonitoringReturn:
    return_services.return_save(
        monitoring_return=q1_return, actor=personas.provider, typed=complete_figures(), submit=True
    )
    q1_return.refresh_from_db()
    return_services.return_review_decide(
        monitoring_return=q1_return,
        actor=personas.commissioner,
        action="accept",
        rating="green",
        comment="",
        measure_comments={},
    )
    q1_return.refresh_from_db()
    return q1_return


def _rollup_query() -> str:
    return f"measure_set={measure_set().pk}&financial_year=2026&period=Q1"


def test_an_administrator_reads_no_return_in_the_pages(personas, client_for, q1_return):
    client = client_for(personas.administrator)
    assert client.get(reverse("commissioning:return", args=[q1_return.uuid])).status_code == 404
    csv = client.get(reverse("commissioning:return-csv", args=[q1_return.uuid]))
    assert csv.status_code == 404
    assert client.get(reverse("commissioning:rollup")).status_code == 403
    # The contract page still opens (administrators run contracts) but links to no return.
    page = client.get(reverse("commissioning:contract", args=[q1_return.contract.uuid]))
    assert page.status_code == 200
    assert (
        reverse("commissioning:return-review", args=[q1_return.uuid]) not in page.content.decode()
    )
    assert reverse("commissioning:rollup") not in page.content.decode()
    assert not ReturnExport.objects.exists()


def test_an_administrator_who_is_also_a_commissioner_reads_returns(personas, client_for, q1_return):
    both = UserFactory(
        email="both@example.org",
        roles=[Role.ADMINISTRATOR, Role.COMMISSIONER],
        is_staff=True,
        is_superuser=True,
    )
    client = client_for(both)
    assert client.get(reverse("commissioning:return", args=[q1_return.uuid])).status_code == 200
    assert client.get(reverse("commissioning:rollup")).status_code == 200
    admin_list = client.get(reverse("admin:commissioning_monitoringreturn_changelist"))
    assert admin_list.status_code == 200


def test_an_administrator_reads_no_return_in_the_api(client, personas, q1_return):
    admin = Api(client, make_token(personas.administrator, None))
    assert admin.get(f"/api/v1/returns/{q1_return.uuid}/").status_code == 404
    listed = admin.get("/api/v1/returns/")
    assert listed.status_code == 200 and listed.json()["results"] == []
    query = f"measure_set={measure_set().uuid}&financial_year=2026&period=Q1"
    assert admin.get(f"/api/v1/rollup/?{query}").status_code == 403


def test_an_administrator_reads_no_return_in_the_django_admin(personas, client_for, q1_return):
    client = client_for(personas.administrator)
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert "monitoringreturn" not in index.content.decode().lower()
    changelist = reverse("admin:commissioning_monitoringreturn_changelist")
    assert client.get(changelist).status_code == 403
    change = reverse("admin:commissioning_monitoringreturn_change", args=[q1_return.pk])
    assert client.get(change).status_code == 403
    assert client.get(reverse("admin:commissioning_returnexport_changelist")).status_code == 403
    # Contracts stay theirs to look at.
    assert client.get(reverse("admin:commissioning_contract_changelist")).status_code == 200


def test_a_providers_csv_download_is_logged(personas, client_for, q1_return):
    response = client_for(personas.provider).get(
        reverse("commissioning:return-csv", args=[q1_return.uuid])
    )
    assert response.status_code == 200
    export = ReturnExport.objects.get()
    assert export.actor == personas.provider
    assert personas.provider.email in export.actor_name
    assert (export.kind, export.format) == ("return", "csv")
    assert export.contract == q1_return.contract
    assert (export.financial_year, export.period) == (2026, "Q1")
    assert export.rows == len(body(response).decode().strip().splitlines()) - 1
    assert Q1.label in export.description


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_each_rollup_export_is_logged_with_its_filters(
    personas, client_for, q1_return, export_format
):
    _accepted(q1_return, personas)
    client = client_for(personas.commissioner)
    page = client.get(f"{reverse('commissioning:rollup')}?{_rollup_query()}")
    assert page.status_code == 200
    assert not ReturnExport.objects.exists()  # reading the page is no export
    url = f"{reverse('commissioning:rollup')}?{_rollup_query()}&export={export_format}&published=1"
    assert client.get(url).status_code == 200
    export = ReturnExport.objects.get()
    assert (export.kind, export.format, export.period) == ("rollup", export_format, "Q1")
    assert export.actor == personas.commissioner
    assert export.filters == {"measure_set": measure_set().code, "published": "True"}
    assert export.rows == len(page.context["result"].rows)
    assert "for publication" in export.description


def test_the_rollup_through_the_api_is_logged(client, personas, q1_return):
    commissioner = Api(client, make_token(personas.commissioner, None))
    query = f"measure_set={measure_set().uuid}&financial_year=2026&period=Q1"
    assert commissioner.get(f"/api/v1/rollup/?{query}").status_code == 200
    export = ReturnExport.objects.get()
    assert (export.kind, export.format, export.actor) == ("rollup", "api", personas.commissioner)


def test_commissioners_see_who_exported_what(personas, client_for, q1_return):
    client_for(personas.provider).get(reverse("commissioning:return-csv", args=[q1_return.uuid]))
    page = client_for(personas.commissioner).get(reverse("commissioning:return-exports"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Exports of return data" in html
    assert personas.provider.email in html
    assert q1_return.contract.reference in html
    assert "CSV" in html
    dashboard = client_for(personas.commissioner).get(reverse("commissioning:dashboard"))
    assert reverse("commissioning:return-exports") in dashboard.content.decode()


def test_only_commissioners_see_the_export_log(personas, client_for):
    wrong = refused_everywhere_else(
        client_for,
        personas,
        url=reverse("commissioning:return-exports"),
        allowed={"commissioner"},
        refused_with=403,
    )
    assert not wrong, wrong


def _log_page_queries(client, contract, actor, n: int) -> int:
    for i in range(n):
        return_export_record(
            actor=actor,
            kind="return",
            format="csv",
            description=f"Export {i}",
            rows=i,
            contract=contract,
        )
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("commissioning:return-exports")).status_code == 200
    return len(queries)


def test_the_export_log_makes_the_same_queries_at_2_and_20_rows(personas, client_for, contract):
    client = client_for(personas.commissioner)
    two = _log_page_queries(client, contract, personas.provider, 2)
    twenty = _log_page_queries(client, contract, personas.provider, 18)
    assert ReturnExport.objects.count() == 20
    assert twenty == two
