"""One accepted grant as 360Giving publishes it: a pure mapping from a loaded award.

grants publishes its own grants: the group sees this very record at acceptance (the
preview), officers see it on the grant's publication page, and open data packages the
records of every grant that may be published. Nothing here queries: the selectors in
grants.selectors.publication load the award with everything it reads.

What is never published: people's names, emails, phone numbers or addresses (the group's
own address included: a refuge's would give it away), bank or supplier details, and a
location the group or an officer withheld. Text the group writes is refused at acceptance
when it looks like an email address or a phone number (`public_text_errors`).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse

from accounts.models import Organisation
from core.orgids import org_id_problem
from grants.models import Award
from grants.models.awards import PUBLIC_SUMMARY_MAX, PUBLIC_TITLE_MAX
from grants.selectors.rounds import AREA_ORDER

ACROSS_THE_AREA = AREA_ORDER[-1]  # "Across West Yorkshire"
MULTI_DISTRICT = AREA_ORDER[-2]  # "Multi-District"
LOCATION_NOT_PUBLISHED = "Location not published"

# ONS code types by the entity part of the code (E08 is a metropolitan district), as
# 360Giving's geoCodeType codelist names them; a combined authority area (E47), which the
# codelist lacks, by ONS's own abbreviation.
ONS_CODE_TYPES = {
    "E06": "UA",
    "E07": "NMD",
    "E08": "MD",
    "E09": "LONB",
    "E10": "CTY",
    "E12": "RGN",
    "E23": "PFA",
    "E47": "CAUTH",
    "W06": "UA",
    "S12": "CA",
}
# Local authorities in England (org-id GB-LAE) by their district's ONS code: a group of
# type "local authority" in one of these districts is that district's council.
LOCAL_AUTHORITY_CODES = {
    "E08000032": "BRD",  # City of Bradford Metropolitan District Council
    "E08000033": "CLD",  # Calderdale Metropolitan Borough Council
    "E08000034": "KIR",  # Kirklees Council
    "E08000035": "LDS",  # Leeds City Council
    "E08000036": "WKF",  # Wakefield Metropolitan District Council
}
# A town or parish council is a local authority on no national register.
_LOWER_TIER = re.compile(r"\b(parish|town|community|village)\s+council\b", re.IGNORECASE)

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_DIGITS_RUN = re.compile(r"\+?\(?\d[\d\s()-]{8,}\d")


@dataclass(frozen=True)
class Publisher:
    """Who publishes: from settings (OPEN_DATA_*), validated when the service starts."""

    prefix: str
    funder_id: str
    funder_name: str
    data_source: str
    area_code: str
    area_name: str

    @classmethod
    def from_settings(cls) -> Publisher:
        return cls(
            prefix=settings.OPEN_DATA_PREFIX,
            funder_id=settings.OPEN_DATA_FUNDER_ID,
            funder_name=settings.OPEN_DATA_FUNDER_NAME,
            data_source=settings.SITE_URL + reverse("opendata:index"),
            area_code=settings.OPEN_DATA_AREA_CODE,
            area_name=settings.OPEN_DATA_AREA_NAME,
        )


@dataclass(frozen=True)
class PublicText:
    """What the group writes for publication (typed, before it is saved, for the preview)."""

    title: str
    summary: str
    withhold_location: bool = False


# Personal data in text ------------------------------------------------------------------


def looks_like_email(text: str) -> bool:
    return bool(EMAIL.search(text or ""))


def looks_like_phone(text: str) -> bool:
    """A UK phone number: 10 or 11 digits from 0, or +44 and the rest, however spaced."""
    for match in _DIGITS_RUN.finditer(text or ""):
        digits = re.sub(r"\D", "", match.group())
        if digits.startswith("0") and len(digits) in (10, 11):
            return True
        if digits.startswith("44") and len(digits) in (11, 12):
            return True
    return False


def personal_data_problem(text: str) -> str | None:
    """ "an email address" or "a phone number" when `text` holds one, else None."""
    if looks_like_email(text):
        return "an email address"
    if looks_like_phone(text):
        return "a phone number"
    return None


def public_text_errors(*, title: str, summary: str) -> dict[str, str]:
    """Every problem with what the group wrote for publication, by field, in words."""
    errors: dict[str, str] = {}
    title, summary = title.strip(), summary.strip()
    for field, text, what, limit in (
        ("public_title", title, "project title to publish", PUBLIC_TITLE_MAX),
        ("public_summary", summary, "project summary to publish", PUBLIC_SUMMARY_MAX),
    ):
        found = personal_data_problem(text)
        if not text:
            errors[field] = f"Enter the {what}."
        elif len(text) > limit:
            errors[field] = f"The {what} must be {limit:,} characters or fewer."
        elif found:
            errors[field] = (
                f"Remove {found} from the {what}: everything in it is published, so it must "
                "not say how to reach a person."
            )
    if title and summary and title.casefold() == summary.casefold() and not errors:
        errors["public_summary"] = (
            "Write a project summary that says more than the title: what the project does, "
            "for whom, and where in general terms."
        )
    return errors


# Identifiers -----------------------------------------------------------------------------


def grant_identifier(publisher: Publisher, reference: str) -> str:
    """`360G-wypcc-MSCF-R7-0001`: the prefix and our reference, no spaces or slashes."""
    return f"{publisher.prefix}-{re.sub(r'[^A-Za-z0-9-]+', '-', reference).strip('-')}"


def _charity(number: str) -> tuple[str, str] | None:
    """(org-id, the number as published) for a charity number, or None."""
    number = (number or "").strip().upper()
    if re.fullmatch(r"\d{6,7}(-\d{1,2})?", number):
        main = number.split("-")[0]  # a linked charity is published as its main charity
        return f"GB-CHC-{main}", main
    if re.fullmatch(r"SC\d{6}", number):
        return f"GB-SC-{number}", number
    if re.fullmatch(r"(NIC)?\d{6}", number):
        digits = number.removeprefix("NIC")
        return f"GB-NIC-{digits}", digits
    return None


def recipient_organisation(organisation: Organisation, publisher: Publisher) -> dict[str, str]:
    """Identifier, name, and charity and company numbers; never an address or a person.

    The identifier is the organisation's charity, else company, else (for a district
    council) local authority register entry; a group on no register gets
    `<prefix>-org-<its uuid>`."""
    charity = _charity(organisation.charity_number)
    company = (organisation.company_number or "").strip().upper()
    council = _council_code(organisation)
    if charity:
        org_id = charity[0]
    elif company:
        org_id = f"GB-COH-{company}"
    elif council:
        org_id = f"GB-LAE-{council}"
    else:
        org_id = f"{publisher.prefix}-org-{organisation.uuid}"
    if org_id_problem(org_id):  # a number in no standard form: our own identifier
        org_id = f"{publisher.prefix}-org-{organisation.uuid}"
    record = {"id": org_id, "name": organisation.name.strip()}
    if charity:
        record["charityNumber"] = charity[1]
    if company:
        record["companyNumber"] = company
    return record


def _council_code(organisation: Organisation) -> str | None:
    if organisation.type != Organisation.Type.LOCAL_AUTHORITY or organisation.district is None:
        return None
    if _LOWER_TIER.search(organisation.name):
        return None
    return LOCAL_AUTHORITY_CODES.get(organisation.district.ons_code)


# Places ----------------------------------------------------------------------------------


def code_type(ons_code: str) -> str | None:
    return ONS_CODE_TYPES.get(ons_code[:3]) if ons_code else None


def _place(name: str, ons_code: str) -> dict[str, str]:
    place = {"name": name, "countryCode": "GB"}
    kind = code_type(ons_code)
    if ons_code and kind:
        place.update({"geoCode": ons_code, "geoCodeType": kind})
    return place


def beneficiary_locations(award: Award, publisher: Publisher) -> list[dict[str, str]]:
    """Each district the project works in with its ONS code; the whole area for "Across
    West Yorkshire". Reads the application's prefetched districts."""
    application = award.application
    if application.across_west_yorkshire:
        return [_place(publisher.area_name, publisher.area_code)]
    districts = sorted(application.districts.all(), key=lambda d: (d.position, d.name))
    return [_place(d.name, d.ons_code) for d in districts]


