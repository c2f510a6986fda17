"""The data-quality checks 360Giving's own quality tool makes, on the grants of a package.

Learnt from ThreeSixtyGiving/dataquality (lib360dataquality), written for our data. An
error stops the file being published (the version before it stays up and officers see
each problem); a notice is shown to officers and does not stop it. Pure: grants in,
problems out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

from core.orgids import charity_number_problem, company_number_problem, org_id_problem
from grants.publication import personal_data_problem

ERROR = "error"
NOTICE = "notice"
FAR_FUTURE_YEARS = 12
# Roughly a UK postcode, spaces anywhere (as the quality tool looks for them).
POSTCODE = re.compile(r"^\s*[a-z]{1,2}\d[a-z\d]?\s*\d[a-z]{2}\s*$", re.IGNORECASE)
# Text people read: where personal data could hide. Identifiers, codes and links are not.
TEXT_KEYS = frozenset({"title", "description", "name"})


@dataclass(frozen=True)
class Problem:
    check: str  # the check's name, like "zero-amount"
    severity: str  # ERROR or NOTICE
    grant: str  # the grant's id
    field: str  # where: "recipientOrganization/0/charityNumber"
    message: str  # in words an officer can act on

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


Grant = dict[str, Any]
Check = Callable[[Grant, dt.date], Iterator[tuple[str, str]]]
CHECKS: list[tuple[str, str, Check]] = []


def check(name: str, severity: str = ERROR):
    def register(function: Check) -> Check:
        CHECKS.append((name, severity, function))
        return function

    return register


def _parse(value: Any) -> dt.date | None:
    """The date of a YYYY-MM-DD or date-time string; None if it names no real day."""
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value.split("T")[0])
    except ValueError:
        return None


def _dates(grant: Grant) -> Iterator[tuple[str, Any]]:
    yield "awardDate", grant.get("awardDate")
    for index, event in enumerate(grant.get("plannedDates") or []):
        for key in ("startDate", "endDate"):
            if key in event:
                yield f"plannedDates/{index}/{key}", event[key]


def _organisations(grant: Grant) -> Iterator[tuple[str, dict]]:
    for kind in ("recipientOrganization", "fundingOrganization"):
        for index, organisation in enumerate(grant.get(kind) or []):
            yield f"{kind}/{index}", organisation


def _texts(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}/{key}" if path else key
            if isinstance(item, str) and key in TEXT_KEYS:
                yield where, item
            elif isinstance(item, dict | list):
                yield from _texts(item, where)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _texts(item, f"{path}/{index}")


@check("zero-amount")
def _zero_amount(grant: Grant, today: dt.date):
    if grant.get("amountAwarded") == 0:
        yield (
            "amountAwarded",
            "The amount awarded is £0: a grant of nothing should not be published.",
        )


@check("organisation-identifier")
def _org_ids(grant: Grant, today: dt.date):
    for where, organisation in _organisations(grant):
        problem = org_id_problem(str(organisation.get("id", "")))
        if problem:
            yield f"{where}/id", problem


def _register_numbers(grant: Grant, key: str, problem_of: Callable[[str], str | None]):
    for index, organisation in enumerate(grant.get("recipientOrganization") or []):
        if key in organisation:
            problem = problem_of(str(organisation[key]))
            if problem:
                yield f"recipientOrganization/{index}/{key}", problem


@check("charity-number")
def _charity_numbers(grant: Grant, today: dt.date):
    yield from _register_numbers(grant, "charityNumber", charity_number_problem)


@check("company-number")
def _company_numbers(grant: Grant, today: dt.date):
    yield from _register_numbers(grant, "companyNumber", company_number_problem)


@check("personal-data")
def _personal_data(grant: Grant, today: dt.date):
    for where, text in _texts(grant):
        found = personal_data_problem(text)
        if found:
            yield where, f"It looks like it has {found} in it: nothing personal may be published."


@check("grant-identifier")
def _grant_id(grant: Grant, today: dt.date):
    grant_id = str(grant.get("id", ""))
    if not grant_id or re.search(r"[\s/]", grant_id):
        yield "id", "The grant identifier has spaces, slashes or line breaks, or is empty."


@check("missing-grant-programme")
def _programme(grant: Grant, today: dt.date):
    if not grant.get("grantProgramme"):
        yield "grantProgramme", "There is no grant programme (the fund and round)."


@check("missing-last-modified")
def _last_modified(grant: Grant, today: dt.date):
    if not grant.get("dateModified"):
        yield "dateModified", "There is no date the grant was last changed."


@check("missing-data-source")
def _data_source(grant: Grant, today: dt.date):
    if not grant.get("dataSource"):
        yield "dataSource", "There is no data source (the address of our open data page)."


@check("missing-location", NOTICE)
def _location(grant: Grant, today: dt.date):
    if not grant.get("beneficiaryLocation"):
        yield "beneficiaryLocation", "No location is published (it was withheld, or none given)."


@check("title-length")
def _title_length(grant: Grant, today: dt.date):
    if len(str(grant.get("title", ""))) > 140:
        yield "title", "The title is longer than 140 characters."


@check("title-is-description")
def _title_is_description(grant: Grant, today: dt.date):
    title, description = grant.get("title"), grant.get("description")
    if title and description and str(title).strip() == str(description).strip():
        yield "description", "The description only repeats the title."


@check("impossible-date")
def _impossible_dates(grant: Grant, today: dt.date):
    for where, value in _dates(grant):
        if value is not None and _parse(value) is None:
            yield where, f"“{value}” is not a real date."


@check("dates-out-of-order")
def _order(grant: Grant, today: dt.date):
    for index, event in enumerate(grant.get("plannedDates") or []):
        start, end = _parse(event.get("startDate")), _parse(event.get("endDate"))
        if start and end and start > end:
            yield f"plannedDates/{index}/startDate", "The planned start is after the planned end."


@check("far-future-date")
def _far_future(grant: Grant, today: dt.date):
    limit = today.replace(year=today.year + FAR_FUTURE_YEARS, day=min(today.day, 28))
    for where, value in _dates(grant):
        day = _parse(value)
        if where != "awardDate" and day and day > limit:
            yield where, f"{value} is more than {FAR_FUTURE_YEARS} years away."


@check("award-date-in-future")
def _post_dated(grant: Grant, today: dt.date):
    day = _parse(grant.get("awardDate"))
    if day and day > today:
        yield "awardDate", f"The award date {grant['awardDate']} is after today."


@check("geographic-code-is-a-postcode")
def _postcode(grant: Grant, today: dt.date):
    for index, place in enumerate(grant.get("beneficiaryLocation") or []):
        if POSTCODE.match(str(place.get("geoCode") or "")):
            yield (
                f"beneficiaryLocation/{index}/geoCode",
                "The geographic code looks like a postcode: publish an ONS area code instead.",
            )


def problems(grants: list[Grant], *, today: dt.date) -> list[Problem]:
    """Every problem with every grant, grant by grant; duplicate identifiers too."""
    found: list[Problem] = []
    seen: set[str] = set()
    for grant in grants:
        grant_id = str(grant.get("id", ""))
        for name, severity, function in CHECKS:
            for field, message in function(grant, today):
                found.append(Problem(name, severity, grant_id, field, message))
        if grant_id in seen:
            found.append(
                Problem("duplicate-identifier", ERROR, grant_id, "id", "Two grants share this id.")
            )
        seen.add(grant_id)
    return found
