from __future__ import annotations

from django.conf import settings
from django.core import mail
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from accounts.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, seed_people_and_organisations
from commissioning.demo import PROVIDERS, seed_commissioning
from grants.demo import seed_fund_and_rounds
from opendata.services import package_publish
from outcomes.demo import seed_indicator_readings
from outcomes.plan_file import parse_plan_text
from outcomes.services import plan_load

QUIET_MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
PLAN_FILE = settings.BASE_DIR / "data" / "plans" / "police-and-crime-plan-2021-24.yaml"


class Command(BaseCommand):
    help = (
        "Load demo data: the 2021-24 plan and its indicator readings, organisations, one user "
        "per role, grant rounds, and commissioned contracts with quarterly returns."
    )

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo refuses to run with DEBUG off: it creates accounts with known "
                "passwords. Use it on a development or demo machine only."
            )
        outbox_before = len(getattr(mail, "outbox", []))
        # The demo's emails (receipts, decisions, reminders) go to fictional addresses: keep
        # them in memory so the accounts printed below are not buried under them.
        with override_settings(MAILERS=QUIET_MAILERS), transaction.atomic():
            plan, _ = plan_load(data=parse_plan_text(PLAN_FILE.read_text(), str(PLAN_FILE)))
            people = seed_people_and_organisations()
            readings = seed_indicator_readings(plan)
            rounds = seed_fund_and_rounds(plan)
            contracts = seed_commissioning(plan)
            published = package_publish(actor=None)
        emails = len(getattr(mail, "outbox", [])) - outbox_before
        self.stdout.write(f"Plan: {plan.title}")
        if readings is not None:
            self.stdout.write(f"Indicator readings: {readings.added} from {readings.file_name}")
        for name in rounds:
            self.stdout.write(f"Round: {name}")
        for line in contracts:
            self.stdout.write(f"Contract: {line}")
        self.stdout.write(f"Open data: {published.message}")
        if emails:
            self.stdout.write(f"Emails sent to demo accounts (not shown): {emails}")
        self.stdout.write(
            f"\nStaff accounts also ask for a code from an authenticator app: add the key "
            f"{DEMO_TOTP_SECRET} to one, or run `python manage.py demo_code` for the current code."
        )
        self.stdout.write(f"\nDemo accounts (password for all: {DEMO_PASSWORD}):")
        listed = {email for email, _ in people}
        people += [
            (email, f"owner of {name} (commissioned provider)")
            for email, _, name in PROVIDERS
            if email not in listed
        ]
        for email, what in people:
            self.stdout.write(f"  {email:<32} {what}")