def area_label(record: dict[str, Any], publisher: Publisher) -> str:
    """The Panel report's area for a published record: one district, Multi-District,
    Across West Yorkshire, or "Location not published" when it gives none."""
    places = record.get("beneficiaryLocation") or []
    if not places:
        return LOCATION_NOT_PUBLISHED
    if len(places) == 1 and places[0].get("geoCode") == publisher.area_code:
        return ACROSS_THE_AREA
    if len(places) == 1:
        return places[0]["name"]
    return MULTI_DISTRICT


# Dates and money -------------------------------------------------------------------------


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from `start` to `end`, counting a part month as one (1 April to 31
    March is 12)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day >= start.day:
        months += 1
    return max(months, 1)


def number(amount: Decimal) -> int | float:
    """A plain JSON number: 6000, or 6000.5 for pence (exact: two decimal places)."""
    amount = Decimal(amount).quantize(Decimal("0.01"))
    return int(amount) if amount == amount.to_integral_value() else float(amount)


@functools.cache
def _zone() -> ZoneInfo:
    """The service's time zone, read once: timezone.localtime() looks it up each call,
    which is most of the time taken to map thousands of grants."""
    return ZoneInfo(settings.TIME_ZONE)


def instant(moment: dt.datetime) -> str:
    return moment.astimezone(_zone()).isoformat(timespec="seconds")


