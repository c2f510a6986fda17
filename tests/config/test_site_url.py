"""Links in emails follow the address the service runs on (SITE_URL, from HOST and PORT)."""

import re
import shutil
import subprocess
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.management import call_command

PORT_8101 = "http://127.0.0.1:8101"


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_run_passes_site_url_from_host_and_port():
    result = subprocess.run(
        ["make", "-n", "run", "PORT=8101"],
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    assert f"SITE_URL={PORT_8101} .venv/bin/python manage.py runserver 127.0.0.1:8101" in (
        result.stdout
    )
    assert f"SITE_URL={PORT_8101} .venv/bin/python manage.py seed_demo" in result.stdout


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_a_given_site_url_wins_over_host_and_port():
    result = subprocess.run(
        ["make", "-n", "run", "PORT=8101", "SITE_URL=https://grants.example.org"],
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "SITE_URL=https://grants.example.org .venv/bin/python manage.py runserver" in (
        result.stdout
    )


def test_the_sign_up_email_names_the_service_and_links_to_site_url(client, db, settings):
    settings.SITE_URL = PORT_8101
    client.post(
        "/accounts/signup/",
        {
            "email": "new@example.org",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
        },
    )
    [message] = mail.outbox
    assert message.subject == "Safer Communities Grants: Confirm your email address"
    assert "Hello from" not in message.body
    assert "127.0.0.1:8000" not in message.body
    assert "testserver" not in message.body
    links = re.findall(r"https?://\S+", message.body)
    assert links
    assert all(link.startswith(f"{PORT_8101}/") for link in links)
    assert f"{PORT_8101}/accounts/confirm-email/" in message.body
    assert "Safer Communities Grants" in message.body


def test_the_password_reset_email_links_to_site_url(client, personas, settings):
    settings.SITE_URL = PORT_8101
    client.post("/accounts/password/reset/", {"email": personas.applicant_a.email})
    [message] = mail.outbox
    assert message.subject == "Safer Communities Grants: Reset your password"
    assert f"{PORT_8101}/accounts/password/reset/key/" in message.body
    assert "testserver" not in message.body


def test_seeding_sends_emails_whose_links_use_site_url(
    db, settings, django_capture_on_commit_callbacks
):
    settings.DEBUG = True
    settings.SITE_URL = PORT_8101
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())
    bodies = [message.body for message in mail.outbox]
    links = [link for body in bodies for link in re.findall(r"https?://[^\s>)\"]+", body)]
    assert links, "seeding sends emails with links"
    assert all(link.startswith(f"{PORT_8101}/") for link in links), links
