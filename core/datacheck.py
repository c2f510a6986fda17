"""Finding stored values that would break a page: a number its column cannot hold (a
decimal that is not finite or has more digits than max_digits/decimal_places allow, an
integer beyond the column's range), a date or uuid that is not one, and JSON that does not
read or holds a non-finite or out-of-range number.

Rows are read with plain SQL, never through the models: a broken value is exactly what
makes the ORM raise (SQLite keeps whatever it was given, and Django's converters then fail
on every read of the row)."""

from __future__ import annotations

import datetime as dt
import json
import math
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.db import connection, models

from core.parsers import BIGINT_MAX

BATCH = 2000


@dataclass(frozen=True)
class BrokenValue:
    model: str  # app_label.ModelName
    pk: object
    field: str
    value: str  # as stored, shortened
    problem: str

    def __str__(self) -> str:
        return f"{self.model} id={self.pk} {self.field}: {self.problem} (stored: {self.value})"


def _decimal_problem(raw: object, field: models.DecimalField) -> str:
    try:
        value = Decimal(str(raw)) if not isinstance(raw, Decimal) else raw
    except InvalidOperation:
        return "not a number"
    if not value.is_finite():
        return "not a finite number"
    max_digits, places = field.max_digits or 0, field.decimal_places or 0
    whole = value.adjusted() + 1 if value != 0 else 0
    if whole > max_digits - places:
        return f"more than the column holds ({max_digits} digits, {places} after the point)"
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        return f"more than {places} decimal places"
    return ""


def _integer_problem(raw: object, field: models.Field) -> str:
    if isinstance(raw, bool) or not isinstance(raw, int):
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        else:
            return "not a whole number"
    low, high = connection.ops.integer_field_range(field.get_internal_type())
    low = -BIGINT_MAX - 1 if low is None else low
    high = BIGINT_MAX if high is None else high
    if not low <= raw <= high:
        return f"outside the column's range ({low:,} to {high:,})"
    return ""


def _json_numbers(value: object) -> Iterator[object]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _json_numbers(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_numbers(item)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        yield value


def _json_problem(raw: object) -> str:
    if isinstance(raw, str):
        try:
            value = json.loads(raw)
        except ValueError:
            return "not JSON"
    else:
        value = raw
    for number in _json_numbers(value):
        if isinstance(number, float) and not math.isfinite(number):
            return "holds a number that is not finite"
        if abs(number) > BIGINT_MAX:  # type: ignore[arg-type]
            return "holds a number too large to store or show"
    return ""


def _date_problem(raw: object) -> str:
    if isinstance(raw, dt.date):
        return ""
    try:
        dt.date.fromisoformat(str(raw)[:10])
    except ValueError:
        return "not a date"
    return ""


def _uuid_problem(raw: object) -> str:
    if isinstance(raw, uuid.UUID):
        return ""
    try:
        uuid.UUID(str(raw))
    except ValueError:
        return "not a uuid"
    return ""


def _problem(field: models.Field, raw: object) -> str:
    if isinstance(field, models.DecimalField):
        return _decimal_problem(raw, field)
    if isinstance(field, models.IntegerField) and not field.primary_key:
        return _integer_problem(raw, field)
    if isinstance(field, models.JSONField):
        return _json_problem(raw)
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        return _date_problem(raw)
    if isinstance(field, models.UUIDField):
        return _uuid_problem(raw)
    return ""


CHECKED = (
    models.DecimalField,
    models.IntegerField,
    models.JSONField,
    models.DateField,
    models.UUIDField,
)


def broken_values() -> Iterator[BrokenValue]:
    """Every stored value, in every concrete model of every app, that a page could not
    read or show."""
    quote = connection.ops.quote_name
    tables = set(connection.introspection.table_names())
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table not in tables:
            continue
        fields = [
            f
            for f in meta.concrete_fields
            if isinstance(f, CHECKED) and not (f.primary_key or f.is_relation)
        ]
        if not fields:
            continue
        columns = ", ".join(quote(f.column) for f in fields)
        sql = f"SELECT {quote(meta.pk.column)}, {columns} FROM {quote(meta.db_table)}"  # noqa: S608  # nosec B608  # names from the models, not input
        with connection.cursor() as cursor:
            cursor.execute(sql)
            while rows := cursor.fetchmany(BATCH):
                for pk, *values in rows:
                    for field, raw in zip(fields, values, strict=True):
                        if raw is None:
                            continue
                        problem = _problem(field, raw)
                        if problem:
                            yield BrokenValue(
                                model=meta.label,
                                pk=pk,
                                field=field.name,
                                value=str(raw)[:60],
                                problem=problem,
                            )
