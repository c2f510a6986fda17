"""The one set of parsers for what people type or send: numbers, money, ids, years,
financial years, quarters and dates.

Each reads text (or a number a JSON body carried) and gives the value or None for a blank;
anything else raises InvalidInput with a GOV.UK message that names the field and says what
to type. Nothing is guessed at: exponents ("1e3", "1E+30"), "NaN", "Infinity", hex,
digits from other scripts ("١٢") and signs where none belongs are refused, and so is any
value the database column could not hold (its max_digits, decimal_places or integer range).
A value that passes can always be stored and shown.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from decimal import Decimal, InvalidOperation

from core.money import InvalidMoney, parse_money

# The database's integer ranges (PostgreSQL; SQLite holds the same 64 bits).
BIGINT_MAX = 2**63 - 1
INT_MAX = 2**31 - 1
SMALLINT_MAX = 2**15 - 1
# Years the service deals in: a financial year's quarters must have calendar dates.
EARLIEST_YEAR = 2000
LATEST_YEAR = 2100

# Digits (ASCII only: [0-9], never \d) with optional thousands commas and a decimal point.
_NUMBER = re.compile(r"(?P<whole>[0-9][0-9,]*)(?:\.(?P<fraction>[0-9]*))?|\.(?P<bare>[0-9]+)")
_DIGITS = re.compile(r"[0-9]+")
_MINUS = ("-", "\u2212", "\u2013")  # hyphen-minus, the minus sign, an en dash typed for one
_UUID = re.compile(
    r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
)
_FINANCIAL_YEAR = re.compile(r"(?P<first>[0-9]{4})(?:\s*[/-]\s*(?P<second>[0-9]{2}|[0-9]{4}))?")
_QUARTER = re.compile(r"[Qq]?\s*(?P<number>[1-4])")
MAX_TEXT = 100  # no number anyone types is longer; longer text is refused before reading


class InvalidInput(ValueError):
    """What was typed is not a value of the kind asked for. `message` is shown as it is;
    `reason` is one of "format", "negative", "places", "too_large", "too_small"."""

    def __init__(self, message: str, *, reason: str = "format") -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason


def _text(raw: object) -> str:
    """What was sent as text: a number from a JSON body in its plain decimal form."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return str(raw)
    if isinstance(raw, int):
        return str(raw)
    if isinstance(raw, float | Decimal):
        try:
            value = Decimal(str(raw)) if isinstance(raw, float) else raw
        except InvalidOperation:
            return "NaN"
        if not value.is_finite():
            return "NaN"
        if abs(value.adjusted()) > MAX_TEXT:
            return "1e" + str(value.adjusted())  # refused as too large or too precise below
        return format(value, "f")
    return str(raw).strip()


def _places_words(places: int) -> str:
    return f"{places} decimal place{'' if places == 1 else 's'}"


def _limit_text(value: Decimal | int) -> str:
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    return f"{value:,}"


