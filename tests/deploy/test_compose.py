"""docker-compose.yml deploys as written (issue 19): email only from .env, the mail catcher
only in the dev profile, only the proxy publishes ports, migrations run once in their own
service before every app service, and every service restarts, is limited and health-checked.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from deploy.healthcheck import BEAT_HEARTBEAT_MAX_AGE

ROOT = Path(__file__).resolve().parents[2]
APP_IMAGE = "safer-communities:latest"
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
DEV = yaml.safe_load((ROOT / "docker-compose.dev.yml").read_text())
SERVICES = COMPOSE["services"]


def _environment(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {key: str(value) for key, value in env.items()}


def _command(service: dict) -> str:
    command = service.get("command") or ""
    return " ".join(command) if isinstance(command, list) else command


def _is_app(service: dict) -> bool:
    return service.get("image") == APP_IMAGE or "build" in service


def _in_dev_profile(service: dict) -> bool:
    return "dev" in (service.get("profiles") or [])


def _env_example() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


APP_SERVICES = {name for name, service in SERVICES.items() if _is_app(service)}


def test_the_app_services_are_the_ones_expected():
    assert {"migrate", "web", "worker", "beat"} == APP_SERVICES


def test_email_comes_from_env_and_never_from_the_compose_file_outside_the_dev_profile():
    for name, service in SERVICES.items():
        if _in_dev_profile(service):
            continue
        env = _environment(service)
        assert "EMAIL_URL" not in env, (
            f"{name} sets EMAIL_URL in docker-compose.yml, which overrides .env: production "
            "email must come from .env only."
        )
        assert not [value for value in env.values() if "mailpit" in value], name
    for name in APP_SERVICES:
        assert SERVICES[name]["env_file"] == ".env", name


def test_the_mail_catcher_runs_only_in_the_dev_profile_and_the_dev_file_points_email_at_it():
    assert SERVICES["mailpit"]["profiles"] == ["dev"]
    assert not SERVICES["mailpit"].get("ports"), "mailpit's web page is published only in dev"
    for name in ("web", "worker", "beat"):
        assert _environment(DEV["services"][name])["EMAIL_URL"] == "smtp://mailpit:1025"
    # The dev file only redirects email and shows the mail catcher on this machine.
    assert set(DEV["services"]) <= APP_SERVICES | {"mailpit"}
    assert DEV["services"]["mailpit"]["ports"] == ["127.0.0.1:8025:8025"]


def test_only_the_proxy_publishes_ports_and_only_for_http_and_https():
    publishing = {name for name, service in SERVICES.items() if service.get("ports")}
    assert publishing == {"proxy"}
    assert {port.split(":")[-1] for port in SERVICES["proxy"]["ports"]} == {
        "80",
        "443",
        "443/udp",
    }
    assert not [name for name, service in SERVICES.items() if service.get("network_mode")]


def test_gunicorn_is_reachable_only_by_the_proxy():
    on_edge = {name for name, service in SERVICES.items() if "edge" in service.get("networks", [])}
    assert on_edge == {"proxy", "web"}
    assert SERVICES["proxy"]["networks"] == ["edge"], "the proxy reaches nothing but web"
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in SERVICES["proxy"]["volumes"]
    assert SERVICES["proxy"]["image"].startswith("caddy:2")


def test_web_does_not_run_migrations():
    assert "gunicorn" in _command(SERVICES["web"])
    assert "migrate" not in _command(SERVICES["web"])
    assert "migrate" not in (ROOT / "Dockerfile").read_text().split("CMD", 1)[-1]


def test_migrations_run_once_in_their_own_service_before_every_app_service():
    migrate = SERVICES["migrate"]
    assert _command(migrate) == "python manage.py migrate --no-input"
    assert migrate["restart"] == "no", "a one-shot service must not be restarted"
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in APP_SERVICES - {"migrate"}:
        depends_on = SERVICES[name]["depends_on"]
        assert depends_on["migrate"]["condition"] == "service_completed_successfully", name
        assert depends_on["postgres"]["condition"] == "service_healthy", name
        assert depends_on["redis"]["condition"] == "service_healthy", name
        assert "migrate" not in _command(SERVICES[name]), name


def test_every_service_restarts_is_limited_and_rotates_its_logs():
    for name, service in SERVICES.items():
        expected = "no" if name == "migrate" else "unless-stopped"
        assert service.get("restart") == expected, name
        assert service["logging"]["driver"] == "json-file", name
        assert service["logging"]["options"]["max-size"], name
        if not _in_dev_profile(service):
            assert service.get("mem_limit"), f"{name} has no memory limit"
            assert service.get("cpus"), f"{name} has no CPU limit"


def test_web_worker_beat_and_the_servers_have_health_checks():
    assert SERVICES["web"]["healthcheck"]["test"] == [
        "CMD",
        "python",
        "deploy/healthcheck.py",
        "web",
    ]
    worker_check = " ".join(SERVICES["worker"]["healthcheck"]["test"])
    assert "celery -A config inspect ping --destination celery@$$HOSTNAME" in worker_check
    assert SERVICES["beat"]["healthcheck"]["test"] == [
        "CMD",
        "python",
        "deploy/healthcheck.py",
        "beat",
    ]
    for name in ("postgres", "redis", "backup"):
        assert SERVICES[name]["healthcheck"]["test"], name


def test_beat_ticks_often_enough_for_its_health_check():
    beat = _command(SERVICES["beat"])
    assert "--scheduler deploy.beat:HeartbeatScheduler" in beat
    max_interval = int(re.search(r"--max-interval (\d+)", beat).group(1))
    assert max_interval * 3 <= BEAT_HEARTBEAT_MAX_AGE


def test_backups_run_with_the_servers_own_pg_dump_and_see_the_uploads():
    backup = SERVICES["backup"]
    assert backup["image"] == SERVICES["postgres"]["image"]
    assert "/opt/deploy/backup-nightly.sh" in _command(backup)
    assert "./deploy:/opt/deploy:ro" in backup["volumes"]
    assert "uploads:/data/uploads" in backup["volumes"]
    env = _environment(backup)
    assert env["DATABASE_URL"] == _environment(SERVICES["web"])["DATABASE_URL"]
    assert env["UPLOADS_DIR"] == _environment(SERVICES["web"])["PRIVATE_MEDIA_ROOT"]


def test_every_variable_the_compose_file_requires_is_in_env_example():
    text = (ROOT / "docker-compose.yml").read_text()
    required = set(re.findall(r"\$\{(\w+):\?", text))
    assert required == {"POSTGRES_PASSWORD", "DOMAIN"}
    assert required <= set(_env_example())


def test_env_example_names_one_address_everywhere_and_real_email():
    env = _env_example()
    site = urlparse(env["SITE_URL"])
    assert site.scheme == "https"
    assert site.hostname == env["DOMAIN"]
    assert env["DOMAIN"] in env["ALLOWED_HOSTS"].split(",")
    assert env["CSRF_TRUSTED_ORIGINS"] == f"https://{env['DOMAIN']}"
    assert env["DEBUG"] == "false"
    assert env["EMAIL_URL"].startswith("smtp")
    assert "mailpit" not in env["EMAIL_URL"]


def _compose_command() -> list[str] | None:
    if shutil.which("docker"):
        probe = subprocess.run(
            ["docker", "compose", "version"], capture_output=True, text=True, check=False
        )
        if probe.returncode == 0:
            return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


@pytest.mark.parametrize(
    "arguments",
    [
        pytest.param([], id="default"),
        pytest.param(["-f", "docker-compose.dev.yml", "--profile", "dev"], id="dev"),
    ],
)
def test_docker_compose_accepts_the_files(tmp_path, arguments):
    compose = _compose_command()
    if compose is None:
        pytest.skip("needs docker compose or docker-compose (CI installs Debian's docker-compose)")
    for name in ("docker-compose.yml", "docker-compose.dev.yml"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    result = subprocess.run(
        [*compose, "-f", "docker-compose.yml", *arguments, "config", "--quiet"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_uploads_are_scanned_by_the_clamav_service_over_the_backend_network():
    clamav = SERVICES["clamav"]
    assert clamav["image"].startswith("clamav/clamav:")
    assert clamav["networks"] == ["backend"], "clamd is reachable by the app only"
    assert not clamav.get("ports")
    assert clamav["healthcheck"]["test"] == ["CMD", "clamdcheck.sh"]
    assert "clamav:/var/lib/clamav" in clamav["volumes"], "signatures survive a restart"
    assert "clamav" in COMPOSE["volumes"]
    for name in ("web", "worker"):
        assert _environment(SERVICES[name])["CLAMD_TCP"] == "clamav:3310", name


def test_the_proxy_and_the_app_refuse_bodies_over_the_same_limit():
    proxy_limit = _environment(SERVICES["proxy"])["MAX_REQUEST_BODY_BYTES"]
    assert proxy_limit == _environment(SERVICES["web"])["MAX_REQUEST_BODY_BYTES"]
    assert proxy_limit == "${MAX_REQUEST_BODY_BYTES:-12582912}"
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
    assert "max_size {$MAX_REQUEST_BODY_BYTES:12582912}" in caddyfile
    from django.conf import settings

    assert settings.MAX_REQUEST_BODY_BYTES == 12582912
