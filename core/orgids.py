"""Organisation identifiers (org-id.guide) and 360Giving publisher prefixes, checked in words.

An org-id is a register's prefix and the organisation's number on that register:
`GB-CHC-1012345` (Charity Commission for England and Wales), `GB-SC-SC012345` (Scotland),
`GB-NIC-100002` (Northern Ireland), `GB-COH-01234567` (Companies House, eight characters
with their leading zeros), `GB-LAE-LDS` (local authorities in England). An organisation on
no register gets one from the publisher's own prefix: `360G-wypcc-org-<its uuid>`.

Pure functions: settings validate with them at start-up, grants builds identifiers with
them, and open data's quality checks read them.
"""

from __future__ import annotations

import re

# The UK registers of the org-id list we can expect among community groups and funders,
# and 360Giving's own prefix for organisations on none.
RECOGNISED_PREFIXES = (
    "GB-CHC",  # Charity Commission for England and Wales
    "GB-SC",  # Office of the Scottish Charity Regulator
    "GB-NIC",  # Charity Commission for Northern Ireland
    "GB-COH",  # Companies House
    "GB-LAE",  # Local authorities in England
    "GB-LAS",  # Local authorities in Scotland
    "GB-LAW",  # Local authorities in Wales
    "GB-PLA",  # Principal local authorities in Wales
    "GB-LANI",  # Local authorities in Northern Ireland
    "GB-GOR",  # Government organisations register
    "GB-EDU",  # Schools and colleges (Get Information About Schools)
    "GB-UKPRN",  # UK register of learning providers
    "GB-NHS",  # NHS organisations
    "GB-MPR",  # Mutuals public register
    "GB-SHPE",  # Social housing providers (England)
    "GB-REV",  # HMRC exempt charities
    "360G",  # no register: the publisher's own identifier
)

# What the number after each prefix looks like, where the register has a fixed form.
_NUMBER_FORMS = {
    "GB-CHC": (re.compile(r"\d{6,7}"), "6 or 7 digits, like GB-CHC-1012345"),
    "GB-SC": (re.compile(r"SC\d{6}"), "SC and 6 digits, like GB-SC-SC012345"),
    "GB-NIC": (re.compile(r"\d{6}"), "6 digits, like GB-NIC-100002"),
    "GB-COH": (re.compile(r"[A-Z0-9]{8}"), "8 characters, like GB-COH-01234567"),
    "GB-LAE": (re.compile(r"[A-Z]{3,4}"), "the register's 3 or 4 letters, like GB-LAE-LDS"),
}
_ANY_NUMBER = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*")
PUBLISHER_PREFIX = re.compile(r"360G-[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*")
# Charity numbers as 360Giving's quality tool expects them; company numbers likewise.
CHARITY_NUMBER = re.compile(r"(?:[A-Z]{2})?\d{6,7}")
COMPANY_NUMBER = re.compile(r"[A-Za-z0-9]{8}")


def prefix_of(org_id: str) -> str | None:
    """The recognised register prefix `org_id` starts with, or None."""
    for prefix in sorted(RECOGNISED_PREFIXES, key=len, reverse=True):
        if org_id.startswith(f"{prefix}-"):
            return prefix
    return None


def org_id_problem(org_id: str) -> str | None:
    """What is wrong with `org_id` as an organisation identifier, in words; None if nothing."""
    if not org_id or org_id != org_id.strip() or re.search(r"[\s/]", org_id):
        return f"“{org_id}” has spaces or slashes: an identifier has neither."
    prefix = prefix_of(org_id)
    if prefix is None:
        return (
            f"“{org_id}” does not start with a recognised register, such as GB-CHC- for a "
            "charity, GB-COH- for a company or 360G- for an organisation on no register."
        )
    number = org_id[len(prefix) + 1 :]
    pattern, wording = _NUMBER_FORMS.get(prefix, (_ANY_NUMBER, "letters and digits"))
    if not pattern.fullmatch(number):
        return f"“{org_id}” is not a {prefix} identifier: the part after {prefix}- should be {wording}."
    return None


def publisher_prefix_problem(prefix: str) -> str | None:
    """What is wrong with a 360Giving publisher prefix (`360G-wypcc`), in words."""
    if PUBLISHER_PREFIX.fullmatch(prefix or ""):
        return None
    return (
        f"“{prefix}” is not a 360Giving publisher prefix: it starts 360G- and then has only "
        "letters, digits and single hyphens (no spaces or slashes), like 360G-wypcc."
    )


def charity_number_problem(number: str) -> str | None:
    if CHARITY_NUMBER.fullmatch(number):
        return None
    return f"“{number}” does not look like a UK charity number (6 or 7 digits)."


def company_number_problem(number: str) -> str | None:
    if COMPANY_NUMBER.fullmatch(number):
        return None
    return f"“{number}” does not look like a company number (8 characters, like 01234567)."
