"""The package validates against the official 360Giving schema: the demo's, and any grant
hypothesis can think of (apostrophes, ampersands, emoji, Welsh and Urdu, pence, nothing
paid yet, registered and unregistered groups, every area type)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from accounts.models import Organisation
from grants.publication import personal_data_problem
from grants.selectors.publication import records_to_publish
from opendata import quality
from opendata.models import PackageVersion
from opendata.package import Licence, build
from opendata.schema import package_validator, schema_errors
from tests.factories import OrganisationFactory
from tests.opendata.conftest import AREAS, accepted_award

pytestmark = pytest.mark.django_db

LICENCE = Licence(
    "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/", "OGL"
)


def package_of(grants, publisher):
    return build(
        grants,
        publisher=publisher,
        licence=LICENCE,
        issued=timezone.now(),
        version=1,
        download_url="https://grants.example.org/open-data/1/grants.json",
    )


def test_the_schemas_are_the_projects_own_copy():
    from django.conf import settings as django_settings

    from opendata.schema import SCHEMA_DIR

    assert SCHEMA_DIR == django_settings.BASE_DIR / "data" / "360giving"
    assert "shared" not in str(SCHEMA_DIR)


def test_a_package_missing_what_the_schema_needs_is_refused(publisher):
    grant = {"id": "360G-wypcc-1", "title": "T", "currency": "GBP", "amountAwarded": "100"}
    errors = schema_errors({"grants": [grant], "issued": "yesterday"})
    assert errors
    assert {e.grant for e in errors if e.grant} == {"360G-wypcc-1"}
    assert any(e.path == "issued" for e in errors)


def test_a_plain_award_date_is_valid_because_date_time_formats_are_checked():
    """Without rfc3339-validator a date matches both branches of awardDate's oneOf."""
    validator = package_validator()
    schema = validator.schema["properties"]["issued"]
    assert validator.evolve(schema=schema).is_valid("2024-03-01")
    assert validator.evolve(schema=schema).is_valid("2024-03-01T10:00:00+00:00")
    assert not validator.evolve(schema=schema).is_valid("1 March 2024")


def test_the_demo_package_validates_against_the_official_schema(settings, tmp_path):
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    version = PackageVersion.objects.get(status="published")
    package = json.loads(version.json_file.open("rb").read())
    assert schema_errors(package) == []
    assert version.errors == []
    assert version.grants_count == len(package["grants"]) == 6
    ids = {g["id"] for g in package["grants"]}
    # Round 6 (last year) and round 7's accepted offers.
    assert ids == {f"360G-wypcc-MSCF-R6-000{n}" for n in (1, 2, 3)} | {
        f"360G-wypcc-MSCF-R7-000{n}" for n in (2, 3, 4)
    }
    # The women's centre runs a refuge: its location is withheld in the demo, both years.
    for refuge_id in ("360G-wypcc-MSCF-R6-0002", "360G-wypcc-MSCF-R7-0002"):
        refuge = next(g for g in package["grants"] if g["id"] == refuge_id)
        assert "beneficiaryLocation" not in refuge


# Any grant ------------------------------------------------------------------------------

WELSH = [*"ŵŷâêîôûẁẃẅỳŴŶ", "Cymdeithas", "Ddiogel", "Llanelli"]
URDU = [*"ابپتٹثجچحخدڈذرڑزژسشصضطظعغفقکگلمنںوہھیے", "محفوظ", "برادری"]
EMOJI = ["🥊", "💜", "🌈", "👩🏾‍🤝‍👩🏻", "❤️", "✨"]
PIECES = st.sampled_from(
    [*list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"), " ", "'", "\u2019", "&", "-", ",",
     ".", "(", ")", "0", "7", *WELSH, *URDU, *EMOJI, "=SUM(A1)", "@", "+", "\n"]
)  # fmt: skip


def words(min_size: int, max_size: int):
    return (
        st.lists(PIECES, min_size=min_size, max_size=max_size)
        .map("".join)
        .filter(lambda text: text.strip() and len(text) <= max_size * 2)
    )


