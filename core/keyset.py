"""Keyset ("cursor") pages for long lists, at the same cost deep in the list as on page 1.

Rows are ordered by one or more keys (each a non-NULL expression: fold NULLs with
Coalesce) and the row id as tie-break, so a page is `WHERE (keys, id) > (last keys, last
id) ORDER BY keys, id LIMIT n`: the database walks from the cursor instead of sorting and
skipping every row before it, as OFFSET does. A cursor is signed, names the list and sort
it was made for, and is ignored (the first page is shown) when it was made for another one
or has been tampered with.

Rows may be model objects or `.values()` dicts; each key is annotated as `keyset_<n>`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.db.models import F, Q, QuerySet


@dataclass(frozen=True)
class Key:
    """One ordering key: a non-NULL expression and how to read its value back from text."""

    expression: Any
    parse: Callable[[str], Any]


@dataclass
class KeysetPage:
    rows: list
    next_cursor: str | None
    previous_cursor: str | None

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


def _text(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date | dt.datetime) else str(value)


def _get(row: Any, name: str) -> Any:
    return row[name] if isinstance(row, dict) else getattr(row, name)


def _encode(tag: str, row: Any, count: int, direction: str, salt: str) -> str:
    values = [_text(_get(row, f"keyset_{i}")) for i in range(count)]
    # One key is written as its value alone: [tag, direction, value, id].
    written = values[0] if count == 1 else values
    return signing.dumps([tag, direction, written, _get(row, "pk")], salt=salt, compress=True)


def _decode(cursor: str, tag: str, keys: Sequence[Key], salt: str):
    """(direction, values, id) from a cursor made for this list and sort; None otherwise."""
    try:
        made_for, direction, texts, pk = signing.loads(cursor, salt=salt)
        if len(keys) == 1 and isinstance(texts, str):
            texts = [texts]
        if made_for != tag or direction not in ("next", "previous") or len(texts) != len(keys):
            return None
        return direction, [key.parse(text) for key, text in zip(keys, texts, strict=True)], int(pk)
    except (signing.BadSignature, ValueError, TypeError, ArithmeticError, KeyError):
        return None


def _after(names: list[str], values: list, pk: int, descending: bool) -> Q:
    """Rows strictly after (names..., pk) = (values..., pk) in the walking direction."""
    op = "lt" if descending else "gt"
    condition = Q(**{f"pk__{op}": pk})
    for name, value in zip(reversed(names), reversed(values), strict=True):
        condition = Q(**{f"{name}__{op}": value}) | (Q(**{name: value}) & condition)
    # The first key's bound on its own (implied by the rest) is one an index on the keys
    # can start from: the database reads from the cursor on, instead of reading every row
    # before it and filtering them out (20,000 bids, last page: SQL 3 ms -> 0.2 ms).
    return Q(**{f"{names[0]}__{op}e": values[0]}) & condition


def keyset_page(
    rows: QuerySet,
    *,
    keys: Sequence[Key],
    descending: bool = False,
    cursor: str = "",
    tag: str,
    salt: str,
    size: int = 50,
) -> KeysetPage:
    """One page of `rows` in key order (descending: every key and the id reversed).

    `tag` names the list and its sort (a cursor made for another tag is ignored); one
    query, whatever the depth."""
    names = [f"keyset_{i}" for i in range(len(keys))]
    rows = rows.annotate(**{name: key.expression for name, key in zip(names, keys, strict=True)})
    position = _decode(cursor, tag, keys, salt) if cursor else None
    backwards = position is not None and position[0] == "previous"
    # Walking backwards reads the rows before the cursor in reverse, then turns them round.
    walk_descending = descending != backwards
    if position is not None:
        _, values, pk = position
        rows = rows.filter(_after(names, values, pk, walk_descending))
    if walk_descending:
        rows = rows.order_by(*[F(name).desc() for name in names], "-pk")
    else:
        rows = rows.order_by(*[F(name).asc() for name in names], "pk")
    found = list(rows[: size + 1])
    more = len(found) > size
    found = found[:size]
    if backwards:
        found.reverse()
        has_previous, has_next = more, True
    else:
        has_previous, has_next = position is not None, more
    count = len(keys)
    return KeysetPage(
        rows=found,
        next_cursor=_encode(tag, found[-1], count, "next", salt) if has_next and found else None,
        previous_cursor=(
            _encode(tag, found[0], count, "previous", salt) if has_previous and found else None
        ),
    )
