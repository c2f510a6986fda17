"""OpenAPI helpers: `api_operation` declares an operation's summary, examples and every
problem response (400/401/403/404/409/412/429, and 428 where If-Match is required), so no
operation documents fewer errors than it can give."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers

from core.api.problems import PROBLEM_CONTENT_TYPE, TITLES, problem_type

PROBLEM_CODES = (400, 401, 403, 404, 409, 412, 429)


class FieldErrorSerializer(serializers.Serializer):
    path = serializers.CharField(help_text='Where the problem is, e.g. "figures[3].value"')
    message = serializers.CharField(help_text="What is wrong and what to do, in plain words")


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = FieldErrorSerializer(many=True, required=False)


DETAILS = {
    400: "The request has problems; `errors` lists each with its path.",
    401: "No valid session or API token (missing, wrong, revoked or expired).",
    403: "Signed in, but this needs a role or a token scope you do not have.",
    404: "Nothing here, or nothing of yours: the same answer for both.",
    409: "The object's state refuses this now (already submitted, deadline passed).",
    412: "The If-Match ETag is stale: someone changed it since you read it.",
    428: "If-Match is required on this update.",
    429: "Too many requests: wait for Retry-After seconds.",
}
EXAMPLE_DETAILS = {
    400: "Victims supported must be a whole number, like 12 or 0.",
    401: "Authentication credentials were not provided.",
    403: "You do not have permission to perform this action.",
    404: "No such return",
    409: "This return is submitted and cannot be changed.",
    412: "Someone changed this since you read it.",
    428: "Send the If-Match header with the ETag you last read.",
    429: "Request was throttled. Expected available in 20 seconds.",
}


def _problem(code: int) -> OpenApiResponse:
    slug, title = TITLES[code]
    example: dict[str, Any] = {
        "type": problem_type(slug),
        "title": title,
        "status": code,
        "detail": EXAMPLE_DETAILS[code],
    }
    if code == 400:
        example["errors"] = [{"path": "figures[0].value", "message": EXAMPLE_DETAILS[400]}]
    return OpenApiResponse(
        ProblemSerializer,
        description=DETAILS[code],
        examples=[
            OpenApiExample(f"{code} {title}", value=example, media_type=PROBLEM_CONTENT_TYPE)
        ],
    )


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description="The ETag from your last GET of this resource; a stale one gets 412.",
)
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "Any unique string (a UUID). Sending the same request again with the same key "
        "returns the first answer (with Idempotent-Replayed: true) instead of doing it twice."
    ),
)


def api_operation(
    *,
    summary: str,
    tags: Sequence[str],
    response: Any = None,
    status: int = 200,
    request: Any = "unset",
    description: str = "",
    examples: Sequence[OpenApiExample] = (),
    parameters: Sequence[OpenApiParameter] = (),
    if_match: bool = False,
    idempotent: bool = False,
    operation_id: str | None = None,
) -> Any:
    """extend_schema with the summary, the examples and every problem response."""
    responses: dict[Any, Any] = {status: response}
    codes = (*PROBLEM_CODES, 428) if if_match else PROBLEM_CODES
    for code in codes:
        responses[(code, PROBLEM_CONTENT_TYPE)] = _problem(code)
    extra = [*parameters]
    if if_match:
        extra.append(IF_MATCH)
    if idempotent:
        extra.append(IDEMPOTENCY_KEY)
    options: dict[str, Any] = {
        "summary": summary,
        "description": description or None,
        "tags": list(tags),
        "responses": responses,
        "parameters": extra,
        "examples": list(examples),
        "operation_id": operation_id,
    }
    if request != "unset":
        options["request"] = request
    return extend_schema(**options)
