"""The open data settings are checked when the service starts, naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings

from core.orgids import org_id_problem, publisher_prefix_problem


def _start(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OPEN_DATA_")}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_defaults_are_the_west_yorkshire_publisher_under_the_ogl():
    assert settings.OPEN_DATA_PREFIX == "360G-wypcc"
    assert settings.OPEN_DATA_FUNDER_ID == "360G-wypcc"
    assert settings.OPEN_DATA_LICENCE_NAME == "Open Government Licence v3.0"
    assert settings.OPEN_DATA_AREA_CODE == "E47000003"


def test_a_bad_prefix_or_funder_id_stops_the_service_naming_each():
    result = _start({"OPEN_DATA_PREFIX": "360G-wy pcc", "OPEN_DATA_FUNDER_ID": "GB-COH-1234"})
    assert result.returncode != 0
    assert "OPEN_DATA_PREFIX: “360G-wy pcc” is not a 360Giving publisher prefix" in result.stderr
    assert "OPEN_DATA_FUNDER_ID: “GB-COH-1234” is not a GB-COH identifier" in result.stderr


def test_a_registered_funder_and_another_licence_are_accepted():
    result = _start(
        {
            "OPEN_DATA_FUNDER_ID": "GB-GOR-PB1234",
            "OPEN_DATA_LICENCE_URL": "https://creativecommons.org/licenses/by/4.0/",
        }
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "org_id", ["GB-CHC-1104567", "GB-SC-SC012345", "GB-NIC-100002", "GB-COH-01234567",
               "GB-COH-SC123456", "GB-LAE-LDS", "360G-wypcc-org-1f2e", "GB-GOR-PB1234"]
)  # fmt: skip
def test_recognised_org_ids(org_id):
    assert org_id_problem(org_id) is None


@pytest.mark.parametrize(
    "org_id", ["", "GB-CHC-12345", "GB-CHC-1104567-1", "GB-COH-1234567", "XX-ABC-1",
               "GB-CHC 1104567", "360G/wypcc", "1104567"]
)  # fmt: skip
def test_unrecognised_org_ids(org_id):
    assert org_id_problem(org_id)


@pytest.mark.parametrize("prefix", ["360G-wy/pcc", "wypcc", "360G-", "360G-wypcc-", "360g wypcc"])
def test_bad_publisher_prefixes(prefix):
    assert publisher_prefix_problem(prefix)
