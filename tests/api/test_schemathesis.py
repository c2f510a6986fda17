"""schemathesis over every operation of /api/schema/ on the live test server, as a group's
member, a provider, a commissioner and a grants officer, each with an API token and with
the path parameters set to objects that persona may reach. Zero failures: no 5xx, every
status code declared, every response's content type and body as the schema says.

The same command runs by hand against `make run` (see README, "The REST API").
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.api.conftest import make_token
from tests.commissioning.builders import make_contract, open_return
from tests.commissioning.conftest import Q1
from tests.factories import ApplicationFactory, AwardFactory, RoundFactory

pytestmark = pytest.mark.django_db(transaction=True)

# CI runs every phase; a local run skips the slow coverage phase (about a minute per
# persona on a small machine) unless SCHEMATHESIS_FULL=1.
FULL = (
    os.environ.get("CI", "").lower() in ("1", "true", "yes")
    or os.environ.get("SCHEMATHESIS_FULL") == "1"
)
PHASES = "examples,coverage,fuzzing" if FULL else "examples,fuzzing"
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
# Two workers: the live server answers one request while schemathesis makes the next (a
# third of the time on 2 cores). The seed still fixes what each operation is sent.
WORKERS = "2"


def _config(path: Path, key: str, parameters: dict[str, str]) -> Path:
    lines = [
        "[generation]",
        "max-examples = 4",
        "[headers]",
        f'Authorization = "Bearer {key}"',
        "[parameters]",
        *[f'"path.{name}" = "{value}"' for name, value in parameters.items()],
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def world(personas, plan):
    round = RoundFactory(plan=plan)
    draft = ApplicationFactory(
        round=round, organisation=personas.org_a, created_by=personas.applicant_a
    )
    award = AwardFactory(
        application__organisation=personas.org_a, application__round=RoundFactory(plan=plan)
    )
    contract = make_contract(
        provider=personas.provider_org, commissioner=personas.commissioner, plan=plan
    )
    monitoring_return = open_return(contract, Q1)
    common = {"round_uuid": str(round.uuid), "code": plan.code, "section": "project"}
    return {
        "applicant": (
            make_token(personas.applicant_a, personas.org_a),
            {
                **common,
                "application_uuid": str(draft.uuid),
                "line_id": str(draft.budget_lines.first().pk),
                "award_uuid": str(award.uuid),
            },
        ),
        "provider": (
            make_token(personas.provider, personas.provider_org),
            {
                **common,
                "contract_uuid": str(contract.uuid),
                "return_uuid": str(monitoring_return.uuid),
                "measure_set_uuid": str(contract.measure_set.uuid),
            },
        ),
        "commissioner": (
            make_token(personas.commissioner),
            {
                **common,
                "contract_uuid": str(contract.uuid),
                "return_uuid": str(monitoring_return.uuid),
                "measure_set_uuid": str(contract.measure_set.uuid),
            },
        ),
        "officer": (
            make_token(personas.officer),
            {
                **common,
                "application_uuid": str(award.application.uuid),
                "award_uuid": str(award.uuid),
            },
        ),
    }


@pytest.mark.parametrize("persona", ["applicant", "provider", "commissioner", "officer"])
def test_schemathesis_finds_nothing(live_api, world, persona, tmp_path, settings):
    settings.API_THROTTLE_RATES = {"token": 100_000, "user": 100_000, "anon": 100_000}
    key, parameters = world[persona]
    config = _config(tmp_path / "schemathesis.toml", key, parameters)
    result = subprocess.run(
        [
            str(SCHEMATHESIS),
            "--config-file",
            str(config),
            "run",
            f"{live_api.url}/api/schema/",
            "--checks",
            CHECKS,
            "--phases",
            PHASES,
            "--workers",
            WORKERS,
            "--seed",
            "15",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "SCHEMATHESIS_TELEMETRY": "false", "NO_COLOR": "1"},
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-3000:]
