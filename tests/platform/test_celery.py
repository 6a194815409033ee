"""A task sent from inside a school's schema runs, in a real worker, in that schema."""

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from send_platform.audit.tasks import summarise_trail
from send_platform.celery_app import app


@pytest.fixture(scope="module")
def worker(tmp_path_factory):
    """A real Celery worker (solo pool, in a thread) on the configured broker.

    The filesystem broker gets a private folder so a developer's running worker cannot take
    the test's task; Redis (CI) is used as configured.
    """
    tmp_path = tmp_path_factory.mktemp("celery")
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        queue = tmp_path / "queue"
        queue.mkdir()
        app.conf.broker_transport_options = {
            "data_folder_in": str(queue),
            "data_folder_out": str(queue),
            "control_folder": str(tmp_path / "control"),
        }
    if settings.CELERY_RESULT_BACKEND.startswith("file://"):
        results = tmp_path / "results"
        results.mkdir()
        app.conf.result_backend = f"file://{results}"
    # Connections and producers made earlier in this process (by any test that queued a task) still
    # point at the broker folder configured before; the worker and the tasks must meet in the new one.
    app._pool = None
    app.amqp._producer_pool = None
    app._local.__dict__.pop("backend", None)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield app


def test_a_task_sent_from_a_school_runs_in_that_schools_schema(worker, school_a, school_b, in_schema):
    with in_schema(school_a):
        from_a = summarise_trail.delay(days=7)
    with in_schema(school_b):
        from_b = summarise_trail.delay(days=7)
    result_a = from_a.get(timeout=30)
    result_b = from_b.get(timeout=30)
    assert result_a["schema"] == school_a.schema_name
    assert result_a["database_schema"] == school_a.schema_name  # the worker's own session
    assert result_b["database_schema"] == school_b.schema_name


def test_a_task_sent_from_the_public_schema_runs_there(worker, db):
    assert summarise_trail.delay().get(timeout=30)["database_schema"] == "public"


def test_the_broker_is_the_one_configured():
    expected = settings.CELERY_BROKER_URL
    assert app.conf.broker_url == expected
    if "CELERY_BROKER_URL" not in __import__("os").environ:
        assert expected == "filesystem://"
