"""A request body over the limit is refused before any of it is read or written to disk
(issue 17): a 300 MB POST gets 413 at once, before the CSRF and sign-in checks read it."""

from __future__ import annotations

import io
import socket
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.http.multipartparser import MultiPartParser
from django.urls import reverse

from core.uploadlimits import BodyLimitUploadHandler

MB = 1024 * 1024


@pytest.fixture
def upload_temp_dir(settings, tmp_path) -> Path:
    folder = tmp_path / "upload-temp"
    folder.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(folder)
    return folder


def _multipart_head(boundary: str = "b0undary") -> bytes:
    return (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="file"; filename="huge.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n%PDF-1.4\n"
    ).encode()


def test_the_first_middleware_is_the_body_limit(settings):
    assert settings.MIDDLEWARE[0] == "core.uploadlimits.RequestBodyLimitMiddleware"
    assert settings.FILE_UPLOAD_HANDLERS[0] == "core.uploadlimits.BodyLimitUploadHandler"
    # The largest upload (10 MB) and the form's other fields fit; the proxy uses the same.
    assert 10 * MB < settings.MAX_REQUEST_BODY_BYTES <= 16 * MB


def test_a_300_mb_post_is_refused_with_413_before_anything_reads_it(
    client, upload_temp_dir, settings
):
    with mock.patch.object(TemporaryFileUploadHandler, "new_file") as written:
        response = client.generic(
            "POST",
            reverse("account_login"),
            _multipart_head(),  # the test client refuses to read past these bytes
            content_type="multipart/form-data; boundary=b0undary",
            CONTENT_LENGTH=str(300 * MB),
        )
    assert response.status_code == 413
    assert "The file is too big" in response.content.decode()
    assert "Go back, choose a smaller file" in response.content.decode()
    written.assert_not_called()
    assert list(upload_temp_dir.iterdir()) == []


def test_under_the_api_the_refusal_is_a_problem_document(client):
    response = client.generic(
        "POST",
        "/api/v1/applications/",
        b"{}",
        content_type="application/json",
        CONTENT_LENGTH=str(300 * MB),
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 413
    assert "each file must be 10 MB or smaller" in body["detail"]


def test_a_body_just_under_the_limit_goes_on_to_the_usual_checks(client, settings):
    response = client.generic(
        "POST",
        reverse("account_login"),
        b"email=a%40b.example",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code != 413


def test_a_multipart_body_that_grows_past_the_limit_is_stopped_by_the_upload_handler(
    settings, upload_temp_dir
):
    """A Content-Length that lies (or none, read through to the end): parsing stops at the
    limit and the partial file is discarded."""
    settings.MAX_REQUEST_BODY_BYTES = 1 * MB
    body = _multipart_head() + b"0" * (3 * MB) + b"\r\n--b0undary--\r\n"
    handlers = [BodyLimitUploadHandler(), TemporaryFileUploadHandler()]
    parser = MultiPartParser(
        # A length that lies: the stream holds 3 MB.
        {"CONTENT_TYPE": "multipart/form-data; boundary=b0undary", "CONTENT_LENGTH": "1000"},
        io.BytesIO(body),
        handlers,
    )
    with mock.patch.object(handlers[1], "file_complete") as kept:
        _post, files = parser.parse()
    kept.assert_not_called()
    assert "file" not in files
    assert list(upload_temp_dir.iterdir()) == []


def test_a_declared_length_over_the_limit_gives_the_parser_nothing_to_read(settings):
    handler = BodyLimitUploadHandler()
    post, files = handler.handle_raw_input(
        io.BytesIO(b""), {}, settings.MAX_REQUEST_BODY_BYTES + 1, "b0undary"
    )
    assert not post and not files


@pytest.mark.django_db(transaction=True)
def test_a_live_server_answers_413_to_a_streamed_300_mb_post_without_reading_it(
    live_server, upload_temp_dir
):
    """Over a real socket: send the headers and the first 64 KB of a 300 MB body; the
    answer comes back at once and nothing is written."""
    host, port = live_server.url.removeprefix("http://").split(":")
    head = (
        "POST /accounts/login/ HTTP/1.1\r\n"
        f"Host: {host}:{port}\r\n"
        "Content-Type: multipart/form-data; boundary=b0undary\r\n"
        f"Content-Length: {300 * MB}\r\n\r\n"
    ).encode()
    with socket.create_connection((host, int(port)), timeout=30) as conn:
        conn.sendall(head + _multipart_head() + b"0" * (64 * 1024))
        answer = b""
        while b"\r\n\r\n" not in answer:
            part = conn.recv(4096)
            if not part:
                break
            answer += part
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert list(upload_temp_dir.iterdir()) == []


def _asgi_call(app, headers, chunks):
    import asyncio
    import concurrent.futures

    sent = []
    pending = [{"type": "http.request", "body": c, "more_body": True} for c in chunks]
    pending.append({"type": "http.request", "body": b"", "more_body": False})

    async def receive():
        return pending.pop(0) if pending else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/", "headers": headers}
    # In a thread of its own: after the browser journeys, Playwright's synchronous API
    # leaves an event loop running in the main thread, where asyncio.run() refuses to start.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(lambda: asyncio.run(app(scope, receive, send))).result()
    return sent


def test_under_asgi_a_declared_300_mb_body_is_refused_before_django_reads_it():
    from core.uploadlimits import AsgiBodyLimit

    inner = mock.AsyncMock()
    sent = _asgi_call(AsgiBodyLimit(inner), [(b"content-length", str(300 * MB).encode())], [])
    assert sent[0]["status"] == 413
    inner.assert_not_called()


def test_under_asgi_a_body_that_grows_past_the_limit_reads_as_a_disconnect(settings):
    from core.uploadlimits import AsgiBodyLimit

    settings.MAX_REQUEST_BODY_BYTES = 1000
    seen = []

    async def inner(scope, receive, send):
        while True:
            message = await receive()
            seen.append(message["type"])
            if message["type"] == "http.disconnect" or not message.get("more_body"):
                return

    _asgi_call(AsgiBodyLimit(inner), [], [b"0" * 600, b"0" * 600, b"0" * 600])
    assert seen == ["http.request", "http.disconnect"]