def last_modified(award: Award) -> dt.datetime:
    """When anything published about the grant last changed: its acceptance, its public
    text or a withholding, a payment, or its recipient's record."""
    moments = [
        award.decided_at,
        award.accepted_at,
        award.publication_changed_at,
        award.application.organisation.updated_at,
        *(i.recorded_at for i in award.instalments.all() if i.paid_on),
    ]
    return max(m for m in moments if m is not None)


# The record ------------------------------------------------------------------------------


def grant_record(
    award: Award, publisher: Publisher, text: PublicText | None = None
) -> dict[str, Any]:
    """The 360Giving grant for `award`, loaded with its application, organisation (and its
    district), round and fund, districts, plan alignment and instalments.

    `text` stands in for the saved public title and summary (the acceptance preview)."""
    application = award.application
    round = application.round
    text = text or PublicText(
        title=award.public_title, summary=award.public_summary, withhold_location=False
    )
    disbursed = sum((i.paid_amount or Decimal(0) for i in award.instalments.all()), Decimal(0))
    record: dict[str, Any] = {
        "id": grant_identifier(publisher, award.reference),
        "title": text.title.strip()[:PUBLIC_TITLE_MAX],
        "description": text.summary.strip(),
        "currency": "GBP",
        "amountAppliedFor": number(application.amount_requested or award.amount),
        "amountAwarded": number(award.amount),
        "amountDisbursed": number(disbursed),
        "awardDate": award.decided_at.astimezone(_zone()).date().isoformat(),
        "plannedDates": [
            {
                "startDate": award.planned_start.isoformat(),
                "endDate": award.planned_end.isoformat(),
                "duration": months_between(award.planned_start, award.planned_end),
            }
        ],
        "recipientOrganization": [recipient_organisation(application.organisation, publisher)],
        "fundingOrganization": [{"id": publisher.funder_id, "name": publisher.funder_name}],
        "grantProgramme": [
            {
                "code": round.reference_prefix,
                "title": f"{round.fund.name}, round {round.number}: {round.title}",
            }
        ],
        "fromOpenCall": "Yes",
        "classifications": classifications(award),
        "dateModified": instant(last_modified(award)),
        "dataSource": publisher.data_source,
    }
    if not (award.location_withheld or text.withhold_location):
        places = beneficiary_locations(award, publisher)
        if places:
            record["beneficiaryLocation"] = places
    return record


def classifications(award: Award) -> list[dict[str, str]]:
    """The plan priority, then its outcomes and themes, with the plan's code as vocabulary."""
    vocabulary = award.plan.code
    rows = [award.primary_priority]
    rows += sorted(award.outcomes.all(), key=lambda o: o.code)
    rows += sorted(award.themes.all(), key=lambda t: t.code)
    return [{"vocabulary": vocabulary, "code": row.code, "title": row.title} for row in rows]
