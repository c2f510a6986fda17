"""docs/examples/submit_return.py, run as a provider's developer would, against the live
test server: it submits a return from a CSV, and prints each refused figure by measure."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from commissioning.models import MonitoringReturn
from tests.api.conftest import make_token
from tests.commissioning.builders import complete_figures

pytestmark = pytest.mark.django_db(transaction=True)
SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "examples" / "submit_return.py"


def _csv(path: Path, figures: dict) -> Path:
    lines = ["measure_code,category,value"]
    lines += [f'{code},{category},"{value}"' for (code, category), value in figures.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


def _run(live_api, key: str, csv: Path):
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--url", live_api.url, "--token", key, str(csv)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_script_submits_a_return_from_a_csv(live_api, personas, q1_return, tmp_path):
    key = make_token(personas.provider, personas.provider_org, scopes=["read", "returns:write"])
    result = _run(live_api, key, _csv(tmp_path / "q1.csv", complete_figures()))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Submitted: the return is now submitted." in result.stdout
    q1_return.refresh_from_db()
    assert q1_return.status == MonitoringReturn.Status.SUBMITTED


def test_the_script_prints_each_refusal_by_measure(live_api, personas, q1_return, tmp_path):
    key = make_token(personas.provider, personas.provider_org, scopes=["read", "returns:write"])
    figures = {**complete_figures(), ("CLOSED", ""): "lots"}
    result = _run(live_api, key, _csv(tmp_path / "bad.csv", figures))
    assert result.returncode == 1
    assert "figures[" in result.stderr
    assert "Cases closed must be a whole number, like 12 or 0." in result.stderr
    q1_return.refresh_from_db()
    assert q1_return.status == MonitoringReturn.Status.NOT_STARTED