def parse_decimal(
    raw: object,
    *,
    name: str,
    max_digits: int,
    decimal_places: int,
    min_value: Decimal | int | None = 0,
    max_value: Decimal | int | None = None,
    example: str = "72.5",
    allow_percent: bool = False,
) -> Decimal | None:
    """A number with at most `decimal_places` places that a DecimalField(max_digits,
    decimal_places) can hold; None for a blank.

    `name` starts every message ("Score must be a number, like 72.5"). A minus sign is
    refused unless `min_value` is None or negative; "-0" counts as negative."""
    text = _text(raw)
    if allow_percent and text.endswith("%"):
        text = text[:-1].rstrip()
    if not text:
        return None
    unsigned = text.lstrip("".join(_MINUS))
    negative = unsigned != text
    if len(text) > MAX_TEXT or (negative and len(text) - len(unsigned) > 1):
        raise InvalidInput(f"{name} must be a number, like {example}")
    match = _NUMBER.fullmatch(unsigned)
    if match is None:
        raise InvalidInput(f"{name} must be a number, like {example}")
    if negative and min_value is not None and min_value >= 0:
        raise InvalidInput(f"{name} cannot be negative: enter 0 or more", reason="negative")
    whole = (match["whole"] or "0").replace(",", "").lstrip("0") or "0"
    fraction = (match["fraction"] or match["bare"] or "").rstrip("0")
    whole_digits = max_digits - decimal_places
    if whole != "0" and len(whole) > whole_digits:
        if max_value is not None:
            raise InvalidInput(
                f"{name} must be {_limit_text(max_value)} or less", reason="too_large"
            )
        raise InvalidInput(f"{name} must be less than {10**whole_digits:,}", reason="too_large")
    if len(fraction) > decimal_places:
        if decimal_places == 0:
            raise InvalidInput(f"{name} must be a whole number, like {example}", reason="places")
        raise InvalidInput(
            f"{name} must have no more than {_places_words(decimal_places)}, like {example}",
            reason="places",
        )
    value = Decimal(f"{whole}.{fraction}" if fraction else whole)
    if negative:
        value = -value
    if min_value is not None and value < min_value:
        raise InvalidInput(f"{name} must be {_limit_text(min_value)} or more", reason="too_small")
    if max_value is not None and value > max_value:
        raise InvalidInput(f"{name} must be {_limit_text(max_value)} or less", reason="too_large")
    return value


def parse_whole_number(
    raw: object,
    *,
    name: str,
    min_value: int | None = 0,
    max_value: int = INT_MAX,
    example: str = "12",
) -> int | None:
    """A whole number from `min_value` (0: no minus sign) to `max_value`; None for a blank.
    "12.0" is 12; "12.5", "1e3" and "twelve" are refused."""
    value = parse_decimal(
        raw,
        name=name,
        max_digits=len(str(max_value)) + 1,  # one more, so "too large" names max_value
        decimal_places=0,
        min_value=min_value,
        max_value=max_value,
        example=example,
    )
    return None if value is None else int(value)


def parse_pounds(
    raw: object,
    *,
    name: str,
    max_digits: int = 12,
    decimal_places: int = 2,
    min_value: Decimal | int | None = 0,
) -> Decimal | None:
    """Money ("£1,250", "1250.50") that a DecimalField(max_digits, decimal_places) holds;
    None for a blank. `name` starts every message: "Amount spent must be a number of pounds
    and pence, like 1250.50"."""
    if isinstance(raw, float | Decimal) and not isinstance(raw, bool):
        raw = _text(raw)
    try:
        value = parse_money(raw, max_whole_digits=max_digits - decimal_places)  # type: ignore[arg-type]
    except InvalidMoney as refused:
        if refused.reason == "negative":
            raise InvalidInput(
                f"{name} cannot be negative: enter 0 or more", reason="negative"
            ) from None
        if refused.reason == "too_large":
            limit = f"£{10 ** (max_digits - decimal_places):,}"
            raise InvalidInput(f"{name} must be less than {limit}", reason="too_large") from None
        if refused.reason == "pence":
            raise InvalidInput(
                f"{name} must have no more than 2 digits for pence, like 1250.50", reason="places"
            ) from None
        raise InvalidInput(
            f"{name} must be a number of pounds and pence, like 1250.50", reason="format"
        ) from None
    if value is not None and min_value is not None and value < min_value:
        raise InvalidInput(f"{name} must be £{min_value:,} or more", reason="too_small")
    return value


def parse_id(raw: object) -> int | None:
    """A database id (a positive bigint) from text, or None when it cannot be one: "12"
    is 12; "", "-1", "0", "1e3", "²" and 99999999999999999999999 are None (no such row)."""
    text = _text(raw)
    if not _DIGITS.fullmatch(text) or len(text) > len(str(BIGINT_MAX)):
        return None
    value = int(text)
    return value if 0 < value <= BIGINT_MAX else None


