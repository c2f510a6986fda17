"""The one parser for money typed as text: "£1,250", "1,250.50", "1250"."""

from __future__ import annotations

import re
from decimal import Decimal

# Pounds with up to two digits of pence; commas anywhere in the pounds ("1,250", "12,50,000"
# is forgiven, as people type it). No signs, exponents, NaN or infinity.
_MONEY = re.compile(r"(?P<pounds>[0-9][0-9,]*)(?:\.(?P<pence>[0-9]+))?")
# Twelve digits with two for pence: what every money column holds (max_digits=12).
MAX_WHOLE_DIGITS = 10


class InvalidMoney(ValueError):
    """Typed money that is not an amount in pounds. `reason`: "format", "negative", "pence",
    "too_large"."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason


def parse_money(
    raw: str | Decimal | int | None, *, max_whole_digits: int = MAX_WHOLE_DIGITS
) -> Decimal | None:
    """Pounds and pence from what was typed; None for a blank.

    Raises InvalidMoney for anything else: words, a minus sign, "1e3", "NaN", "Infinity",
    three digits of pence, or more than £9,999,999,999.99."""
    if raw is None:
        return None
    if isinstance(raw, Decimal | int) and not isinstance(raw, bool):
        raw = str(raw)
    text = str(raw).strip()
    if text.startswith("£"):
        text = text[1:].strip()
    if not text:
        return None
    if text.startswith("-") and _MONEY.fullmatch(text[1:].lstrip("£").strip()):
        raise InvalidMoney("Enter an amount of £0 or more", reason="negative")
    match = _MONEY.fullmatch(text)
    if match is None:
        raise InvalidMoney("Enter an amount in pounds, like 1250 or 1250.50", reason="format")
    pounds = match["pounds"].replace(",", "").lstrip("0") or "0"
    if len(pounds) > max_whole_digits:
        limit = f"£{10**max_whole_digits:,}"
        raise InvalidMoney(f"The amount must be less than {limit}", reason="too_large")
    pence = match["pence"] or ""
    if len(pence) > 2:
        raise InvalidMoney("Enter no more than 2 digits for pence, like 1250.50", reason="pence")
    return Decimal(f"{pounds}.{pence.ljust(2, '0')}") if pence else Decimal(pounds)
