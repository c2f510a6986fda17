"""The reverse proxy (deploy/Caddyfile, issue 19): one site for DOMAIN that passes
everything to gunicorn, refuses bodies over the upload limit before they reach it, and sets
X-Forwarded-For and X-Forwarded-Proto itself whatever the client sent. Run in Debian's caddy
(CI installs it) against a stub upstream that records what reaches it."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from grants.uploads import MAX_UPLOAD_BYTES

ROOT = Path(__file__).resolve().parents[2]
CADDYFILE = ROOT / "deploy" / "Caddyfile"
CADDY = shutil.which("caddy")
pytestmark = pytest.mark.skipif(
    CADDY is None, reason="needs caddy (apt-get install caddy; CI installs it)"
)
LIMIT = int(re.search(r"\{\$MAX_REQUEST_BODY_BYTES:(\d+)\}", CADDYFILE.read_text()).group(1))
MIB = 1024 * 1024


def _caddy_version() -> tuple[int, ...]:
    out = subprocess.run([CADDY, "version"], capture_output=True, text=True, check=True).stdout
    return tuple(int(part) for part in re.match(r"v?(\d+)\.(\d+)\.(\d+)", out).groups())


def _caddyfile_for_this_caddy(tmp_path: Path) -> Path:
    """The Caddyfile as it is, except on a caddy older than 2.6.4 (Debian 12 has 2.6.2):
    there `request_buffers <size>` was spelled `buffer_requests` + `max_buffer_size <size>`."""
    text = CADDYFILE.read_text()
    if _caddy_version() < (2, 6, 4):
        text, count = re.subn(
            r"request_buffers (\S+)", r"buffer_requests\n\t\t\tmax_buffer_size \1", text
        )
        assert count == 1
    path = tmp_path / "Caddyfile"
    path.write_text(text)
    return path


def _caddy_env(tmp_path: Path, **values: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        **values,
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _handlers(node) -> list[str]:
    """Every handler named anywhere in an adapted config, in document order."""
    if isinstance(node, dict):
        found = [node["handler"]] if "handler" in node else []
        return found + [name for value in node.values() for name in _handlers(value)]
    if isinstance(node, list):
        return [name for value in node for name in _handlers(value)]
    return []


def test_the_body_limit_is_the_upload_limit_plus_room_for_the_form():
    assert MAX_UPLOAD_BYTES + MIB <= LIMIT <= MAX_UPLOAD_BYTES + 4 * MIB
    text = CADDYFILE.read_text()
    assert f"request_buffers {{$MAX_REQUEST_BODY_BYTES:{LIMIT}}}" in text
    assert f"max_size {{$MAX_REQUEST_BODY_BYTES:{LIMIT}}}" in text


def test_one_site_for_the_domain_that_only_proxies_to_gunicorn(tmp_path):
    result = subprocess.run(
        [CADDY, "adapt", "--config", str(_caddyfile_for_this_caddy(tmp_path))],
        env=_caddy_env(tmp_path, DOMAIN="grants.example.org"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    config = json.loads(result.stdout)
    (server,) = config["apps"]["http"]["servers"].values()
    assert server["listen"] == [":443"]
    (route,) = server["routes"]
    assert route["match"] == [{"host": ["grants.example.org"]}]
    handlers = _handlers(route)
    assert [h for h in handlers if h != "subroute"] == ["error", "request_body", "reverse_proxy"]
    proxy = json.dumps(route)
    assert '"dial": "web:8000"' in proxy
    assert f'"max_size": {LIMIT}' in proxy
    # The error pages are Caddy's own answers; nothing else is served (no files, no
    # other sites or routes).
    assert set(_handlers(server["errors"])) <= {"subroute", "headers", "static_response"}


class _Upstream(BaseHTTPRequestHandler):
    """Stands in for gunicorn: records each request's headers and body size."""

    seen: list[dict] = []

    def _record(self):
        length = int(self.headers.get("Content-Length") or 0)
        received = 0
        while received < length:
            chunk = self.rfile.read(min(65536, length - received))
            if not chunk:
                break
            received += len(chunk)
        type(self).seen.append({"path": self.path, "headers": dict(self.headers), "body": received})
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"from upstream")

    do_GET = do_POST = _record

    def log_message(self, *args):
        pass


@pytest.fixture
def proxy(tmp_path):
    """Caddy on a free port serving plain http:// (no certificates in a test), in front of
    the stub upstream."""
    upstream = ThreadingHTTPServer(("127.0.0.1", 0), _Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    _Upstream.seen = []
    port = _free_port()
    log = (tmp_path / "caddy.log").open("wb")
    process = subprocess.Popen(
        [CADDY, "run", "--config", str(_caddyfile_for_this_caddy(tmp_path))],
        env=_caddy_env(
            tmp_path,
            DOMAIN=f"http://127.0.0.1:{port}",
            UPSTREAM=f"127.0.0.1:{upstream.server_port}",
            CADDY_ADMIN="off",
        ),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("caddy did not start:\n" + (tmp_path / "caddy.log").read_text())
                time.sleep(0.1)
        yield port, upstream
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()
        upstream.shutdown()
        upstream.server_close()


def _request(port, method, path, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read().decode(errors="replace")
    finally:
        conn.close()


def test_the_proxy_sets_the_forwarded_headers_itself(proxy):
    port, _ = proxy
    status, body = _request(
        port,
        "GET",
        "/funding/",
        headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "6.6.6.6"},
    )
    assert (status, body) == (200, "from upstream")
    (seen,) = _Upstream.seen
    assert seen["headers"]["X-Forwarded-Proto"] == "http", "the client cannot claim HTTPS"
    assert seen["headers"]["X-Forwarded-For"] == "127.0.0.1", "nor choose its own address"
    assert seen["headers"]["Host"] == f"127.0.0.1:{port}"


def test_a_full_size_upload_reaches_gunicorn(proxy):
    port, _ = proxy
    boundary = "----upload"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
            f"{'t' * 64}\r\n--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; filename="plan.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + b"%PDF"
        + bytes(MAX_UPLOAD_BYTES - 4)
        + f"\r\n--{boundary}--\r\n".encode()
    )
    status, _ = _request(
        port,
        "POST",
        "/applications/x/documents/",
        body=body,
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert status == 200
    assert [seen["body"] for seen in _Upstream.seen] == [len(body)]


def test_a_body_over_the_limit_is_refused_before_any_of_it_is_read(proxy):
    port, _ = proxy
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        # 300 MB announced, none of it sent: the answer must not wait for the body.
        sock.sendall(
            b"POST /applications/x/documents/ HTTP/1.1\r\n"
            + f"Host: 127.0.0.1:{port}\r\n".encode()
            + b"Content-Type: multipart/form-data; boundary=x\r\n"
            + f"Content-Length: {300 * MIB}\r\n\r\n".encode()
        )
        answer = b""
        while b"</html>" not in answer:
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    head, _, page = answer.decode(errors="replace").partition("\r\n\r\n")
    assert head.startswith("HTTP/1.1 413")
    assert "Each file must be 10 MB or smaller" in page
    assert _Upstream.seen == []


def test_when_gunicorn_is_down_people_are_told_to_try_again(proxy):
    port, upstream = proxy
    upstream.shutdown()
    upstream.server_close()
    status, body = _request(port, "GET", "/")
    assert status == 502
    assert "Sorry, the service is unavailable" in body
    assert "Try again in a few minutes." in body
