"""Run a management command at a given moment: `python manage_at.py EPOCH_SECONDS cmd ...`.

Django starts first, then the process sleeps until the moment, so two of them started
together really do run their command at the same time (start-up takes a second or two
and varies).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str]) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    at, command, *arguments = argv
    time.sleep(max(0.0, float(at) - time.time()))
    call_command(command, *arguments)


if __name__ == "__main__":
    main(sys.argv[1:])
