"""Each of 360Giving's quality checks, triggered one at a time on a good grant."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from opendata.quality import ERROR, NOTICE, problems

TODAY = dt.date(2026, 6, 15)
GOOD = {
    "id": "360G-wypcc-MSCF-R7-0001",
    "title": "Gloves Up, Knives Down",
    "description": "Boxing sessions and mentoring for young people.",
    "currency": "GBP",
    "amountAppliedFor": 7500,
    "amountAwarded": 7000,
    "amountDisbursed": 0,
    "awardDate": "2026-03-01",
    "plannedDates": [{"startDate": "2026-04-01", "endDate": "2027-03-31", "duration": 12}],
    "recipientOrganization": [
        {"id": "GB-CHC-1104567", "name": "Calder Valley Women's Centre", "charityNumber": "1104567"}
    ],
    "beneficiaryLocation": [
        {"name": "Leeds", "countryCode": "GB", "geoCode": "E08000035", "geoCodeType": "MD"}
    ],
    "fundingOrganization": [{"id": "360G-wypcc", "name": "West Yorkshire Combined Authority"}],
    "grantProgramme": [{"code": "MSCF-R7", "title": "Mayor's Safer Communities Fund, round 7"}],
    "fromOpenCall": "Yes",
    "classifications": [{"vocabulary": "WY-PCP-2021-24", "code": "P3", "title": "Safer Places"}],
    "dateModified": "2026-03-08T10:00:00+00:00",
    "dataSource": "https://grants.example.org/open-data/",
}


def with_change(path: str, value):
    grant = copy.deepcopy(GOOD)
    *parents, last = path.split("/")
    target = grant
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    if value is DELETE:
        del target[last]
    else:
        target[last] = value
    return grant


DELETE = object()


def test_a_good_grant_has_no_problems():
    assert problems([GOOD], today=TODAY) == []


CASES = [
    # check, change, value, field reported
    ("zero-amount", "amountAwarded", 0, "amountAwarded"),
    (
        "organisation-identifier",
        "recipientOrganization/0/id",
        "XX-FOO-123",
        "recipientOrganization/0/id",
    ),
    (
        "organisation-identifier",
        "recipientOrganization/0/id",
        "GB-CHC-12AB",
        "recipientOrganization/0/id",
    ),
    (
        "organisation-identifier",
        "recipientOrganization/0/id",
        "GB-COH-1234",
        "recipientOrganization/0/id",
    ),
    (
        "organisation-identifier",
        "fundingOrganization/0/id",
        "West Yorks",
        "fundingOrganization/0/id",
    ),
    (
        "charity-number",
        "recipientOrganization/0/charityNumber",
        "12345",
        "recipientOrganization/0/charityNumber",
    ),
    (
        "company-number",
        "recipientOrganization/0/companyNumber",
        "123",
        "recipientOrganization/0/companyNumber",
    ),
    ("personal-data", "description", "Email jo@example.org to join", "description"),
    ("personal-data", "title", "Ring 0113 251 7272", "title"),
    (
        "personal-data",
        "recipientOrganization/0/name",
        "Jo Bloggs, 07700 900123",
        "recipientOrganization/0/name",
    ),
    ("grant-identifier", "id", "360G-wypcc-MSCF/R7 0001", "id"),
    ("missing-grant-programme", "grantProgramme", DELETE, "grantProgramme"),
    ("missing-last-modified", "dateModified", DELETE, "dateModified"),
    ("missing-data-source", "dataSource", DELETE, "dataSource"),
    ("title-length", "title", "x" * 141, "title"),
    ("title-is-description", "description", "Gloves Up, Knives Down", "description"),
    ("impossible-date", "awardDate", "2025-02-29", "awardDate"),
    ("impossible-date", "plannedDates/0/endDate", "2027-09-31", "plannedDates/0/endDate"),
    ("dates-out-of-order", "plannedDates/0/startDate", "2027-06-01", "plannedDates/0/startDate"),
    ("far-future-date", "plannedDates/0/endDate", "2039-01-01", "plannedDates/0/endDate"),
    ("award-date-in-future", "awardDate", "2026-06-16", "awardDate"),
    (
        "geographic-code-is-a-postcode",
        "beneficiaryLocation/0/geoCode",
        "LS7 3AS",
        "beneficiaryLocation/0/geoCode",
    ),
]


@pytest.mark.parametrize(("check", "path", "value", "field"), CASES)
def test_each_check_finds_its_fault_and_stops_the_file(check, path, value, field):
    found = problems([with_change(path, value)], today=TODAY)
    assert [(p.check, p.field, p.severity) for p in found] == [(check, field, ERROR)]
    assert found[0].message
    if check != "grant-identifier":
        assert found[0].grant == GOOD["id"]


def test_every_check_has_a_case_here():
    from opendata.quality import CHECKS

    tested = {case[0] for case in CASES} | {"missing-location", "duplicate-identifier"}
    assert {name for name, _, _ in CHECKS} | {"duplicate-identifier"} == tested


def test_a_grant_without_a_location_is_a_notice_that_does_not_stop_the_file():
    found = problems([with_change("beneficiaryLocation", DELETE)], today=TODAY)
    assert [(p.check, p.severity) for p in found] == [("missing-location", NOTICE)]


def test_two_grants_with_one_identifier_are_an_error():
    found = problems([GOOD, copy.deepcopy(GOOD)], today=TODAY)
    assert [(p.check, p.severity) for p in found] == [("duplicate-identifier", ERROR)]


def test_identifiers_and_links_are_not_mistaken_for_phone_numbers():
    grant = with_change("recipientOrganization/0/id", "360G-wypcc-org-0123-4567-89ab")
    grant["dataSource"] = "https://grants.example.org/01132517272/"
    assert [p.check for p in problems([grant], today=TODAY)] == []


def test_a_date_twelve_years_away_is_allowed_but_not_more():
    near = with_change("plannedDates/0/endDate", "2038-06-14")
    assert problems([near], today=TODAY) == []
