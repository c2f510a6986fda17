"""Handing a private stored file to the one person allowed to see it."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse


def private_file_response(field: Any, filename: str, content_type: str) -> FileResponse:
    """Download `field` (a FieldFile) as `filename`: never cached, never sniffed as HTML."""
    response = FileResponse(
        field.open("rb"), as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
