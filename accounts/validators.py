"""Normalise and validate UK organisation identifiers and postcodes.

Each `normalise_*` returns the canonical form (upper case, no stray spaces, company
numbers padded to eight characters) and raises ValidationError in plain words.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

# England and Wales: 6 or 7 digits, linked charities add "-1". Scotland: SC + 6 digits.
# Northern Ireland: NIC + 6 digits (older records are 6 digits alone).
CHARITY_NUMBER = re.compile(r"^(\d{6,7}(-\d{1,2})?|SC\d{6}|NIC\d{6})$")
# Companies House: 8 digits (England and Wales) or 2 letters + 6 digits (SC, NI, OC, ...).
COMPANY_NUMBER = re.compile(r"^(\d{8}|[A-Z]{2}\d{6})$")
POSTCODE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)(\d[A-Z]{2})$")


def _squash(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def normalise_charity_number(value: str) -> str:
    number = _squash(value)
    if not CHARITY_NUMBER.match(number):
        raise ValidationError(
            "Enter a charity number like 1012345 (England and Wales), SC012345 (Scotland) "
            "or NIC100002 (Northern Ireland)",
            code="invalid_charity_number",
        )
    return number


def normalise_company_number(value: str) -> str:
    number = _squash(value)
    if number.isdigit() and 5 <= len(number) < 8:
        number = number.zfill(8)  # Companies House numbers keep their leading zeros.
    if not COMPANY_NUMBER.match(number):
        raise ValidationError(
            "Enter a company number of 8 characters, like 01234567 or SC123456",
            code="invalid_company_number",
        )
    return number


def normalise_postcode(value: str) -> str:
    squashed = _squash(value)
    match = POSTCODE.match(squashed)
    if not match:
        raise ValidationError("Enter a full UK postcode, like LS1 2DE", code="invalid_postcode")
    return f"{match.group(1)} {match.group(2)}"


def validate_charity_number(value: str) -> None:
    if value and normalise_charity_number(value) != value:
        raise ValidationError("Charity number is not in its standard form", code="not_normal")


def validate_company_number(value: str) -> None:
    if value and normalise_company_number(value) != value:
        raise ValidationError("Company number is not in its standard form", code="not_normal")


def validate_postcode(value: str) -> None:
    if value and normalise_postcode(value) != value:
        raise ValidationError("Postcode is not in its standard form", code="not_normal")
