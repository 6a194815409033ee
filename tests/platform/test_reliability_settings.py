"""Background work survives a killed worker, and a hung Redis or database costs seconds, not a hang."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]

_PRINT = (
    "import json, send_platform.settings as s; print(json.dumps({"
    "'acks_late': s.CELERY_TASK_ACKS_LATE, 'reject_lost': s.CELERY_TASK_REJECT_ON_WORKER_LOST,"
    "'time_limit': s.CELERY_TASK_TIME_LIMIT, 'soft_limit': s.CELERY_TASK_SOFT_TIME_LIMIT,"
    "'prefetch': s.CELERY_WORKER_PREFETCH_MULTIPLIER, 'transport': s.CELERY_BROKER_TRANSPORT_OPTIONS,"
    "'retry_on_startup': s.CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP, 'email_timeout': s.EMAIL_TIMEOUT,"
    "'cache': s.CACHES['default'], 'db_age': s.DATABASES['default']['CONN_MAX_AGE'],"
    "'db_health': s.DATABASES['default']['CONN_HEALTH_CHECKS'], 'jitter': s.CAIRN_REPORTING_JITTER_SECONDS,"
    "'db_options': s.DATABASES['default'].get('OPTIONS', {})}))"
)
_CONTROLLED = {
    "CELERY_BROKER_URL",
    "CACHE_URL",
    "CONN_MAX_AGE",
    "CELERY_TASK_TIME_LIMIT",
    "CELERY_TASK_SOFT_TIME_LIMIT",
    "CELERY_VISIBILITY_TIMEOUT",
    "CACHE_SOCKET_TIMEOUT",
    "EMAIL_TIMEOUT",
    "DATABASE_URL",
    "DATABASE_CONNECT_TIMEOUT",
}


def _settings_with(extra_env: dict) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in _CONTROLLED}
    env.update(extra_env)
    result = subprocess.run(
        [sys.executable, "-c", _PRINT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_tasks_are_acknowledged_late_bounded_and_fetched_one_at_a_time():
    loaded = _settings_with({})
    assert loaded["acks_late"] is True
    assert loaded["reject_lost"] is True
    assert loaded["prefetch"] == 1
    assert loaded["retry_on_startup"] is True
    assert 0 < loaded["soft_limit"] < loaded["time_limit"] <= 3600
    assert 0 < loaded["email_timeout"] <= 60


def test_time_limits_can_be_set_by_the_operator():
    loaded = _settings_with({"CELERY_TASK_TIME_LIMIT": "120"})
    assert loaded["time_limit"] == 120
    assert loaded["soft_limit"] == 60  # a minute before the hard limit, to record the failure
    loaded = _settings_with({"CELERY_TASK_TIME_LIMIT": "120", "CELERY_TASK_SOFT_TIME_LIMIT": "100"})
    assert loaded["soft_limit"] == 100


def test_redis_broker_redelivers_only_after_the_longest_delay_and_gives_up_connecting_quickly():
    loaded = _settings_with({"CELERY_BROKER_URL": "redis://127.0.0.1:6379/0"})
    transport = loaded["transport"]
    # A task queued with the nightly spread (up to the jitter) plus its own run must not be handed out twice.
    assert transport["visibility_timeout"] >= loaded["jitter"] + loaded["time_limit"]
    assert 0 < transport["socket_connect_timeout"] <= 5
    assert 0 < transport["socket_timeout"] <= 5


def test_redis_cache_times_out_within_about_a_second():
    loaded = _settings_with({"CACHE_URL": "redis://127.0.0.1:6379/2"})
    options = loaded["cache"]["OPTIONS"]
    assert 0 < options["socket_connect_timeout"] <= 1
    assert 0 < options["socket_timeout"] <= 1


def test_database_connections_are_checked_and_runserver_keeps_none():
    loaded = _settings_with({})
    assert loaded["db_health"] is True
    assert 0 < loaded["db_options"]["connect_timeout"] <= 10
    remote = _settings_with({"DATABASE_URL": "postgres://cairn@db.internal:5432/cairn"})
    assert 0 < remote["db_options"]["connect_timeout"] <= 10
    assert _settings_with({"CONN_MAX_AGE": "0"})["db_age"] == 0
    # `./cairn run` exports CONN_MAX_AGE=0 for runserver (it leaked a connection per thread).
    run_block = (ROOT / "cairn").read_text().split("run)", 1)[1].split(";;", 1)[0]
    runserver_line = next(line for line in run_block.splitlines() if "runserver" in line and "manage.py" in line)
    assert "CONN_MAX_AGE=0" in runserver_line


def test_api_uses_the_throttle_that_fails_open():
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] == ["send_platform.throttling.UserRateThrottle"]
