"""The nightly run of the publisher (config/celery.py schedules it)."""

from __future__ import annotations

from celery import shared_task

from opendata import services


@shared_task(name="opendata.publish_nightly", ignore_result=True)
def publish_nightly() -> str:
    """Publish a new version of the 360Giving file if the grants changed: idempotent (the
    same grants make no new version; a refusal is recorded once)."""
    return services.package_publish(actor=None).outcome
