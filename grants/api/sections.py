"""An application's sections over the API: JSON in, checked by the very forms the web pages
use (grants.forms.sections), so every answer gets the same checks and the same words."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django import forms
from django.http import QueryDict

from core.govuk import GovukDateField
from grants.forms.sections import SECTION_FORMS
from grants.models import Application

ISO_DATE = re.compile(r"(\d{1,4})-(\d{1,2})-(\d{1,2})")


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def section_values(application: Application, section: str) -> dict[str, Any]:
    """A section's answers as a PUT takes them: ids for choices, ISO dates, money as text."""
    values: dict[str, Any] = {}
    for name in SECTION_FORMS[section].base_fields:
        field = Application._meta.get_field(name)
        if field.many_to_many:
            values[name] = sorted(item.pk for item in getattr(application, name).all())
        elif field.is_relation:
            values[name] = getattr(application, f"{name}_id")
        else:
            values[name] = _json_value(getattr(application, name))
    return values


def all_section_values(application: Application) -> dict[str, dict[str, Any]]:
    return {section: section_values(application, section) for section in SECTION_FORMS}


def _date_parts(value: Any) -> tuple[str, str, str]:
    if value in (None, ""):
        return "", "", ""
    match = ISO_DATE.fullmatch(str(value).strip())
    if match is None:
        return str(value), "", ""  # the form then says the date must be a real one
    year, month, day = match.groups()
    return day, month, year


def form_data(section: str, answers: dict[str, Any]) -> QueryDict:
    """JSON answers as the form's POST data would carry them."""
    data = QueryDict(mutable=True)
    for name, field in SECTION_FORMS[section].base_fields.items():
        value = answers.get(name)
        if isinstance(field, GovukDateField):
            for part, text in zip(("day", "month", "year"), _date_parts(value), strict=True):
                data[f"{name}_{part}"] = text
        elif isinstance(field, forms.BooleanField):
            if value not in (None, False, ""):
                data[name] = "true" if value is True else str(value)
        elif isinstance(field, forms.ModelMultipleChoiceField):
            items = value if isinstance(value, list) else ([] if value is None else [value])
            data.setlist(name, [str(item) for item in items])
        else:
            data[name] = "" if value is None else str(value)
    return data


def unknown_answers(section: str, answers: dict[str, Any]) -> list[str]:
    return sorted(set(answers) - set(SECTION_FORMS[section].base_fields))


def section_form(
    application: Application, section: str, answers: dict[str, Any], *, partial: bool
) -> forms.Form:
    """The section's form, bound to the answers sent; with `partial` (PATCH) the answers
    not sent keep their current values."""
    if partial:
        answers = {**section_values(application, section), **answers}
    form_class = SECTION_FORMS[section]
    return form_class(form_data(section, answers), application=application)
