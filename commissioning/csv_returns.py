"""A return as CSV: `measure_code,category,value`, one figure per line.

Parsing is pure: it gives the figures keyed like the form's, or line-numbered errors.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from commissioning.models import Measure
from commissioning.validation import Key, parse_figure

HEADER = ["measure_code", "category", "value"]
MAX_BYTES = 1_000_000
MAX_ROWS = 2_000


def parse_return_csv(
    content: bytes, measures: Iterable[Measure], set_name: str
) -> tuple[dict[Key, str], list[str]]:
    """({(code, category): value text}, errors). Any error means nothing should be saved."""
    if len(content) > MAX_BYTES:
        return {}, [
            f"The file is larger than {MAX_BYTES // 1_000_000} MB; a return is far smaller."
        ]
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return {}, [
            "The file is not a CSV saved as UTF-8 text. Save it as “CSV UTF-8” and try again."
        ]
    if "\x00" in text:
        return {}, ["The file is not a CSV file. Save it as “CSV UTF-8” and try again."]
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        return {}, ["The file is empty."]
    header = [cell.strip().lower() for cell in rows[0]]
    if header[:3] != HEADER:
        return {}, [
            "Line 1: the first line must be the headings measure_code,category,value "
            f"(it is {','.join(rows[0])[:80]})."
        ]
    if len(rows) > MAX_ROWS + 1:
        return {}, [f"The file has more than {MAX_ROWS:,} lines of figures."]
    by_code = {measure.code.upper(): measure for measure in measures}
    raw: dict[Key, str] = {}
    first_line: dict[Key, int] = {}
    errors: list[str] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != 3:
            errors.append(
                f"Line {number}: expected 3 values (measure_code, category, value), "
                f"found {len(row)}."
            )
            continue
        code, category, value = (cell.strip() for cell in row)
        measure = by_code.get(code.upper())
        if measure is None:
            errors.append(f"Line {number}: there is no measure “{code}” in {set_name}.")
            continue
        category = category.lower()
        if category and category not in measure.category_codes:
            if measure.categories:
                known = ", ".join(measure.category_codes)
                errors.append(
                    f"Line {number}: {measure.label} has no category “{category}”; "
                    f"use one of {known}, or leave it blank for the total."
                )
            else:
                errors.append(
                    f"Line {number}: {measure.label} has no breakdown; leave the category blank."
                )
            continue
        key = (measure.code, category)
        if key in first_line:
            errors.append(
                f"Line {number}: {measure.label}"
                f"{' (' + measure.category_label(category) + ')' if category else ''} "
                f"is already given on line {first_line[key]}."
            )
            continue
        _figure, error = parse_figure(measure, value, category)
        if error:
            errors.append(f"Line {number}: {error}")
            continue
        first_line[key] = number
        raw[key] = value
    return raw, errors


def return_csv_rows(measures: Iterable[Measure], figures: dict[Key, object]) -> list[list[str]]:
    """The return as CSV rows (a template when `figures` is empty), in measure-set order."""
    rows = [HEADER]
    for measure in measures:
        for category in ["", *measure.category_codes]:
            value = figures.get((measure.code, category), "")
            rows.append([measure.code, category, "" if value is None else str(value)])
    return rows
