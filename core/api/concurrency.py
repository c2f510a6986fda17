"""ETag and If-Match: a web edit and an API edit never overwrite each other silently.

A resource's ETag is a hash of what changes when anyone writes it (status, last change).
An update must send it back in If-Match (428 without it); a stale one gets 412 and nothing
is written. The check and the write happen under the row's lock, in one transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import models, transaction

from core.api.problems import PreconditionFailed, PreconditionRequired


def etag_of(*parts: Any) -> str:
    digest = hashlib.sha256("|".join(str(part) for part in parts).encode()).hexdigest()
    return f'"{digest[:32]}"'


def matches(if_match: str, current: str) -> bool:
    """Whether an If-Match header names the current ETag (a list, "*" and W/ allowed)."""
    wanted = {tag.strip().removeprefix("W/") for tag in if_match.split(",") if tag.strip()}
    return "*" in wanted or current in wanted


@contextmanager
def locked_if_match[M: models.Model](
    request: Any, obj: M, etag: Callable[[M], str], *, required: bool = True
) -> Iterator[M]:
    """Lock `obj`'s row, check If-Match against its current ETag, and yield it; the
    caller's write runs inside the same transaction. 428 without the header (when
    `required`), 412 when it is stale."""
    header = request.headers.get("If-Match", "")
    with transaction.atomic():
        locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
        if not header:
            if required:
                raise PreconditionRequired
        elif not matches(header, etag(locked)):
            raise PreconditionFailed
        yield locked
