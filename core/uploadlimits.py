"""Refuse an oversized request body before any of it is buffered or written to disk.

Three layers, all at settings.MAX_REQUEST_BODY_BYTES (the largest upload plus room for the
form's other fields):

1. the proxy (deploy/Caddyfile `request_body max_size`) refuses it before gunicorn sees it;
2. `RequestBodyLimitMiddleware`, the first middleware, answers 413 to a request whose
   Content-Length is over the limit, before CSRF or sign-in checks read the body (reading
   request.POST is what writes a multipart upload to a temporary file);
3. `BodyLimitUploadHandler`, the first upload handler, stops reading a multipart body that
   grows past the limit (a Content-Length that lies, or a body without one), before the
   next chunk reaches the handlers that keep files in memory or on disk.

Under WSGI (gunicorn) Django never reads more than Content-Length, and a chunked body
without one is not read at all.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpResponse, JsonResponse, QueryDict
from django.template.loader import render_to_string
from django.utils.datastructures import MultiValueDict

from core.api.problems import PROBLEM_CONTENT_TYPE, problem_type

logger = logging.getLogger(__name__)

TOO_LARGE_DETAIL = (
    "The request is too large: each file must be 10 MB or smaller. Send a smaller file."
)


def _declared_length(request) -> int | None:
    try:
        return int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None


def too_large_response(request) -> HttpResponse:
    """413 as a problem document under /api/, else a plain page saying what to do."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "type": problem_type("too-large"),
                "title": "The request is too large",
                "status": 413,
                "detail": TOO_LARGE_DETAIL,
            },
            status=413,
            content_type=PROBLEM_CONTENT_TYPE,
        )
    # No request context: nothing here may read the session or the body.
    return HttpResponse(
        render_to_string("413.html", {"limit_mb": settings.MAX_REQUEST_BODY_BYTES // 2**20}),
        status=413,
    )


class RequestBodyLimitMiddleware:
    """Answer 413 to a body declared larger than the limit, without reading it."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        declared = _declared_length(request)
        if declared is not None and declared > settings.MAX_REQUEST_BODY_BYTES:
            logger.warning(
                "Request body refused: too large",
                extra={"path": request.path, "content_length": declared},
            )
            # No Connection header (WSGI forbids it): the server closes a connection whose
            # body was not read (gunicorn's sync workers close every connection anyway).
            return too_large_response(request)
        return self.get_response(request)


class BodyLimitUploadHandler(FileUploadHandler):
    """Stop a multipart body at the limit, whatever its Content-Length said."""

    received = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.received = 0
        if content_length > settings.MAX_REQUEST_BODY_BYTES:
            # Nothing read: the form sees no fields and no files.
            return QueryDict(encoding=encoding), MultiValueDict()
        return None

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.MAX_REQUEST_BODY_BYTES:
            logger.warning("Upload stopped: the body grew past the limit")
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


class AsgiBodyLimit:
    """The same limit for the ASGI entry point (config/asgi.py), where Django reads the
    whole body into a temporary file before any middleware runs: a declared length over the
    limit gets 413 at once, and a body that grows past it is cut off as a disconnect, so
    Django discards what it had spooled."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = settings.MAX_REQUEST_BODY_BYTES
        headers = dict(scope.get("headers") or [])
        try:
            declared = int(headers.get(b"content-length", b"") or -1)
        except ValueError:
            declared = -1
        if declared > limit:
            await send(
                {
                    "type": "http.response.start",
                    "status": 413,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8")],
                }
            )
            await send({"type": "http.response.body", "body": TOO_LARGE_DETAIL.encode()})
            return None
        received = 0

        async def limited_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    return {"type": "http.disconnect"}
            return message

        return await self.app(scope, limited_receive, send)
