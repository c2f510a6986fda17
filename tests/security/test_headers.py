"""Content-Security-Policy and Permissions-Policy on every response (issue 17).

The policy is Django's own (SECURE_CSP, ContentSecurityPolicyMiddleware): scripts and
styles from this site or with the request's nonce only, never framed. Templates may not
carry an inline script or style without the nonce, nor a style attribute (no nonce can
allow one)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def _directives(header: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {words[0]: words[1:] for words in parts}


def _nonce(header: str) -> str:
    [nonce] = re.findall(r"'nonce-([^']+)'", _directives(header)["script-src"][-1])
    return nonce


def test_every_page_gets_a_policy_that_allows_only_this_site_and_the_nonce(client):
    response = client.get(reverse("home"))
    policy = _directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"][0] == "'self'" and policy["script-src"][1].startswith("'nonce-")
    assert policy["style-src"][0] == "'self'" and policy["style-src"][1].startswith("'nonce-")
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["img-src"] == ["'self'", "data:"]
    joined = " ".join(value for values in policy.values() for value in values)
    assert "unsafe-inline" not in joined and "unsafe-eval" not in joined


def test_the_layouts_inline_script_carries_this_requests_nonce(client):
    first = client.get(reverse("home"))
    second = client.get(reverse("home"))
    nonce = _nonce(first["Content-Security-Policy"])
    assert f'<script nonce="{nonce}">document.body.className' in first.content.decode()
    assert _nonce(second["Content-Security-Policy"]) != nonce  # a fresh nonce each request


def test_signed_in_pages_errors_and_the_api_carry_the_policy(client_for, personas):
    client = client_for(personas.officer)
    for url in (reverse("accounts:staff-home"), "/no-such-page/", "/api/v1/organisations/"):
        response = client.get(url)
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"], url


def test_the_api_docs_page_runs_its_inline_script_with_the_nonce(client):
    response = client.get("/api/docs/")
    page = response.content.decode()
    nonce = _nonce(response["Content-Security-Policy"])
    assert f'<script nonce="{nonce}">' in page
    assert f'<style nonce="{nonce}">' in page
    assert "SwaggerUIBundle(" in page
    # Every script on the page is either from this site or carries the nonce.
    for tag in re.findall(r"<script[^>]*>", page):
        assert f'nonce="{nonce}"' in tag, tag


def _inline_problems(path: Path) -> list[str]:
    text = path.read_text()
    problems = []
    for tag in re.findall(r"<(?:script|style)\b[^>]*>", text):
        if "src=" not in tag and 'nonce="{{ csp_nonce }}"' not in tag:
            problems.append(f"{tag} without the nonce")
    if re.search(r"\sstyle=[\"']", text):
        problems.append("a style attribute (move it to a class in static/src/app.scss)")
    if re.search(r"\son[a-z]+=[\"']", text):
        problems.append("an inline event handler (move it to a script file)")
    if re.search(r"href=[\"']javascript:", text, re.IGNORECASE):
        problems.append("a javascript: link")
    return problems


def test_no_template_has_inline_script_or_style_the_policy_would_block():
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        if "email" in path.parts:
            continue  # emails are read in mail programs, not served under the policy
        found += [f"{path.relative_to(TEMPLATES)}: {p}" for p in _inline_problems(path)]
    assert not found, "\n".join(found)


def test_the_template_check_finds_what_the_policy_blocks(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        '<script>alert(1)</script><style>p{}</style><p style="color:red" onclick="x()">'
        '<a href="javascript:void(0)">x</a>'
    )
    assert len(_inline_problems(page)) == 5
    page.write_text(
        '<script nonce="{{ csp_nonce }}">ok()</script><script src="/static/a.js"></script>'
    )
    assert _inline_problems(page) == []


@pytest.mark.parametrize(
    "feature",
    ["camera", "microphone", "geolocation", "payment", "usb", "interest-cohort", "serial"],
)
def test_every_response_refuses_powerful_browser_features(client, feature):
    response = client.get(reverse("home"))
    assert f"{feature}=()" in response["Permissions-Policy"].split(", ")


def test_api_errors_health_checks_and_files_carry_the_permissions_policy(client):
    for url in ("/api/v1/organisations/", "/no-such-page/", reverse("healthz"), "/favicon.ico"):
        response = client.get(url)
        assert "camera=()" in response["Permissions-Policy"], url


def test_production_settings_pass_the_deploy_check():
    """The check CI runs (.ci/run): nothing at WARNING or above with production settings."""
    environment = {
        # Not the test run's servers, nor the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE (set
        # for the live server; a deployment must not have it).
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DATABASE_", "REDIS_", "DJANGO_ALLOW_ASYNC_UNSAFE"))
        },
        "DEBUG": "false",
        "SECRET_KEY": "a-production-like-key-" + "x" * 50,
        "ALLOWED_HOSTS": "grants.example.org",
        "EMAIL_URL": "smtp+tls://grants:secret@smtp.example.org:587",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
