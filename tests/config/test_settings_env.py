import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_list, parse_bool


@pytest.mark.parametrize("raw", ["1", "true", "TRUE", " yes ", "On"])
def test_it_reads_true_words(raw):
    assert parse_bool("DEBUG", raw) is True


@pytest.mark.parametrize("raw", ["0", "false", "False", "no", "off"])
def test_it_reads_false_words(raw):
    assert parse_bool("DEBUG", raw) is False


@pytest.mark.parametrize("raw", ["flase", "treu", "2", "enabled", "y"])
def test_it_refuses_an_ambiguous_boolean(raw):
    with pytest.raises(ImproperlyConfigured, match="is not a yes/no value"):
        parse_bool("DEBUG", raw)


def test_it_uses_the_default_when_unset_or_blank():
    assert env_bool("DEBUG", True, environ={}) is True
    assert env_bool("DEBUG", False, environ={"DEBUG": "  "}) is False


def test_it_splits_lists_and_drops_blanks():
    assert env_list("HOSTS", ["x"], environ={"HOSTS": "a.example, b.example,,"}) == [
        "a.example",
        "b.example",
    ]
    assert env_list("HOSTS", ["x"], environ={}) == ["x"]


def _settings_in_subprocess(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS")
    }
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); "
            "from django.conf import settings; print(settings.DEBUG)",
        ],
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_bad_debug_value_stops_the_service_from_starting():
    result = _settings_in_subprocess({"DEBUG": "flase"})
    assert result.returncode != 0
    assert "DEBUG='flase' is not a yes/no value" in result.stderr


def test_production_mode_has_no_secret_default():
    result = _settings_in_subprocess({"DEBUG": "false", "ALLOWED_HOSTS": "grants.example"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_production_mode_needs_allowed_hosts():
    result = _settings_in_subprocess({"DEBUG": "false", "SECRET_KEY": "x" * 60})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_the_embedded_default_needs_no_variables():
    result = _settings_in_subprocess({})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_it_is_london_time_and_british_english():
    assert settings.TIME_ZONE == "Europe/London"
    assert settings.LANGUAGE_CODE == "en-gb"
    assert settings.USE_TZ is True
