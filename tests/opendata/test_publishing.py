"""Publishing versions of the file: validated, idempotent, and a refused file never replaces
the one before it. Withheld grants and locations appear in no file or page."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from grants.models import PublicationChange
from grants.services import publication as publication_services
from opendata import services
from opendata.models import PackageVersion, PublishedGrant
from opendata.tasks import publish_nightly
from tests.opendata.conftest import accepted_award

pytestmark = pytest.mark.django_db


def publish(actor=None):
    return services.package_publish(actor=actor)


def files_text(version: PackageVersion) -> dict[str, str]:
    """Every published file of a version as searchable text."""
    text = {
        "json": version.json_file.open("rb").read().decode(),
        "csv": version.csv_file.open("rb").read().decode("utf-8-sig"),
    }
    book = load_workbook(io.BytesIO(version.xlsx_file.open("rb").read()))
    text["xlsx"] = "\n".join(
        "\t".join("" if cell is None else str(cell) for cell in row)
        for row in book["grants"].iter_rows(values_only=True)
    )
    return text


def pages_text(client) -> str:
    return (
        client.get(reverse("opendata:funded")).content.decode()
        + client.get(reverse("opendata:index")).content.decode()
    )


def test_nothing_to_publish_makes_no_version(plan):
    result = publish()
    assert result.outcome == services.EMPTY
    assert PackageVersion.objects.count() == 0


def test_the_first_run_publishes_version_1_with_its_files_counts_and_sizes(
    plan, districts, personas
):
    accepted_award(amount="6000.50", paid=("1000",))
    accepted_award(across=True, amount="4000")
    result = publish(actor=personas.officer)
    assert result.outcome == services.PUBLISHED
    version = result.version
    assert (version.number, version.status, version.created_by) == (
        1,
        "published",
        personas.officer,
    )
    assert version.grants_count == 2
    assert str(version.total_awarded) == "10000.50"
    assert str(version.total_disbursed) == "1000.00"
    for extension in ("json", "csv", "xlsx"):
        stored, size = version.file_for(extension)
        assert size == len(stored.open("rb").read()) > 0
    package = json.loads(version.json_file.open("rb").read())
    assert package["license"] == (
        "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
    )
    assert package["publisher"] == {
        "name": "West Yorkshire Combined Authority",
        "identifier": "360G-wypcc",
    }
    assert package["identifier"] == "360G-wypcc-grants-v1"
    assert package["downloadURL"].endswith("/open-data/1/grants.json")
    assert {"issued", "modified"} <= set(package)
    assert PublishedGrant.objects.filter(version=version).count() == 2


def test_running_twice_makes_one_version_and_none_when_nothing_changed(plan, districts):
    accepted_award()
    assert publish_nightly() == services.PUBLISHED
    assert publish_nightly() == services.UNCHANGED
    assert PackageVersion.objects.count() == 1
    accepted_award(districts=("Bradford",))
    assert publish_nightly() == services.PUBLISHED
    assert publish_nightly() == services.UNCHANGED
    assert list(PackageVersion.objects.values_list("number", flat=True)) == [2, 1]
    # Only the newest version's grants back the public page.
    assert set(PublishedGrant.objects.values_list("version__number", flat=True)) == {2}


def test_a_file_with_an_error_is_not_published_and_the_previous_one_stays(plan, districts, client):
    accepted_award(title="Gloves Up")
    first = publish().version
    bad = accepted_award(districts=("Kirklees",))
    bad.public_summary = "Ring Jo on 07700 900123 to join"
    bad.save()
    result = publish()
    assert result.outcome == services.REFUSED
    refused = result.version
    assert refused.status == "refused" and refused.number is None
    assert not refused.json_file and not refused.csv_file and not refused.xlsx_file
    assert [(e["check"], e["field"]) for e in refused.errors] == [("personal-data", "description")]
    assert refused.errors[0]["grant"] == f"360G-wypcc-{bad.reference}"
    # The refusal is recorded once, however often the nightly run meets it.
    assert publish().outcome == services.UNCHANGED
    assert PackageVersion.objects.filter(status="refused").count() == 1
    # The public page still offers version 1, and its files.
    page = client.get(reverse("opendata:index")).content.decode()
    assert "Latest version" in page and ">1<" in page
    assert client.get(reverse("opendata:file", args=[first.number, "json"])).status_code == 200
    assert "07700" not in pages_text(client)
    # Put right, it publishes as version 2.
    bad.public_summary = "Volunteers out on Friday nights in the town centre."
    bad.save()
    assert publish().version.number == 2


def test_a_schema_error_is_caught_too(plan, districts, monkeypatch):
    accepted_award()
    real = services.records_to_publish

    def broken(**kwargs):
        records = real(**kwargs)
        records[0].record["amountAwarded"] = "6000"
        return records

    monkeypatch.setattr(services, "records_to_publish", broken)
    result = publish()
    assert result.outcome == services.REFUSED
    assert ("schema", "amountAwarded") in {(e["check"], e["field"]) for e in result.version.errors}


# Withholding -----------------------------------------------------------------------------


def test_a_withheld_grant_appears_in_no_file_or_page(plan, districts, personas, client):
    kept = accepted_award(title="Kept grant", summary="Boxing for young people in Leeds.")
    secret = accepted_award(
        title="Secret refuge grant",
        summary="Support for women at a safe house.",
        districts=("Calderdale",),
    )
    first = publish().version
    assert "Secret refuge grant" in files_text(first)["json"]
    publication_services.award_publication_withhold(
        award=secret, actor=personas.officer, reason="It would reveal a refuge."
    )
    change = PublicationChange.objects.get(award=secret)
    assert (change.change, change.actor, change.reason) == (
        "grant_withheld",
        personas.officer,
        "It would reveal a refuge.",
    )
    # At once, before any new file: the old version is withdrawn and the page leaves it out.
    assert client.get(reverse("opendata:file", args=[1, "json"])).status_code == 404
    assert "Withdrawn" in client.get(reverse("opendata:index")).content.decode()
    assert "Secret refuge grant" not in pages_text(client)
    second = publish().version
    for name, text in files_text(second).items():
        assert "Secret refuge grant" not in text, name
        assert secret.reference not in text, name
        assert "Kept grant" in text, name
    assert "Secret refuge grant" not in pages_text(client)
    assert kept.reference in client.get(reverse("opendata:funded")).content.decode()
    assert second.grants_count == 1


def test_a_withheld_location_appears_in_no_file_or_page(plan, districts, personas, client):
    accepted_award(title="Leeds boxing", districts=("Leeds",))
    refuge = accepted_award(title="Safe spaces", districts=("Calderdale",))
    publish()
    publication_services.award_location_withhold(
        award=refuge, actor=personas.officer, reason="A refuge: never say where."
    )
    funded = client.get(reverse("opendata:funded")).content.decode()
    assert "Calderdale" not in funded.split('id="grant-list"')[1]
    assert client.get(reverse("opendata:file", args=[1, "csv"])).status_code == 404
    version = publish().version
    assert version.number == 2
    for name, text in files_text(version).items():
        assert "Calderdale" not in text and "E08000033" not in text, name
        assert "Safe spaces" in text and "Leeds" in text, name
    funded = client.get(reverse("opendata:funded")).content.decode()
    assert "Location not published" in funded
    by_district = funded.split('id="by-district"')[1].split("</table>")[0]
    assert "Calderdale" in by_district  # the row is there, with nothing in it
    calderdale_row = by_district.split("Calderdale")[1].split("</tr>")[0]
    assert ">0<" in calderdale_row


def test_a_location_withheld_from_the_start_leaves_earlier_versions_up(
    plan, districts, personas, client
):
    """A version published without the location is not withdrawn by withholding it."""
    accepted_award(districts=("Calderdale",), location_withheld=True)
    publish()
    assert client.get(reverse("opendata:file", args=[1, "json"])).status_code == 200


def test_publishing_again_after_release_brings_the_grant_back(plan, districts, personas):
    award = accepted_award(title="Released grant")
    publication_services.award_publication_withhold(
        award=award, actor=personas.officer, reason="Checking"
    )
    assert publish().outcome == services.EMPTY
    publication_services.award_publication_release(
        award=award, actor=personas.officer, reason="Checked: fine to publish"
    )
    assert "Released grant" in files_text(publish().version)["json"]


# Formats ---------------------------------------------------------------------------------


def test_csv_xlsx_and_json_carry_the_same_grants_and_totals(plan, districts):
    accepted_award(amount="6000.50", paid=("2000.25",))
    accepted_award(districts=("Kirklees", "Wakefield"), amount="999.99")
    accepted_award(across=True, amount="12000")
    version = publish().version
    package = json.loads(version.json_file.open("rb").read())
    grants = package["grants"]
    rows = list(csv.DictReader(io.StringIO(version.csv_file.open("rb").read().decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(version.xlsx_file.open("rb").read()))["grants"]
    header, *cells = list(sheet.iter_rows(values_only=True))
    sheet_rows = [dict(zip(header, row, strict=True)) for row in cells]
    ids = [g["id"] for g in grants]
    assert [r["Identifier"] for r in rows] == ids == [r["Identifier"] for r in sheet_rows]

    def total(values):
        return round(sum(float(v or 0) for v in values), 2)

    awarded = total(g["amountAwarded"] for g in grants)
    assert awarded == total(r["Amount Awarded"] for r in rows) == 18999.49 + 1.0
    assert awarded == total(r["Amount Awarded"] for r in sheet_rows)
    disbursed = total(g["amountDisbursed"] for g in grants)
    assert disbursed == total(r["Amount Disbursed"] for r in rows) == 2000.25
    assert disbursed == total(r["Amount Disbursed"] for r in sheet_rows)
    assert str(version.total_awarded) == "19000.49"


def test_text_a_spreadsheet_would_run_is_guarded(plan, districts):
    accepted_award(title='=HYPERLINK("x")', summary="+ a sum someone typed, @mentions")
    version = publish().version
    text = files_text(version)
    assert "'=HYPERLINK" in text["csv"] and "'+ a sum" in text["csv"]
    assert "'=HYPERLINK" in text["xlsx"]
    assert '"=HYPERLINK(\\"x\\")"' in text["json"]  # the data itself is unchanged


def test_welsh_and_urdu_survive_every_format(plan, districts):
    accepted_award(title="Cymuned Ddiogel ŵ", summary="محفوظ برادری: a safer community 💜")
    text = files_text(publish().version)
    for name in ("json", "csv", "xlsx"):
        assert "Cymuned Ddiogel ŵ" in text[name] and "محفوظ برادری" in text[name], name


# Publish now ----------------------------------------------------------------------------


def test_publish_now_is_handed_to_a_worker_when_there_is_one(
    plan, districts, personas, monkeypatch
):
    from config.celery import app

    accepted_award()
    sent = []

    class Signature:
        def __init__(self, name, kwargs):
            self.name, self.kwargs = name, kwargs

        def apply_async(self, retry):
            sent.append((self.name, self.kwargs, retry))

    app.conf.task_always_eager = False  # the autouse fixture restores it
    monkeypatch.setattr(services, "signature", Signature)
    result = services.package_publish_soon(actor=personas.officer)
    assert result.outcome == services.QUEUED
    assert sent == [("opendata.publish", {"actor_id": personas.officer.pk}, False)]
    assert PackageVersion.objects.count() == 0


def test_publish_now_runs_here_when_the_broker_is_down(plan, districts, personas, monkeypatch):
    from config.celery import app

    accepted_award()

    class Down:
        def __init__(self, *args, **kwargs):
            pass

        def apply_async(self, retry):
            raise ConnectionError("no broker")

    app.conf.task_always_eager = False  # the autouse fixture restores it
    monkeypatch.setattr(services, "signature", Down)
    assert services.package_publish_soon(actor=personas.officer).outcome == services.PUBLISHED


def test_the_worker_task_publishes_as_the_officer(plan, districts, personas):
    from opendata.tasks import publish as publish_task

    accepted_award()
    assert publish_task(actor_id=personas.officer.pk) == services.PUBLISHED
    assert PackageVersion.objects.get().created_by == personas.officer


def test_beat_runs_the_publisher_each_night():
    from celery.schedules import crontab

    from config.celery import app

    entry = app.conf.beat_schedule["opendata-nightly"]
    assert entry["task"] == "opendata.publish_nightly" in app.tasks
    assert entry["schedule"] == crontab(hour=3, minute=15)
