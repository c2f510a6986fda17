"""The Celery app. Beat's schedule lives here, in code (django-celery-beat blocks Django 6.1)."""

from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# One regular task per job finds what is due, rather than long countdowns that a broker
# restart or a visibility timeout could lose or repeat. Filled in as workflows arrive.
app.conf.beat_schedule = {
    # Draft deadlines, monitoring reports (due in 14 days, today, overdue weekly) and
    # assessors three days before the assessment deadline.
    "grants-daily-reminders": {
        "task": "grants.tasks.reminders_daily",
        "schedule": crontab(hour=8, minute=0),
    },
    # Opens the quarterly returns of quarters just ended; return reminders and escalations.
    "commissioning-daily-returns": {
        "task": "commissioning.returns_daily",
        "schedule": crontab(hour=7, minute=30),
    },
    # A new version of the 360Giving file when the grants changed (none when they did not).
    "opendata-nightly": {
        "task": "opendata.publish_nightly",
        "schedule": crontab(hour=3, minute=15),
    },
    # Deletes files and clears personal data the retention schedule says are due
    # (settings.RETENTION); records each purge.
    "retention-daily": {
        "task": "core.retention_daily",
        "schedule": crontab(hour=4, minute=0),
    },
    # Picks up anything a crashed worker or a down broker left unsent.
    "outbox-relay": {
        "task": "core.outbox_relay",
        "schedule": 60.0,
    },
}


@app.task(name="config.ping")
def ping() -> str:
    """Answer 'pong': proves a worker is consuming from the broker."""
    return "pong"
