"""A stored decimal its column cannot hold never breaks a page.

SQLite keeps whatever it is given: a 12-digit money column will hold 1e23 or NaN written
before the parsers refused them (or by hand). Django's SQLite converter then raises on every
read of that row, so every page showing it is a 500 for ever. Here such a value reads as
None (not given), with a warning naming the column; `manage.py check_data` lists the rows
so they can be corrected. PostgreSQL's numeric(max_digits, places) refuses them on write.
"""

from __future__ import annotations

import logging
from decimal import InvalidOperation

logger = logging.getLogger(__name__)


def read_broken_decimals_as_missing() -> None:
    """Wrap the SQLite backend's decimal converter (once) so a value it cannot read is None.
    Only where a database is SQLite: PostgreSQL never loads the SQLite backend."""
    from django.conf import settings

    if not any(db["ENGINE"].endswith("sqlite3") for db in settings.DATABASES.values()):
        return
    # The backend's base module first: importing operations on its own is circular.
    from django.db.backends.sqlite3.base import DatabaseWrapper

    DatabaseOperations = DatabaseWrapper.ops_class

    original = DatabaseOperations.get_decimalfield_converter
    if getattr(original, "reads_broken_as_missing", False):
        return

    def get_decimalfield_converter(self, expression):
        convert = original(self, expression)

        def converter(value, expression, connection):
            try:
                return convert(value, expression, connection)
            except (InvalidOperation, ValueError, TypeError, OverflowError):
                field = getattr(expression, "target", None) or expression.output_field
                logger.warning(
                    "A stored value of %s cannot be read as a number (%r); shown as not "
                    "given. Run manage.py check_data to find and correct it.",
                    getattr(field, "model", None) and f"{field.model._meta.label}.{field.name}",
                    value,
                )
                return None

        return converter

    get_decimalfield_converter.reads_broken_as_missing = True  # type: ignore[attr-defined]
    DatabaseOperations.get_decimalfield_converter = get_decimalfield_converter  # type: ignore[method-assign]
