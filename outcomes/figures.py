"""Reading values typed as text, and how they are shown. Pure: no database.

Parsed like core.money: digits with optional thousands commas and a decimal point, nothing
else, so "1e3", "NaN", "Infinity", "0x10" and signs are refused rather than guessed at.
A percentage may carry its "%" sign. What a value may be depends on its unit: a count is
a whole number, a percentage is from 0 to 100, and nothing is negative.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models

from core.parsers import InvalidInput, parse_decimal

MAX_DIGITS = 12
DECIMAL_PLACES = 3
MAX_WHOLE_DIGITS = MAX_DIGITS - DECIMAL_PLACES
HUNDRED = Decimal(100)


class Unit(models.TextChoices):
    COUNT = "count", "Count"
    PERCENTAGE = "percentage", "Percentage"
    RATE = "rate", "Rate"
    DAYS = "days", "Days"


UNIT_CODES = {unit.value for unit in Unit}
# Shown with at least one decimal place, as the Panel report prints them: 81.0%, 81.0 days.
ONE_PLACE_UNITS = {Unit.PERCENTAGE: 1, Unit.DAYS: 1}
# How a change is spoken of in each unit: "up 2.1 percentage points".
CHANGE_UNITS = {Unit.PERCENTAGE: "percentage points", Unit.DAYS: "days"}


class InvalidFigure(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_number(raw: str | None, *, allow_percent: bool = False) -> Decimal | None:
    """The number typed; None for a blank. InvalidFigure says what to type instead.

    Read by core.parsers, as every number typed in the service is."""
    try:
        return parse_decimal(
            raw,
            name="The value",
            max_digits=MAX_DIGITS,
            decimal_places=DECIMAL_PLACES,
            allow_percent=allow_percent,
        )
    except InvalidInput as refused:
        raise InvalidFigure(
            {
                "negative": "Enter a number of 0 or more, without a minus sign",
                "too_large": f"Enter a number smaller than {10**MAX_WHOLE_DIGITS:,}",
                "places": f"Enter no more than {DECIMAL_PLACES} decimal places, like 72.625",
            }.get(refused.reason, "Enter a number, like 72.6 or 1,250")
        ) from None


def unit_problem(value: Decimal, unit: str) -> str:
    """What is wrong with `value` as a figure in `unit`, or "" when nothing is."""
    if not value.is_finite():
        return "Enter a number, like 72.6 or 1,250"
    if value < 0:
        return "Enter a number of 0 or more"
    if unit == Unit.COUNT and value != value.to_integral_value():
        return "A count is a whole number, like 30836"
    if unit == Unit.PERCENTAGE and value > HUNDRED:
        return "A percentage is from 0 to 100, like 72.6"
    if value >= 10**MAX_WHOLE_DIGITS:
        return f"Enter a number smaller than {10**MAX_WHOLE_DIGITS:,}"
    return ""


def parse_value(raw: str | None, unit: str) -> Decimal:
    """A reading's value typed in `unit`; InvalidFigure says what to type instead."""
    value = parse_number(raw, allow_percent=unit == Unit.PERCENTAGE)
    if value is None:
        raise InvalidFigure("Enter the value")
    problem = unit_problem(value, unit)
    if problem:
        raise InvalidFigure(problem)
    return value


def plain(value: Decimal, minimum_places: int = 0) -> str:
    """72.600 -> '72.6', 30836.000 -> '30,836': as few decimal places as the value has,
    but at least `minimum_places`."""
    return f"{value:,.{max(places_of(value), minimum_places)}f}"


def places_of(value: Decimal) -> int:
    return max(0, -value.normalize().as_tuple().exponent)  # type: ignore[operator]


def value_text(value: Decimal | None, unit: str) -> str:
    """A value as the Panel report prints it: '72.6%', '30,836', '85.2 days'."""
    if value is None:
        return ""
    if unit == Unit.PERCENTAGE:
        return f"{plain(value, ONE_PLACE_UNITS[unit])}%"
    if unit == Unit.DAYS:
        return f"{plain(value, ONE_PLACE_UNITS[unit])} days"
    return plain(value)


def change_text(change: Decimal | None, unit: str, places: int = 0) -> str:
    """A signed change with its unit: '+5.8 percentage points', '-359', '0.0'."""
    if change is None:
        return ""
    text = f"{abs(change):,.{places}f}"
    sign = "" if change == 0 else ("+" if change > 0 else "-")
    suffix = CHANGE_UNITS.get(unit, "")  # type: ignore[call-overload]
    return f"{sign}{text}{' ' + suffix if suffix else ''}"


def tolerance_sentence(tolerance: Decimal, unit: str) -> str:
    """'A change of up to 1 percentage point either way counts as stable.'"""
    if tolerance == 0:
        return "Any change counts: no tolerance is set."
    size = plain(tolerance)
    words = {Unit.PERCENTAGE: "percentage point", Unit.DAYS: "day"}.get(unit)  # type: ignore[call-overload]
    if words:
        size = f"{size} {words}{'' if tolerance == 1 else 's'}"
    return f"A change of up to {size} either way counts as stable."
