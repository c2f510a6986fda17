"""Handing a private stored file to the one person allowed to see it."""

from __future__ import annotations

import io
from typing import Any

from django.http import FileResponse


def private_file_response(field: Any, filename: str, content_type: str) -> FileResponse:
    """Download `field` (a FieldFile, or bytes made for this request) as `filename`: never
    cached, never sniffed as HTML."""
    stream = io.BytesIO(field) if isinstance(field, bytes) else field.open("rb")
    response = FileResponse(
        stream, as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