REGISTERS = {
    "unregistered": (Organisation.Type.COMMUNITY_GROUP, "", ""),
    "charity": (Organisation.Type.REGISTERED_CHARITY, "1104567", ""),
    "scottish charity": (Organisation.Type.CIO, "SC012345", ""),
    "northern irish charity": (Organisation.Type.REGISTERED_CHARITY, "NIC100002", ""),
    "company": (Organisation.Type.CIC, "", "01234567"),
    "charitable company": (Organisation.Type.COMPANY_LIMITED_BY_GUARANTEE, "1098765", "04567890"),
}
# The seven area types of the Police and Crime Panel report.
AREA_TYPES = [*[(name,) for name in AREAS], ("Kirklees", "Wakefield"), "across"]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    name=words(1, 60),
    title=words(1, 60),
    summary=words(1, 200),
    amount=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("20000"), places=2),
    paid_share=st.sampled_from([None, Decimal("0.5"), Decimal("1")]),
    register=st.sampled_from(sorted(REGISTERS)),
    area=st.sampled_from(AREA_TYPES),
    location_withheld=st.booleans(),
)
def test_any_grant_makes_a_valid_package(
    plan,
    districts,
    publisher,
    name,
    title,
    summary,
    amount,
    paid_share,
    register,
    area,
    location_withheld,
):
    kind, charity, company = REGISTERS[register]
    group = OrganisationFactory(
        name=name[:200], type=kind, charity_number=charity, company_number=company
    )
    paid = () if paid_share is None else ((amount * paid_share).quantize(Decimal("0.01")),)
    paid = tuple(p for p in paid if p > 0)
    award = accepted_award(
        organisation=group,
        title=title[:140],
        summary=summary,
        amount=amount,
        paid=paid,
        across=area == "across",
        districts=() if area == "across" else area,
        location_withheld=location_withheld,
        decided_at=timezone.now() - dt.timedelta(days=3),
    )
    (published,) = [r for r in records_to_publish(publisher=publisher) if r.award_id == award.pk]
    grant = published.record
    assert schema_errors(package_of([grant], publisher)) == []
    # And 360Giving's quality checks find nothing wrong, unless the text looks personal.
    assume(not any(personal_data_problem(text) for text in (name, title, summary)))
    assume(title[:140].strip() != summary.strip())
    errors = [
        p for p in quality.problems([grant], today=timezone.localdate()) if p.severity == "error"
    ]
    assert errors == []
    assert grant["amountAwarded"] == float(amount) or grant["amountAwarded"] == int(amount)
    assert Decimal(str(grant["amountDisbursed"])) == sum(paid, Decimal(0))


def test_validating_grant_by_grant_finds_what_validating_the_whole_package_finds():
    good = {
        "id": "360G-wypcc-1",
        "title": "T",
        "description": "D",
        "currency": "GBP",
        "amountAwarded": 100,
        "awardDate": "2024-03-01",
        "recipientOrganization": [{"id": "GB-CHC-1012345", "name": "A"}],
        "fundingOrganization": [{"id": "360G-wypcc", "name": "F"}],
    }
    bad = dict(good, id="360G-wypcc-2", amountAwarded="100", currency="QQQ")
    bad.pop("title")
    package = {"grants": [good, bad, good], "issued": "not a date", "license": "x y"}
    whole = {
        "/".join(str(p) for p in e.absolute_path) for e in package_validator().iter_errors(package)
    }
    assert whole == {
        "grants",
        "issued",
        "license",
        "grants/1/amountAwarded",
        "grants/1/currency",
        "grants/1",
    }
    ours = {(e.grant, e.path) for e in schema_errors(package)}
    assert ("", "issued") in ours and ("", "license") in ours
    assert ("360G-wypcc-2", "amountAwarded") in ours and ("360G-wypcc-2", "currency") in ours
    assert ("360G-wypcc-2", "") in ours  # the missing title (a oneOf of required fields)
    assert ("360G-wypcc-1", "") in ours  # the third grant repeats the first (uniqueItems)
    assert not package_validator().is_valid(package)
    assert schema_errors({"grants": [good]}) == [] and package_validator().is_valid(
        {"grants": [good]}
    )
