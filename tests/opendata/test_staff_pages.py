"""The officers' open data pages: only grants officers and administrators reach them."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from grants.models import Award, PublicationChange
from opendata import services
from opendata.models import PackageVersion
from tests.opendata.conftest import accepted_award
from tests.personas import refused_everywhere_else

pytestmark = pytest.mark.django_db
STAFF = ["officer", "administrator"]


def snapshot():
    return (
        list(PackageVersion.objects.values_list("pk", "status")),
        list(Award.objects.values_list("pk", "publication_withheld", "location_withheld",
                                       "public_title", "public_summary")),
        PublicationChange.objects.count(),
    )  # fmt: skip


@pytest.fixture
def award(plan, districts, personas):
    return accepted_award(organisation=personas.org_a)


def test_the_open_data_page_is_for_officers_only(award, client_for, personas):
    url = reverse("opendata:staff")
    for who in STAFF:
        assert client_for(getattr(personas, who)).get(url).status_code == 200
    assert refused_everywhere_else(client_for, personas, url=url, allowed=STAFF) == []


def test_only_officers_can_publish_now(award, client_for, personas):
    url = reverse("opendata:staff-publish")
    assert (
        refused_everywhere_else(
            client_for, personas, url=url, allowed=STAFF, method="POST", snapshot=snapshot
        )
        == []
    )
    response = client_for(personas.officer).post(url, follow=True)
    assert "Version 1 published, with 1 grants." in response.content.decode()
    version = PackageVersion.objects.get()
    assert version.created_by == personas.officer


def test_the_page_lists_a_refused_files_errors_and_the_version_that_stays_up(
    award, client_for, personas
):
    services.package_publish(actor=None)
    bad = accepted_award(districts=("Bradford",), summary="Email jo@example.org to join")
    client = client_for(personas.officer)
    response = client.post(reverse("opendata:staff-publish"), follow=True)
    body = response.content.decode()
    assert "The file was not published: it has errors." in body
    assert "The latest file was not published" in body
    assert f"360G-wypcc-{bad.reference}" in body
    assert "It looks like it has an email address in it" in body
    assert "Version 1" in body  # still the one up


def test_the_page_lists_withheld_grants_and_those_waiting_for_a_summary(
    award, client_for, personas
):
    accepted_award(location_withheld=True, location_withheld_reason="A refuge")
    waiting = accepted_award(title="", summary="")
    body = client_for(personas.officer).get(reverse("opendata:staff")).content.decode()
    assert "its location is withheld (A refuge)" in body
    assert waiting.reference in body.split('id="waiting"')[1]


# The grant's publication page (grants.views.publication) ----------------------------------


def test_the_grants_publication_page_is_for_officers_only(award, client_for, personas):
    url = reverse("grants:award-publication", args=[award.uuid])
    for who in STAFF:
        response = client_for(getattr(personas, who)).get(url)
        assert response.status_code == 200
        assert f"360G-wypcc-{award.reference}" in response.content.decode()
    assert refused_everywhere_else(client_for, personas, url=url, allowed=STAFF) == []
    for change in ("withhold-grant", "release-grant", "withhold-location", "release-location"):
        assert (
            refused_everywhere_else(
                client_for,
                personas,
                url=reverse(f"grants:award-publication-{change}", args=[award.uuid]),
                allowed=STAFF,
                method="POST",
                data={f"{change}-reason": "Because"},
                snapshot=snapshot,
            )
            == []
        )


def test_an_officer_withholds_a_location_with_a_reason_and_it_is_recorded(
    award, client_for, personas
):
    client = client_for(personas.officer)
    url = reverse("grants:award-publication-withhold-location", args=[award.uuid])
    response = client.post(url, {"withhold-location-reason": ""})
    assert response.status_code == 200
    assert "Give the reason: it is kept with the change for the audit." in response.content.decode()
    assert not Award.objects.get(pk=award.pk).location_withheld
    response = client.post(url, {"withhold-location-reason": "A refuge"}, follow=True)
    body = response.content.decode()
    assert "Its location is withheld" in body
    assert "Location withheld. Reason: A refuge" in body
    history = body.split('id="publication-history"')[1]
    assert (
        "Location withheld from publication" in history
        and escape(personas.officer.full_name) in history
    )
    assert 'id="publication-location"' in body
    assert "Not published" in body.split('id="publication-location"')[1].split("</dd>")[0]
    award.refresh_from_db()
    assert (award.location_withheld, award.location_withheld_reason) == (True, "A refuge")


def test_an_officer_withholds_and_releases_a_grant(award, client_for, personas):
    client = client_for(personas.officer)
    withhold = reverse("grants:award-publication-withhold-grant", args=[award.uuid])
    client.post(withhold, {"withhold-grant-reason": "Under review"})
    assert Award.objects.get(pk=award.pk).publication_withheld
    again = client.post(withhold, {"withhold-grant-reason": "Twice"})
    assert "This grant is already withheld." in again.content.decode()
    release = reverse("grants:award-publication-release-grant", args=[award.uuid])
    client.post(release, {"release-grant-reason": "Reviewed"})
    award.refresh_from_db()
    assert not award.publication_withheld and award.publication_withheld_reason == ""
    assert list(
        PublicationChange.objects.filter(award=award).values_list("change", "reason", "actor")
    ) == [
        ("grant_withheld", "Under review", personas.officer.pk),
        ("grant_released", "Reviewed", personas.officer.pk),
    ]


def test_an_officer_writes_the_public_text_of_a_grant_accepted_without_one(
    plan, districts, client_for, personas
):
    award = accepted_award(title="", summary="")
    client = client_for(personas.officer)
    url = reverse("grants:award-publication", args=[award.uuid])
    refused = client.post(url, {"public_title": "Boxing", "public_summary": "Call 0113 251 7272"})
    assert "Remove a phone number from the project summary to publish" in refused.content.decode()
    client.post(url, {"public_title": "Boxing", "public_summary": "Boxing for young people."})
    award.refresh_from_db()
    assert (award.public_title, award.public_summary) == ("Boxing", "Boxing for young people.")
    assert PublicationChange.objects.get(award=award).change == "text"


def test_the_award_page_links_officers_to_its_open_data(award, client_for, personas):
    body = client_for(personas.officer).get(reverse("grants:award-detail", args=[award.uuid]))
    assert reverse("grants:award-publication", args=[award.uuid]) in body.content.decode()
