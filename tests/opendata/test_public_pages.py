"""The public pages: /open-data/ (the files) and /funded/ (where the money goes)."""

from __future__ import annotations

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opendata import services
from opendata.models import PackageVersion, PublishedGrant
from tests.opendata.conftest import accepted_award

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def table(body: str, table_id: str) -> list[list[str]]:
    """The rows of a table as cell texts (header cells included)."""
    markup = body.split(f'id="{table_id}"')[1].split("</table>")[0]
    rows = []
    for row in re.findall(r"<tr.*?</tr>", markup, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells])
    return rows


@pytest.fixture
def published(plan, districts):
    """Five grants in the Panel report's areas, over two financial years and two rounds."""
    older = timezone_at(2024, 11, 1)
    newer = timezone_at(2025, 6, 1)
    second_round = accepted_award(title="Street Angels", districts=("Kirklees", "Wakefield"), amount="6000", priority="P3", decided_at=newer).application.round  # fmt: skip
    accepted_award(title="Boxing", districts=("Bradford",), amount="7000", priority="P3", decided_at=older)  # fmt: skip
    accepted_award(title="Women's Centre", districts=("Calderdale",), amount="18000.50", priority="P2", decided_at=older)  # fmt: skip
    accepted_award(title="Youth Voices", across=True, amount="5200", priority="P4", decided_at=newer, round=second_round)  # fmt: skip
    accepted_award(title="Leeds Lads", districts=("Leeds",), amount="1000", priority="P4", decided_at=older)  # fmt: skip
    return services.package_publish(actor=None).version


def timezone_at(year, month, day):
    from django.utils import timezone

    return timezone.make_aware(dt.datetime(year, month, day, 12, 0))


def test_the_open_data_page_gives_the_files_sizes_date_licence_and_counts(published, client):
    response = client.get(reverse("opendata:index"))
    assert response.status_code == 200
    body = text(response)
    assert "Open Government Licence v3.0" in body
    assert "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/" in body
    words = re.sub(r"<[^>]+>", " ", body)
    assert re.search(r"Grants\s+5\s", words) and re.search(r"Total awarded\s+£37,200.50", words)
    files = table(response.content.decode(), "files")
    assert [row[0] for row in files[1:]] == [
        "JSON (the 360Giving data package)",
        "CSV (a spreadsheet, 360Giving's column titles)",
        "Excel (XLSX, 360Giving's column titles)",
    ]
    assert all(re.search(r"\d+(\.\d)?\s(bytes|KB)", row[2]) for row in files[1:])
    for extension in ("json", "csv", "xlsx"):
        download = client.get(reverse("opendata:file", args=[published.number, extension]))
        assert download.status_code == 200
        assert download["Content-Disposition"].startswith("attachment")
        assert f"360G-wypcc-grants-v1.{extension}" in download["Content-Disposition"]


def test_earlier_versions_are_listed(published, client, plan, districts):
    accepted_award(title="A new grant")
    services.package_publish(actor=None)
    rows = table(client.get(reverse("opendata:index")).content.decode(), "versions")
    assert [row[0] for row in rows[1:]] == ["2", "1"]
    assert rows[2][2] == "5" and rows[1][2] == "6"


def test_an_unknown_version_or_format_is_not_found(published, client):
    assert client.get("/open-data/9/grants.json").status_code == 404
    assert client.get("/open-data/1/grants.txt").status_code == 404


def test_before_anything_is_published_the_pages_say_so(client, plan):
    assert "Nothing has been published yet." in text(client.get(reverse("opendata:index")))
    assert "Nothing has been published yet." in text(client.get(reverse("opendata:funded")))


def test_where_the_money_goes_has_the_panel_reports_district_table(published, client):
    response = client.get(reverse("opendata:funded"))
    assert response.status_code == 200
    assert table(response.content.decode(), "by-district") == [
        ["District", "No of projects", "Total spend"],
        ["Bradford", "1", "£7,000.00"],
        ["Calderdale", "1", "£18,000.50"],
        ["Kirklees", "0", "£0.00"],
        ["Leeds", "1", "£1,000.00"],
        ["Wakefield", "0", "£0.00"],
        ["Multi-District", "1", "£6,000.00"],
        ["Across West Yorkshire", "1", "£5,200.00"],
        ["TOTAL", "5", "£37,200.50"],
    ]
    priorities = table(response.content.decode(), "by-priority")
    assert [row[0][:2] for row in priorities[1:-1]] == ["P2", "P3", "P4"]
    assert [row[1] for row in priorities[1:]] == ["1", "2", "2", "5"]


