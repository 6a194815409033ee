"""Redis goes away for a few seconds while a worker holds a task: the worker lives and the task runs once.

Issue 15: a 5-second Redis outage while the worker held a countdown task ended the worker with
"Unrecoverable error: 'NoneType' object has no attribute 'hostname'" (kombu handing the task back
through a connection already torn down). `send_platform.celery_app.RedisQoS` keeps such tasks and
puts them back on the queue when Redis answers again.
"""

from __future__ import annotations

import time

import pytest

from tests.faults.conftest import wait_until
from tests.faults.tasks import executed, figures_rows, queue_refresh, received, succeeded

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

OUTAGE_SECONDS = 5


def test_the_worker_survives_a_redis_outage_while_it_holds_a_countdown_task(redis_server, start_worker, school_a):
    worker = start_worker()
    run, task_id = queue_refresh(redis_server.url(), school_a, countdown=8)
    wait_until(lambda: worker.count(received(task_id)), timeout=15, what="the worker to take the countdown task")

    redis_server.stop()
    outage_began = time.monotonic()
    wait_until(
        lambda: "will go back on the queue on reconnection" in worker.log() or not worker.alive(),
        timeout=15,
        what="the worker to notice Redis has gone",
    )
    time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - outage_began)))  # the outage itself
    assert worker.alive(), worker.log()[-4000:]
    redis_server.start()

    wait_until(lambda: succeeded(run), timeout=30, what="the held refresh to run once Redis was back")
    broker = redis_server.client()
    wait_until(lambda: not broker.hlen("unacked"), timeout=10, what="the task to be acknowledged")
    assert broker.llen("celery") == 0  # nothing queued that could run it again
    assert worker.alive()
    assert "Unrecoverable error" not in worker.log()
    assert worker.count(executed(task_id)) == 1
    assert figures_rows(school_a) == 1

    # And it keeps working: new tasks are taken and run.
    second, second_id = queue_refresh(redis_server.url(), school_a)
    wait_until(lambda: succeeded(second), timeout=20, what="a task sent after the outage to run")
    wait_until(lambda: not broker.hlen("unacked"), timeout=10, what="that task to be acknowledged")
    assert worker.count(executed(second_id)) == 1
    assert figures_rows(school_a) == 1  # the same day's figures, replaced
