"""Cairn's Celery app with a task that fails naming a child, for the worker and beat logging tests.

Run as `python -m celery -A tests.platform.log_probe worker|beat` with `CAIRN_LOG_PROBE_DIR` set
to an empty folder: the filesystem broker lives there, so no other worker can take the task.
- worker: once ready, it sends itself the failing task.
- beat: its only entry is that task, every second, and publishing it fails with a message that
  names the child (as a broker error quoting the message body would).
"""

from __future__ import annotations

import os
from pathlib import Path

from celery.signals import before_task_publish, worker_ready
from send_platform.celery_app import app

UPN = "A1234567" + "89012"  # built, so a grep of the source for the UPN finds only the tests
NAME = "Amelia " + "Thornbury"
BORN = "2016-03-" + "04"

folder = Path(os.environ["CAIRN_LOG_PROBE_DIR"])
for sub in ("queue", "control", "results"):
    (folder / sub).mkdir(parents=True, exist_ok=True)
app.conf.broker_url = "filesystem://"
app.conf.broker_transport_options = {
    "data_folder_in": str(folder / "queue"),
    "data_folder_out": str(folder / "queue"),
    "control_folder": str(folder / "control"),
}
app.conf.result_backend = f"file://{folder / 'results'}"
app.conf.beat_schedule = {
    "probe": {"task": "tests.log_probe.fail_naming_a_child", "schedule": 1.0, "args": (UPN, NAME, BORN)}
}


@app.task(name="tests.log_probe.fail_naming_a_child")
def fail_naming_a_child(upn: str, name: str, born: str) -> None:
    raise ValueError(f"Could not save {name} ({upn}), born {born}")


@worker_ready.connect
def send_the_failing_task(**kwargs) -> None:
    fail_naming_a_child.delay(UPN, NAME, BORN)


@before_task_publish.connect
def refuse_to_publish_from_beat(sender=None, body=None, **kwargs) -> None:
    if os.environ.get("CAIRN_LOG_PROBE_ROLE") == "beat":
        raise ValueError(f"Broker refused the message for {NAME} ({UPN}), born {BORN}")