def test_each_grant_shows_its_public_summary_and_amount(published, client):
    body = text(client.get(reverse("opendata:funded")))
    assert "Women&#x27;s Centre" in body
    assert "£18,000.50 to" in body
    assert "Boxing sessions and mentoring for young people" in body
    assert "Multi-District: Kirklees and Wakefield" in body


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("year=2025", {"Street Angels", "Youth Voices"}),
        ("year=2024", {"Boxing", "Women&#x27;s Centre", "Leeds Lads"}),
        ("district=Wakefield", {"Street Angels"}),
        ("district=Leeds", {"Leeds Lads"}),
        ("priority=P4", {"Youth Voices", "Leeds Lads"}),
        ("priority=P4&year=2025", {"Youth Voices"}),
    ],
)
def test_the_grants_can_be_filtered(published, client, query, titles):
    response = client.get(f"{reverse('opendata:funded')}?{query}")
    shown = set(re.findall(r'<h3 class="govuk-heading-m">(.*?)</h3>', response.content.decode()))
    assert shown == titles
    total = table(response.content.decode(), "by-district")[-1]
    assert total[1] == str(len(titles))


def test_the_grants_can_be_filtered_by_round(published, client):
    code = PublishedGrant.objects.get(title="Youth Voices").round_code
    response = client.get(f"{reverse('opendata:funded')}?round={code}")
    shown = set(re.findall(r'<h3 class="govuk-heading-m">(.*?)</h3>', response.content.decode()))
    assert shown == {"Street Angels", "Youth Voices"}


@pytest.mark.parametrize(
    "query", ["year=abc", "year=1850", "round=nonsense&district=Nowhere", "page=999", "page=abc"]
)
def test_a_bad_filter_gets_the_page_not_an_error(published, client, query):
    response = client.get(f"{reverse('opendata:funded')}?{query}")
    assert response.status_code == 200
    if query.startswith("year"):
        assert "Choose a year from the list." in text(response)


def _many_grants(version: PackageVersion, award, count: int) -> None:
    areas = ["Bradford", "Calderdale", "Kirklees", "Leeds", "Wakefield", "Multi-District"]
    PublishedGrant.objects.bulk_create(
        PublishedGrant(
            version=version,
            award=award,
            position=100 + n,
            grant_id=f"360G-wypcc-BULK-{n:05d}",
            title=f"Bulk project {n}",
            description="A project.",
            recipient=f"Bulk group {n}",
            amount_awarded=Decimal("1000.00") + n,
            amount_disbursed=Decimal(0),
            award_date=dt.date(2024, 5, 1),
            financial_year=2024 + n % 2,
            round_code=f"MSCF-R{n % 3}",
            round_title=f"Round {n % 3}",
            area=areas[n % 6],
            district_names=f"|{areas[n % 5]}|",
            priority_code=f"P{n % 4 + 1}",
            priority_title="A priority",
        )
        for n in range(count)
    )


@pytest.mark.parametrize("count", [10, 5000])
def test_where_the_money_goes_makes_the_same_queries_from_10_to_5000_grants(
    published, client, count
):
    award = PublishedGrant.objects.first().award
    _many_grants(published, award, count - PublishedGrant.objects.count())
    assert PublishedGrant.objects.count() == count
    url = f"{reverse('opendata:funded')}?year=2024&priority=P1&page=2"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    # The newest version; the district and priority totals; the page's count and rows;
    # the filters' years, rounds, priorities and districts: 9 at any size (anonymous: no
    # session or user queries).
    assert len(queries) == 9, [q["sql"] for q in queries]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("opendata:funded")).status_code == 200
    assert len(queries) == 9


@pytest.mark.parametrize("count", [10, 500])
def test_the_open_data_page_makes_the_same_queries_at_any_size(published, client, count):
    for _ in range(3):
        PackageVersion.objects.create(
            status="published",
            number=PackageVersion.objects.order_by("-number").first().number + 1,
            content_hash="x",
            award_ids=list(range(count)),
            located_award_ids=list(range(count)),
            grants_count=count,
        )
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("opendata:index")).status_code == 200
    # withheld grants, withheld locations, the versions.
    assert len(queries) == 3
