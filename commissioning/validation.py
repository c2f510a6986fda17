"""Checking a return's figures against its measure set. Pure: no queries, no writes.

Figures are keyed by (measure code, category); category "" is the measure's total.
Every message names the measure, so a provider can find it on the form or in the CSV.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from commissioning.models import Measure
from core.parsers import InvalidInput, parse_decimal, parse_pounds

Key = tuple[str, str]
Figure = Decimal | str  # text measures keep their text
HUNDRED = Decimal(100)
MAX_FIGURE = Decimal("999999999999")


def lower_first(text: str) -> str:
    """ "Victims supported" -> "victims supported", but "MoJ spend" stays as it is."""
    first = text.split(" ", 1)[0]
    if any(c.isupper() for c in first[1:]):
        return text
    return text[:1].lower() + text[1:]


def field_name(code: str, category: str = "") -> str:
    """The form field for a figure: m-REF or m-REF-police."""
    return f"m-{code}-{category}" if category else f"m-{code}"


def _money(name: str, raw: str) -> tuple[Figure | None, str]:
    try:
        value = parse_pounds(raw, name=name, max_digits=len(str(MAX_FIGURE)) + 2)
    except InvalidInput as refused:
        return None, {
            "negative": f"{name} cannot be negative.",
            "places": f"{name} must be in pounds and pence, like 12500.50.",
            "too_large": f"{name} is too large.",
        }.get(refused.reason, f"{name} must be an amount in pounds, like 12500 or 12500.50.")
    return value, ""


def parse_figure(measure: Measure, raw: str, category: str = "") -> tuple[Figure | None, str]:
    """The stored form of what was typed, or an error naming the measure. Blank is None."""
    name = measure.label
    if category:
        name = f"{measure.label} ({measure.category_label(category)})"
    if measure.kind == Measure.Kind.TEXT:
        text = (raw or "").strip()
        if len(text) > measure.max_length:
            return None, (
                f"{name} must be {measure.max_length:,} characters or fewer; it is {len(text):,}."
            )
        return (text or None), ""
    if measure.kind == Measure.Kind.MONEY:
        return _money(name, raw)
    whole_digits = len(str(MAX_FIGURE))
    if measure.kind == Measure.Kind.PERCENTAGE:
        try:
            value = parse_decimal(
                raw,
                name=name,
                max_digits=4,
                decimal_places=1,
                max_value=HUNDRED,
                allow_percent=True,
            )
        except InvalidInput as refused:
            if refused.reason == "places":
                return None, f"{name} must have no more than one decimal place, like 72.5."
            return None, f"{name} must be a percentage from 0 to 100, like 85 or 72.5."
        return value, ""
    try:  # a count
        value = parse_decimal(raw, name=name, max_digits=whole_digits, decimal_places=0)
    except InvalidInput as refused:
        if refused.reason == "negative":
            return None, f"{name} cannot be negative."
        if refused.reason == "too_large":
            return None, f"{name} is too large."
        return None, f"{name} must be a whole number, like 12 or 0."
    return value, ""


@dataclass
class Checked:
    figures: dict[Key, Figure]  # only the figures that were given
    errors: dict[str, str]  # {form field name: message}


def check_figures(
    measures: Iterable[Measure], raw: Mapping[Key, str], *, complete: bool
) -> Checked:
    """Parse every typed figure and check the rules between them. With `complete`, every
    required figure (and every category of a breakdown) must be given too."""
    measures = list(measures)
    figures: dict[Key, Figure] = {}
    errors: dict[str, str] = {}
    for measure in measures:
        for category in ["", *measure.category_codes]:
            key = (measure.code, category)
            if key not in raw:
                continue
            value, error = parse_figure(measure, raw[key], category)
            if error:
                errors[field_name(*key)] = error
            elif value is not None:
                figures[key] = value
    by_code = {measure.code: measure for measure in measures}
    for measure in measures:
        total_name = field_name(measure.code)
        if total_name in errors:
            continue
        total = figures.get((measure.code, ""))
        if measure.categories:
            given = [
                figures[(measure.code, c)]
                for c in measure.category_codes
                if (measure.code, c) in figures
            ]
            parts_bad = any(field_name(measure.code, c) in errors for c in measure.category_codes)
            if given and not parts_bad:
                added = sum(given, Decimal(0))
                every = len(given) == len(measure.categories)
                if total is None and complete:
                    pass  # reported as missing below
                elif total is not None and every and added != total:
                    errors[total_name] = (
                        f"{measure.label}: the {measure.get_breakdown_display().lower()} "
                        f"figures add up to {added:,.0f} but the total is {total:,.0f}. "
                        "Make the breakdown add up to the total."
                    )
                elif total is not None and added > total:
                    errors[total_name] = (
                        f"{measure.label}: the {measure.get_breakdown_display().lower()} "
                        f"figures given so far add up to {added:,.0f}, more than the "
                        f"total of {total:,.0f}."
                    )
        other = by_code.get(getattr(measure.total_matches, "code", None) or "")
        if other is not None and total is not None:
            other_total = figures.get((other.code, ""))
            if other_total is not None and other_total != total:
                errors[total_name] = (
                    f"{measure.label}: the total ({total:,.0f}) must equal "
                    f"{lower_first(other.label)} ({other_total:,.0f})."
                )
    if complete:
        for measure in measures:
            if not measure.required:
                continue
            for category in ["", *measure.category_codes]:
                name = field_name(measure.code, category)
                if (measure.code, category) not in figures and name not in errors:
                    if category:
                        errors[name] = (
                            f"Enter {lower_first(measure.label)}: "
                            f"{measure.category_label(category).lower()} (0 if none)."
                        )
                    elif measure.kind == Measure.Kind.TEXT:
                        errors[name] = f"Enter {lower_first(measure.label)}."
                    else:
                        errors[name] = f"Enter {lower_first(measure.label)} (0 if none)."
    return Checked(figures=figures, errors=errors)


def figure_text(measure: Measure, value: Figure | None) -> str:
    """A stored figure as it is typed: 12, 72.5, 12500.00; text as it is."""
    if value is None:
        return ""
    if measure.kind == Measure.Kind.TEXT or not isinstance(value, Decimal):
        return str(value)
    if measure.kind == Measure.Kind.MONEY:
        return f"{value:.2f}"
    if measure.kind == Measure.Kind.COUNT:
        return f"{value:.0f}"
    return f"{value.normalize():f}"
