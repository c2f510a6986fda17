"""Run every bench/bench_*.py and write bench/RESULTS.md.

Each module has `run() -> list[tuple[str, str]]` returning (measure, value) rows. The
benchmarks use a throwaway SQLite database under bench/out/ (or DATABASE_URL if set),
never the development database.
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


def main() -> None:
    db_file = HERE / "out" / "bench.sqlite3"
    if db_file.exists():
        db_file.unlink()
    call_command("migrate", verbosity=0)
    sections = []
    for path in sorted(HERE.glob("bench_*.py")):
        module = importlib.import_module(f"bench.{path.stem}")
        print(f"running {path.stem}", flush=True)
        rows = module.run()
        table = "\n".join(f"| {name} | {value} |" for name, value in rows)
        doc = (module.__doc__ or "").strip().splitlines()[0]
        sections.append(f"## {path.stem}\n\n{doc}\n\n| measure | value |\n|---|---|\n{table}\n")
    header = (
        "# Benchmark results\n\n"
        f"Run {dt.datetime.now().isoformat(timespec='seconds')} on {platform.node()} "
        f"({os.cpu_count()} cores, Python {platform.python_version()}, "
        f"database {django.db.connection.vendor}).\n\n"
    )
    (HERE / "RESULTS.md").write_text(header + "\n".join(sections))
    print((HERE / "RESULTS.md").read_text())


if __name__ == "__main__":
    main()
