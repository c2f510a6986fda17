"""Run every bench/bench_*.py and write bench/RESULTS.md.

Each module has `run() -> list[tuple[str, str]]` returning (measure, value) rows. The
benchmarks use a throwaway SQLite database under bench/out/ (or DATABASE_URL if set),
never the development database.

`bench/run.py delivery` runs only bench_delivery.py and replaces its section of
RESULTS.md, keeping the other sections as they were last measured.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import platform
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
(HERE / "out").mkdir(exist_ok=True)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{HERE / 'out' / 'bench.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402


def _previous_sections() -> dict[str, str]:
    """The sections of the last RESULTS.md, by module name."""
    path = HERE / "RESULTS.md"
    if not path.exists():
        return {}
    parts = path.read_text().split("\n## ")[1:]
    return {part.split("\n", 1)[0]: f"## {part.rstrip()}\n" for part in parts}


def main(names: list[str]) -> None:
    db_file = HERE / "out" / "bench.sqlite3"
    if db_file.exists():
        db_file.unlink()
    call_command("migrate", verbosity=0)
    # The load benchmark's section (bench/load.py) is kept: it is measured on its own.
    sections = {
        name: text
        for name, text in _previous_sections().items()
        if names or not name.startswith("bench_")
    }
    chosen = [
        path
        for path in sorted(HERE.glob("bench_*.py"))
        if not names or path.stem.removeprefix("bench_") in names
    ]
    ran = f"Run {dt.datetime.now().isoformat(timespec='seconds')} on {platform.node()}"
    for path in chosen:
        module = importlib.import_module(f"bench.{path.stem}")
        print(f"running {path.stem}", flush=True)
        rows = module.run()
        table = "\n".join(f"| {name} | {value} |" for name, value in rows)
        doc = (module.__doc__ or "").strip().splitlines()[0]
        # A shared machine's load explains slow figures: say what it was.
        load = os.getloadavg()[0]
        when = f"{ran} (on its own; load average {load:.1f} on {os.cpu_count()} cores).\n\n"
        when = when if names else ""
        sections[path.stem] = (
            f"## {path.stem}\n\n{when}{doc}\n\n| measure | value |\n|---|---|\n{table}\n"
        )
    results = HERE / "RESULTS.md"
    if names and results.exists():  # the other sections keep the header of their run
        header = results.read_text().split("\n## ")[0].rstrip() + "\n\n"
    else:
        header = (
            "# Benchmark results\n\n"
            f"{ran} ({os.cpu_count()} cores, Python {platform.python_version()}, "
            f"database {django.db.connection.vendor}).\n\n"
        )
    results.write_text(header + "\n".join(sections[name] for name in sorted(sections)))
    print(results.read_text())


if __name__ == "__main__":
    main(sys.argv[1:])
