"""A Celery worker whose email sending can be made slow, so a test can kill it mid-send.

Run as `python tests/reliability/slow_worker.py <celery worker options>`. With
SLOW_SEND_SECONDS set, the file email backend first writes this process's id to
SLOW_SEND_MARKER, then sleeps that long, then writes the message as usual. Nothing in the
application changes: only this process's copy of the backend class is patched.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _slow_down_sending(seconds: float, marker: Path) -> None:
    from django.core.mail.backends import filebased

    original = filebased.EmailBackend.send_messages

    def send_messages(self, email_messages):
        marker.write_text(str(os.getpid()))
        time.sleep(seconds)
        return original(self, email_messages)

    filebased.EmailBackend.send_messages = send_messages


def main(argv: list[str]) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    seconds = float(os.environ.get("SLOW_SEND_SECONDS") or 0)
    if seconds:
        _slow_down_sending(seconds, Path(os.environ["SLOW_SEND_MARKER"]))

    from config.celery import app

    app.worker_main(["worker", *argv])


if __name__ == "__main__":
    main(sys.argv[1:])
