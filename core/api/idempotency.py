"""Idempotency-Key: a retried POST (a submit whose answer was lost) does the work once and
gets the first answer again.

The key is scoped to its caller (the token, or the signed-in person) and to the method and
path. The first request inserts the key's row in the same transaction as its work: a
concurrent retry waits on that row and then replays the stored answer. Only successful
answers are stored; a refusal rolls the row back with the work, so the caller may fix the
request and send it again under the same key. The same key with a different body is a 409.
Answers are kept for API_IDEMPOTENCY_KEEP seconds; expired rows are removed as new keys
are stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework.response import Response

from core.api.problems import IdempotencyConflict, Problem
from core.models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
KEPT_HEADERS = ("ETag", "Location")


def owner_of(request: Any) -> str:
    token = getattr(request, "auth", None)
    if token is not None and getattr(token, "pk", None):
        return f"token:{token.pk}"
    return f"user:{request.user.pk}"


def _fingerprint(request: Any) -> str:
    body = json.dumps(request.data, sort_keys=True, default=str) if request.data else ""
    return hashlib.sha256(body.encode()).hexdigest()


def _replay(row: IdempotencyKey, fingerprint: str) -> Response:
    if row.fingerprint != fingerprint:
        raise IdempotencyConflict(
            f"This {HEADER} was used for a different request: use a new key for a new request."
        )
    response = Response(row.body, status=row.status_code, headers=row.headers)
    response[REPLAYED] = "true"
    return response


def idempotent(view: Callable[..., Response]) -> Callable[..., Response]:
    """Wrap an APIView method (self, request, ...) so an Idempotency-Key makes retries
    harmless. Without the header the request runs as usual."""

    @wraps(view)
    def wrapped(self: Any, request: Any, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get(HEADER, "").strip()
        if not key:
            return view(self, request, *args, **kwargs)
        if len(key) > 255:
            raise Problem(400, f"The {HEADER} must be 255 characters or fewer.")
        owner, path = owner_of(request), f"{request.method} {request.path}"[:300]
        fingerprint = _fingerprint(request)
        now = timezone.now()
        found = IdempotencyKey.objects.filter(
            owner=owner, key=key, path=path, expires_at__gt=now
        ).first()
        if found is not None:
            return _replay(found, fingerprint)
        try:
            with transaction.atomic():
                IdempotencyKey.objects.filter(owner=owner, expires_at__lte=now).delete()
                row = IdempotencyKey.objects.create(
                    owner=owner,
                    key=key,
                    path=path,
                    fingerprint=fingerprint,
                    expires_at=now + dt.timedelta(seconds=settings.API_IDEMPOTENCY_KEEP),
                )
                response = view(self, request, *args, **kwargs)
                if response.status_code >= 300:
                    transaction.set_rollback(True)
                    return response
                row.status_code = response.status_code
                row.body = json.loads(json.dumps(response.data, default=str))
                row.headers = {h: response[h] for h in KEPT_HEADERS if h in response}
                row.save(update_fields=["status_code", "body", "headers"])
                return response
        except IntegrityError:
            # A concurrent request with the same key committed first: give its answer.
            row = IdempotencyKey.objects.get(owner=owner, key=key, path=path)
            return _replay(row, fingerprint)

    return wrapped
