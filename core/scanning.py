"""Virus scanning of uploads, behind one small interface: `scanner().scan(fileobj)`.

- `ClamdScanner` talks to clamd (Debian's clamav-daemon, or the clamav/clamav image in
  docker-compose.yml) over a Unix socket (CLAMD_SOCKET) or TCP (CLAMD_TCP, host:port) with
  clamd's INSTREAM command: `zINSTREAM\\0`, then chunks each prefixed with its length as 4
  big-endian bytes, then a zero-length chunk; clamd answers `stream: OK`,
  `stream: <signature> FOUND` or `... ERROR`.
- `NotScanningScanner` is the embedded default (`make run`, `make test`): it checks nothing
  and says so, and staff see "Files are not being scanned for viruses on this server" on
  pages listing uploaded files.

A scanner that is configured but cannot answer gives `ScanResult.unavailable`: callers hold
the upload (refuse it for now, asking the person to try again) and never accept it unscanned.
"""

from __future__ import annotations

import logging
import socket
import struct
from dataclasses import dataclass
from typing import IO, Protocol

from django import forms
from django.conf import settings

from core.errors import ApplicationError

logger = logging.getLogger(__name__)

CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True)
class ScanResult:
    """What a scan found: `clean`, `infected` (with the signature's name) or `unavailable`."""

    status: str
    signature: str = ""
    scanned: bool = True

    CLEAN = "clean"
    INFECTED = "infected"
    UNAVAILABLE = "unavailable"

    @classmethod
    def clean(cls, *, scanned: bool = True) -> ScanResult:
        return cls(cls.CLEAN, scanned=scanned)

    @classmethod
    def infected(cls, signature: str) -> ScanResult:
        return cls(cls.INFECTED, signature=signature)

    @classmethod
    def unavailable(cls, reason: str) -> ScanResult:
        return cls(cls.UNAVAILABLE, signature=reason, scanned=False)

    @property
    def is_clean(self) -> bool:
        return self.status == self.CLEAN

    @property
    def is_infected(self) -> bool:
        return self.status == self.INFECTED


class Scanner(Protocol):
    is_scanning: bool

    def scan(self, fileobj: IO[bytes]) -> ScanResult: ...


class NotScanningScanner:
    """The embedded default: accepts every file and says it did not scan it."""

    is_scanning = False

    def scan(self, fileobj: IO[bytes]) -> ScanResult:
        return ScanResult.clean(scanned=False)


class ClamdScanner:
    """clamd's INSTREAM over a Unix socket (`socket_path`) or TCP (`address`, (host, port))."""

    is_scanning = True

    def __init__(
        self,
        *,
        socket_path: str = "",
        address: tuple[str, int] | None = None,
        timeout: float = 30.0,
    ) -> None:
        if not socket_path and address is None:
            raise ValueError("ClamdScanner needs a socket path or a (host, port) address")
        self.socket_path = socket_path
        self.address = address
        self.timeout = timeout

    def _connect(self) -> socket.socket:
        if self.socket_path:
            conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            conn.settimeout(self.timeout)
            try:
                conn.connect(self.socket_path)
            except OSError:
                conn.close()
                raise
            return conn
        assert self.address is not None
        return socket.create_connection(self.address, timeout=self.timeout)

    def ping(self) -> bool:
        try:
            with self._connect() as conn:
                conn.sendall(b"zPING\0")
                return _read_reply(conn) == "PONG"
        except OSError:
            return False

    def scan(self, fileobj: IO[bytes]) -> ScanResult:
        position = fileobj.tell() if fileobj.seekable() else None
        try:
            with self._connect() as conn:
                conn.sendall(b"zINSTREAM\0")
                if position is not None:
                    fileobj.seek(0)
                while chunk := fileobj.read(CHUNK_BYTES):
                    conn.sendall(struct.pack("!L", len(chunk)) + chunk)
                conn.sendall(struct.pack("!L", 0))
                reply = _read_reply(conn)
        except OSError as error:
            # clamd closes the connection on a stream over its StreamMaxLength, too.
            logger.warning("Virus scanner unavailable: %s", error, extra={"scanner": "clamd"})
            return ScanResult.unavailable(str(error))
        finally:
            if position is not None:
                fileobj.seek(position)
        return _result_of(reply)


def _read_reply(conn: socket.socket) -> str:
    reply = b""
    while not reply.endswith(b"\0"):
        part = conn.recv(4096)
        if not part:
            break
        reply += part
    return reply.rstrip(b"\0").decode("utf-8", "replace").strip()


def _result_of(reply: str) -> ScanResult:
    """clamd's answer to INSTREAM: `stream: OK`, `stream: Name FOUND`, or an error."""
    _, _, verdict = reply.partition(": ")
    if verdict == "OK":
        return ScanResult.clean()
    if verdict.endswith(" FOUND"):
        return ScanResult.infected(verdict.removesuffix(" FOUND").strip())
    logger.warning("Virus scanner could not scan a file: %s", reply, extra={"scanner": "clamd"})
    return ScanResult.unavailable(reply or "no answer")


def scanner() -> Scanner:
    """The scanner the settings choose: clamd when CLAMD_SOCKET or CLAMD_TCP is set."""
    if settings.CLAMD_SOCKET:
        return ClamdScanner(socket_path=settings.CLAMD_SOCKET, timeout=settings.CLAMD_TIMEOUT)
    if settings.CLAMD_TCP:
        host, _, port = settings.CLAMD_TCP.rpartition(":")
        return ClamdScanner(address=(host, int(port)), timeout=settings.CLAMD_TIMEOUT)
    return NotScanningScanner()


def uploads_are_scanned() -> bool:
    return scanner().is_scanning


class UploadNotSafe(ApplicationError):
    """An upload the scanner found a virus in, or could not check."""


def scan_upload(uploaded) -> None:
    """Scan an uploaded file; raise UploadNotSafe, in words for the person, unless clean.

    Infected files are logged (name, signature, size, never the contents). A scanner that is
    set up but down holds the upload: the person is asked to try again, nothing is kept.
    """
    name = getattr(uploaded, "name", "") or "The file"
    result = scanner().scan(uploaded)
    if result.is_clean:
        return
    if result.is_infected:
        logger.warning(
            "Upload refused: virus found",
            extra={"file_name": name, "signature": result.signature, "size": uploaded.size},
        )
        raise UploadNotSafe(
            f"“{name}” contains a virus, so we have not kept it. Do not open it: choose a "
            "different file, or ask whoever sent you the file for a clean copy."
        )
    logger.error(
        "Upload held: the virus scanner is unavailable",
        extra={"file_name": name, "reason": result.signature},
    )
    raise UploadNotSafe(
        f"We could not check “{name}” for viruses, so we have not kept it. "
        "Try again in a few minutes."
    )


class ScannedFileField(forms.FileField):
    """A file field whose file is scanned for viruses; a refusal is the field's error."""

    def clean(self, data, initial=None):
        uploaded = super().clean(data, initial)
        if uploaded:
            try:
                scan_upload(uploaded)
            except UploadNotSafe as refusal:
                raise forms.ValidationError(refusal.message, code="not_safe") from refusal
        return uploaded
