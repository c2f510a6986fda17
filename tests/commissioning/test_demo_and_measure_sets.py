"""The demo's commissioning world, rolling a measure set forward, and the provider's link."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from commissioning.models import Contract, MeasureSet, MonitoringReturn
from commissioning.services.measures import measure_set_copy
from tests.commissioning.builders import measure_set

pytestmark = pytest.mark.django_db


def test_the_demo_has_contracts_and_a_return_in_every_state(settings):
    settings.DEBUG = True
    output = StringIO()
    call_command("seed_demo", stdout=output)
    assert "Contract: VS-ISVA-01" in output.getvalue()
    assert set(Contract.objects.values_list("status", flat=True)) == {"active", "draft"}
    states = set(MonitoringReturn.objects.values_list("status", flat=True))
    assert states == set(MonitoringReturn.Status.values)
    assert any(r.is_late for r in MonitoringReturn.objects.filter(status="not_started"))
    assert Contract.objects.get(reference="VS-IDVA-02").amendments.count() == 1
    # Submissions are dated after their quarters, not all at seeding time.
    accepted = MonitoringReturn.objects.filter(status="accepted").order_by("financial_year")
    assert accepted.first().submitted_at.date() > accepted.first().period.end
    assert accepted.first().submitted_at < accepted.last().submitted_at
    call_command("seed_demo", stdout=StringIO())  # a second run adds nothing
    assert Contract.objects.count() == 5


def test_a_measure_set_is_copied_for_the_next_year_with_its_links():
    copy = measure_set_copy(source=measure_set(), financial_year=2027)
    assert (copy.code, copy.name, copy.financial_year) == (
        "victim-services-2027-28",
        "Victim services 2027/28",
        2027,
    )
    originals = list(measure_set().measures.values_list("code", "kind", "breakdown", "categories"))
    assert list(copy.measures.values_list("code", "kind", "breakdown", "categories")) == originals
    age = copy.measures.get(code="SUP_AGE")
    assert age.total_matches.measure_set == copy
    assert age.total_matches.code == "SUPPORTED"
    with pytest.raises(ValueError, match="already exists"):
        measure_set_copy(source=measure_set(), financial_year=2027)


def test_the_copy_command_names_a_missing_set():
    with pytest.raises(CommandError, match="no measure set with the code 'nope'"):
        call_command("copy_measure_set", "nope", "2027")
    out = StringIO()
    call_command("copy_measure_set", measure_set().code, "2028", stdout=out)
    assert "Victim services 2028/29" in out.getvalue()
    assert MeasureSet.objects.filter(financial_year=2028).exists()


def test_only_provider_members_see_the_your_contracts_link(client_for, personas):
    assert "Your contracts" in client_for(personas.provider).get("/").content.decode()
    assert "Your contracts" not in client_for(personas.applicant_a).get("/").content.decode()
    assert "Your contracts" not in client_for(personas.commissioner).get("/").content.decode()