def parse_ids(raws: list[str] | tuple[str, ...]) -> list[int] | None:
    """Every id in a multi-select, or None when any one is not an id."""
    ids = [parse_id(raw) for raw in raws]
    return None if any(i is None for i in ids) else ids  # type: ignore[return-value]


def parse_uuid(raw: object) -> uuid.UUID | None:
    """A UUID as URLs and forms carry it, or None when it is not one ("not-a-uuid")."""
    if isinstance(raw, uuid.UUID):
        return raw
    text = _text(raw)
    if not _UUID.fullmatch(text):
        return None
    return uuid.UUID(text)


def parse_year(
    raw: object,
    *,
    name: str = "Year",
    earliest: int = EARLIEST_YEAR,
    latest: int = LATEST_YEAR,
) -> int | None:
    """A four-digit calendar year from `earliest` to `latest`; None for a blank."""
    text = _text(raw)
    if not text:
        return None
    if not _DIGITS.fullmatch(text) or len(text) != 4:
        raise InvalidInput(f"{name} must be a year, like {earliest + 26}")
    year = int(text)
    if not earliest <= year <= latest:
        raise InvalidInput(f"{name} must be a year from {earliest} to {latest}", reason="too_large")
    return year


def parse_financial_year(
    raw: object,
    *,
    name: str = "Financial year",
    earliest: int = EARLIEST_YEAR,
    latest: int = LATEST_YEAR,
) -> int | None:
    """A financial year by the calendar year it starts in: "2026", "2026/27", "2026-27"
    and "2026/2027" are all 2026; None for a blank. "2026/28" is refused."""
    text = _text(raw)
    if not text:
        return None
    match = _FINANCIAL_YEAR.fullmatch(text)
    example = f"{earliest + 26}/{(earliest + 27) % 100:02d}"
    if match is None:
        raise InvalidInput(f"{name} must be written like {example}")
    first = int(match["first"])
    second = match["second"]
    if second and int(second) % (100 if len(second) == 2 else 10_000) != (first + 1) % (
        100 if len(second) == 2 else 10_000
    ):
        raise InvalidInput(f"{name} must be two years in a row, like {example}")
    if not earliest <= first <= latest:
        raise InvalidInput(
            f"{name} must be from {earliest}/{(earliest + 1) % 100:02d} to "
            f"{latest}/{(latest + 1) % 100:02d}",
            reason="too_large",
        )
    return first


def parse_quarter(raw: object, *, name: str = "Quarter") -> int | None:
    """A quarter of the financial year, 1 to 4 ("2" or "Q2"); None for a blank."""
    text = _text(raw)
    if not text:
        return None
    match = _QUARTER.fullmatch(text)
    if match is None:
        raise InvalidInput(f"{name} must be a quarter from 1 to 4, like Q2")
    return int(match["number"])


def parse_date(
    day: object,
    month: object,
    year: object,
    *,
    name: str = "The date",
    earliest: int = 1900,
    latest: int = 2200,
) -> dt.date | None:
    """A date typed in three boxes; None when all three are blank."""
    parts = [_text(day), _text(month), _text(year)]
    if not any(parts):
        return None
    if not all(_DIGITS.fullmatch(part) and len(part) <= 4 for part in parts):
        raise InvalidInput(f"{name} must be a real date, like 27 3 2027")
    day_number, month_number, year_number = (int(part) for part in parts)
    if not earliest <= year_number <= latest:
        raise InvalidInput(f"{name} must be a year from {earliest} to {latest}", reason="too_large")
    try:
        return dt.date(year_number, month_number, day_number)
    except ValueError:
        raise InvalidInput(f"{name} must be a real date, like 27 3 2027") from None


def parse_iso_date(raw: object, *, name: str = "The date") -> dt.date | None:
    """A date as 2027-03-27 (a query string or a CSV); None for a blank."""
    text = _text(raw)
    if not text:
        return None
    match = re.fullmatch(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})", text)
    if match is None:
        raise InvalidInput(f"{name} must be a date like 2027-03-27")
    year, month, day = match.groups()
    return parse_date(day, month, year, name=name)
