"""One accepted grant as 360Giving publishes it (grants.publication)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Organisation
from grants.publication import (
    PublicText,
    area_label,
    grant_record,
    looks_like_email,
    looks_like_phone,
    months_between,
    public_text_errors,
)
from grants.selectors.publication import award_for_publication
from tests.factories import OrganisationFactory
from tests.opendata.conftest import accepted_award

pytestmark = pytest.mark.django_db
T = Organisation.Type


def record(award, publisher, text=None):
    return grant_record(award_for_publication(award_id=award.pk), publisher, text)


def test_a_grant_has_the_360giving_core_fields_from_the_award(plan, districts, publisher):
    award = accepted_award(amount="6000.50", requested="7000", paid=("2500.25",))
    grant = record(award, publisher)
    assert grant["id"] == f"360G-wypcc-{award.reference}"
    assert grant["title"] == "Gloves Up, Knives Down"
    assert grant["description"].startswith("Boxing sessions")
    assert grant["currency"] == "GBP"
    assert grant["amountAppliedFor"] == 7000
    assert grant["amountAwarded"] == 6000.5
    assert grant["amountDisbursed"] == 2500.25
    assert grant["awardDate"] == timezone.localdate(award.decided_at).isoformat()
    assert grant["fromOpenCall"] == "Yes"
    assert grant["fundingOrganization"] == [
        {"id": "360G-wypcc", "name": "West Yorkshire Combined Authority"}
    ]
    assert grant["dataSource"] == "http://127.0.0.1:8000/open-data/"
    round = award.application.round
    assert grant["grantProgramme"] == [
        {
            "code": round.reference_prefix,
            "title": f"Mayor's Safer Communities Fund, round {round.number}: {round.title}",
        }
    ]


def test_planned_dates_give_start_end_and_whole_months(plan, districts, publisher):
    award = accepted_award()
    (dates,) = record(award, publisher)["plannedDates"]
    assert dates == {
        "startDate": award.planned_start.isoformat(),
        "endDate": award.planned_end.isoformat(),
        "duration": months_between(award.planned_start, award.planned_end),
    }


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        ("2024-04-01", "2025-03-31", 12),
        ("2024-01-10", "2024-12-09", 11),
        ("2024-05-01", "2024-05-02", 1),
    ],
)
def test_months_between_counts_a_part_month_as_one(start, end, months):
    import datetime as dt

    assert months_between(dt.date.fromisoformat(start), dt.date.fromisoformat(end)) == months


def test_no_payment_yet_is_disbursed_zero(plan, districts, publisher):
    assert record(accepted_award(), publisher)["amountDisbursed"] == 0


def test_the_plan_priority_outcomes_and_themes_are_classified_by_the_plans_code(
    plan, districts, publisher
):
    award = accepted_award(priority="P2")
    grant = record(award, publisher)
    vocabularies = {item["vocabulary"] for item in grant["classifications"]}
    assert vocabularies == {plan.code}
    codes = [item["code"] for item in grant["classifications"]]
    assert codes[0] == "P2"
    assert codes[1:3] == sorted(o.code for o in award.outcomes.all())
    assert codes[3] == award.themes.get().code
    assert grant["classifications"][0]["title"] == award.primary_priority.title


# Recipients --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "charity", "company", "org_id", "numbers"),
    [
        (T.REGISTERED_CHARITY, "1104567", "", "GB-CHC-1104567", {"charityNumber": "1104567"}),
        (T.REGISTERED_CHARITY, "1104567-1", "", "GB-CHC-1104567", {"charityNumber": "1104567"}),
        (T.CIO, "SC012345", "", "GB-SC-SC012345", {"charityNumber": "SC012345"}),
        (T.REGISTERED_CHARITY, "NIC100002", "", "GB-NIC-100002", {"charityNumber": "100002"}),
        (T.CIC, "", "01234567", "GB-COH-01234567", {"companyNumber": "01234567"}),
        (
            T.COMPANY_LIMITED_BY_GUARANTEE,
            "1098765",
            "04567890",
            "GB-CHC-1098765",
            {"charityNumber": "1098765", "companyNumber": "04567890"},
        ),
        (
            T.COMPANY_LIMITED_BY_GUARANTEE,
            "",
            "SC123456",
            "GB-COH-SC123456",
            {"companyNumber": "SC123456"},
        ),
    ],
)
def test_a_registered_group_is_named_by_its_register(
    plan, districts, publisher, kind, charity, company, org_id, numbers
):
    group = OrganisationFactory(type=kind, charity_number=charity, company_number=company)
    (recipient,) = record(accepted_award(organisation=group), publisher)["recipientOrganization"]
    assert recipient == {"id": org_id, "name": group.name, **numbers}


def test_an_unregistered_group_gets_our_own_identifier_and_no_address(plan, districts, publisher):
    group = OrganisationFactory(
        name="Friends of Roundhay Park", address_line_1="7 Private Lane", postcode="LS8 2AA"
    )
    grant = record(accepted_award(organisation=group), publisher)
    assert grant["recipientOrganization"] == [
        {"id": f"360G-wypcc-org-{group.uuid}", "name": "Friends of Roundhay Park"}
    ]
    text = json.dumps(grant)
    assert "Private Lane" not in text and "LS8 2AA" not in text


def test_a_district_council_is_named_by_the_local_authority_register(plan, districts, publisher):
    council = OrganisationFactory(
        name="Leeds City Council", type=T.LOCAL_AUTHORITY, district=districts["Leeds"]
    )
    parish = OrganisationFactory(
        name="Otley Town Council", type=T.LOCAL_AUTHORITY, district=districts["Leeds"]
    )
    assert (
        record(accepted_award(organisation=council), publisher)["recipientOrganization"][0]["id"]
        == "GB-LAE-LDS"
    )
    assert (
        record(accepted_award(organisation=parish), publisher)["recipientOrganization"][0]["id"]
        == f"360G-wypcc-org-{parish.uuid}"
    )


def test_nothing_personal_about_the_people_who_accepted_is_published(plan, districts, publisher):
    award = accepted_award(
        signatory_name="Aisha Khan",
        signatory_position="Treasurer",
        supplier_name="Org A Youth Project",
        supplier_address="1 Street, Leeds LS1 1AA",
        supplier_email="treasurer@example.org",
    )
    text = json.dumps(record(award, publisher))
    for personal in ("Aisha Khan", "Treasurer", "treasurer@example.org", "LS1 1AA", "1 Street"):
        assert personal not in text
    for key in ("streetAddress", "postalCode", "email", "telephone", "contactName"):
        assert f'"{key}"' not in text


# Where ------------------------------------------------------------------------------------


def test_each_district_is_published_with_its_ons_code(plan, districts, publisher):
    grant = record(accepted_award(districts=("Wakefield", "Bradford")), publisher)
    assert grant["beneficiaryLocation"] == [
        {"name": "Bradford", "countryCode": "GB", "geoCode": "E08000032", "geoCodeType": "MD"},
        {"name": "Wakefield", "countryCode": "GB", "geoCode": "E08000036", "geoCodeType": "MD"},
    ]
    assert area_label(grant, publisher) == "Multi-District"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Bradford", "E08000032"),
        ("Calderdale", "E08000033"),
        ("Kirklees", "E08000034"),
        ("Leeds", "E08000035"),
        ("Wakefield", "E08000036"),
    ],
)
def test_one_district_is_its_own_area(plan, districts, publisher, name, code):
    grant = record(accepted_award(districts=(name,)), publisher)
    assert [place["geoCode"] for place in grant["beneficiaryLocation"]] == [code]
    assert area_label(grant, publisher) == name


def test_across_west_yorkshire_is_the_combined_authority_area(plan, districts, publisher):
    grant = record(accepted_award(across=True), publisher)
    assert grant["beneficiaryLocation"] == [
        {
            "name": "West Yorkshire",
            "countryCode": "GB",
            "geoCode": "E47000003",
            "geoCodeType": "CAUTH",
        }
    ]
    assert area_label(grant, publisher) == "Across West Yorkshire"


def test_a_withheld_location_is_left_out(plan, districts, publisher):
    award = accepted_award(districts=("Calderdale",), location_withheld=True)
    grant = record(award, publisher)
    assert "beneficiaryLocation" not in grant
    assert "Calderdale" not in json.dumps(grant) and "E08000033" not in json.dumps(grant)
    assert area_label(grant, publisher) == "Location not published"


def test_the_preview_uses_the_text_as_typed(plan, districts, publisher):
    award = accepted_award()
    grant = record(award, publisher, PublicText("A new title", "What we do.", True))
    assert (grant["title"], grant["description"]) == ("A new title", "What we do.")
    assert "beneficiaryLocation" not in grant


def test_last_modified_follows_the_latest_change(plan, districts, publisher):
    award = accepted_award(paid=("100",))
    grant = record(award, publisher)
    assert grant["dateModified"].endswith(("+00:00", "+01:00"))
    assert grant["dateModified"] >= grant["awardDate"]


# What the group writes ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "write to jo.bloggs@example.org",
        "Call 0113 251 7272",
        "ring 07700 900123 today",
        "+44 7700 900 123",
    ],
)
def test_contact_details_are_recognised(text):
    assert looks_like_email(text) or looks_like_phone(text)


@pytest.mark.parametrize(
    "text",
    [
        "We helped 258 people in 2024 and 2025",
        "A £10,000 project for 120 young people",
        "Round 7, 12 months, 3 districts",
        "360G-wypcc-MSCF-R7-0001",
    ],
)
def test_ordinary_numbers_are_not_phone_numbers(text):
    assert not looks_like_phone(text) and not looks_like_email(text)


def test_public_text_errors_name_the_field_and_say_what_to_do():
    assert public_text_errors(title="", summary="") == {
        "public_title": "Enter the project title to publish.",
        "public_summary": "Enter the project summary to publish.",
    }
    errors = public_text_errors(title="Call 0113 251 7272", summary="Email me at a@b.org")
    assert errors["public_title"].startswith("Remove a phone number from the project title")
    assert errors["public_summary"].startswith("Remove an email address from the project summary")
    assert public_text_errors(title="Boxing", summary="boxing") == {
        "public_summary": "Write a project summary that says more than the title: what the "
        "project does, for whom, and where in general terms."
    }
    assert "1,000 characters" in public_text_errors(title="A", summary="x" * 1001)["public_summary"]
    assert public_text_errors(title="Boxing", summary="Boxing for young people.") == {}


def test_amounts_are_plain_numbers(plan, districts, publisher):
    grant = record(accepted_award(amount=Decimal("8000")), publisher)
    assert grant["amountAwarded"] == 8000 and isinstance(grant["amountAwarded"], int)
