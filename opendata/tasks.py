"""The publisher's Celery tasks: nightly (config/celery.py schedules it) and on demand."""

from __future__ import annotations

from celery import shared_task

from accounts.models import User
from opendata import services


@shared_task(name="opendata.publish_nightly", ignore_result=True)
def publish_nightly() -> str:
    """Publish a new version of the 360Giving file if the grants changed: idempotent (the
    same grants make no new version; a refusal is recorded once)."""
    return services.package_publish(actor=None).outcome


@shared_task(name=services.PUBLISH_TASK, ignore_result=True)
def publish(actor_id: int | None = None) -> str:
    """An officer's "publish now", run by a worker."""
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    return services.package_publish(actor=actor).outcome
