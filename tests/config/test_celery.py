import pytest
from celery.contrib.testing.worker import start_worker

from config.celery import app, ping


def test_without_redis_tasks_run_in_process(settings):
    assert settings.CELERY_TASK_ALWAYS_EAGER is (not settings.REDIS_URL)
    eager_before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        assert ping.delay().get(timeout=1) == "pong"
    finally:
        app.conf.task_always_eager = eager_before


def test_the_reliability_settings_are_on():
    conf = app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1
    assert conf.broker_transport_options["socket_timeout"] <= 5
    assert conf.broker_transport_options["socket_connect_timeout"] <= 5
    visibility = conf.broker_transport_options["visibility_timeout"]
    from django.conf import settings

    assert visibility > settings.CELERY_MAX_RETRY_DELAY
    assert conf.task_time_limit < visibility
    assert isinstance(conf.beat_schedule, dict)


@pytest.mark.needs_redis
@pytest.mark.django_db  # the worker's Django fixup runs the system checks, which read the DB
def test_a_worker_runs_a_task_through_real_redis():
    assert app.conf.task_always_eager is False
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        assert ping.delay().get(timeout=20) == "pong"
