"""RFC 9457 problem details: the one error format of the API, mapped once from every
exception a view or a service raises.

    {"type": "https://.../problems/validation", "title": "Your request has problems",
     "status": 400, "detail": "...", "errors": [{"path": "figures[3].value",
     "message": "Victims supported must be a whole number, like 12 or 0."}]}

Service refusals (ApplicationError: a deadline passed, the return is already submitted)
are 409 Conflict: the request was understood, the object's state refuses it.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from core.errors import ApplicationError

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem_type(slug: str) -> str:
    return f"{settings.SITE_URL}/api/problems/{slug}"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = (
        "Someone changed this since you read it: fetch it again, reapply your change and send "
        "it with the new ETag in If-Match."
    )
    default_code = "precondition_failed"


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = (
        "Send the If-Match header with the ETag you last read, so that nobody's change is "
        "overwritten without them knowing."
    )
    default_code = "precondition_required"


class IdempotencyConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "idempotency_conflict"


class Problem(exceptions.APIException):
    """A refusal a view states itself, with its own status and errors."""

    def __init__(self, status_code: int, detail: str, *, errors: list | None = None) -> None:
        super().__init__(detail)
        self.status_code = status_code
        self.errors = errors or []


TITLES = {
    400: ("validation", "Your request has problems"),
    401: ("not-authenticated", "Sign in or send an API token"),
    403: ("forbidden", "You cannot do that"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "Not acceptable"),
    409: ("conflict", "This cannot be done now"),
    412: ("precondition-failed", "Changed since you read it"),
    415: ("unsupported-media-type", "Send JSON"),
    428: ("precondition-required", "If-Match is required"),
    429: ("throttled", "Too many requests"),
}


def path_of(parts: list[Any]) -> str:
    """["figures", 3, "value"] -> "figures[3].value"."""
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part in ("non_field_errors", "__all__", None, ""):
            continue
        else:
            path += f".{part}" if path else str(part)
    return path


def _flatten(detail: Any, parts: list[Any]) -> list[dict[str, str]]:
    """DRF's nested error detail as a flat list of {path, message}."""
    if isinstance(detail, dict):
        return [e for key, value in detail.items() for e in _flatten(value, [*parts, key])]
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return [{"path": path_of(parts), "message": str(item)} for item in detail]
        return [e for index, item in enumerate(detail) for e in _flatten(item, [*parts, index])]
    return [{"path": path_of(parts), "message": str(detail)}]


def django_errors(error: DjangoValidationError) -> list[dict[str, str]]:
    """A service's ValidationError: field names become paths as they are."""
    if hasattr(error, "error_dict"):
        return [
            {"path": "" if field == "__all__" else field, "message": message}
            for field, errors in error.error_dict.items()
            for item in errors
            for message in item.messages
        ]
    return [{"path": "", "message": message} for message in error.messages]


def problem_response(
    status_code: int,
    detail: str,
    *,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    slug, title = TITLES.get(status_code, ("error", "Something went wrong"))
    body: dict[str, Any] = {
        "type": problem_type(slug),
        "title": title,
        "status": status_code,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    response = Response(
        body, status=status_code, headers=headers, content_type=PROBLEM_CONTENT_TYPE
    )
    return response


def _summary(errors: list[dict[str, str]]) -> str:
    if len(errors) == 1:
        return errors[0]["message"]
    return f"There are {len(errors)} problems: each error names what to fix."


def problem_exception_handler(exc: Exception, context: dict) -> Response | None:
    """Every exception as one problem document; None lets Django answer (a real bug: 500)."""
    if isinstance(exc, Http404):
        set_rollback()
        return problem_response(404, str(exc) or "Not found")
    if isinstance(exc, PermissionDenied):
        set_rollback()
        return problem_response(403, str(exc) or "You cannot do that.")
    if isinstance(exc, DjangoValidationError):
        set_rollback()
        errors = django_errors(exc)
        return problem_response(400, _summary(errors), errors=errors)
    if isinstance(exc, ApplicationError):
        set_rollback()
        problems = exc.extra.get("problems")
        errors = None
        if problems:
            errors = [
                {"path": f"sections.{p.section}.{p.field}", "message": p.message} for p in problems
            ]
        return problem_response(409, exc.message, errors=errors)
    if isinstance(exc, exceptions.APIException):
        set_rollback()
        headers: dict[str, str] = {}
        code = exc.status_code
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            headers["Retry-After"] = str(int(exc.wait) + 1)
        if isinstance(exc, exceptions.ValidationError):
            errors = _flatten(exc.detail, [])
            return problem_response(400, _summary(errors), errors=errors, headers=headers)
        errors = getattr(exc, "errors", None)
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        return problem_response(code, str(detail), errors=errors, headers=headers)
    return None


def form_errors(form: Any) -> list[dict[str, str]]:
    """A Django form's errors (the web page's checks) as problem errors, in form order."""
    return [
        {"path": "" if name == "__all__" else name, "message": str(message)}
        for name, messages in form.errors.items()
        for message in messages
    ]


def form_problem(form: Any, detail: str = "Nothing was saved: fix each answer named.") -> Problem:
    return Problem(400, detail, errors=form_errors(form))
