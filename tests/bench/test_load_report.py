"""The load benchmark's report says how fast the host was, so runs at different hours are
not compared by their absolute times (bench/load.py)."""

from __future__ import annotations

import json
from pathlib import Path

from bench.load import host_speed_us, report

HERE = Path(__file__).resolve().parents[2] / "bench"


def test_a_run_records_the_hosts_speed_and_the_report_says_it():
    run = json.loads((HERE / "load-after-list.json").read_text())
    assert "Host speed" not in report("old", run)  # runs made before it was recorded
    run["host_speed_us"] = host_speed_us()
    assert run["host_speed_us"] > 0
    assert f"took {run['host_speed_us']:.1f} microseconds" in report("new", run)
