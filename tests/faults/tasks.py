"""Queueing and following real reporting refreshes in the fault suite.

A reporting refresh is the task whose every run can be counted: each run is a `RefreshRun` row,
each execution a "succeeded" line in the worker's log, and its figures one row per school and day.
"""

from __future__ import annotations

from send_graphql.models import RefreshRun, RefreshStatus, RefreshTrigger, SchoolFigures
from send_graphql.tasks import PUBLIC, refresh_organisation_task
from send_platform.celery_app import app

from tenants.models import Organisation


def queue_refresh(broker_url: str, organisation: Organisation, countdown: float = 0) -> tuple[RefreshRun, str]:
    """A run of `organisation`'s refresh, handed to the broker at `broker_url`; the run and the task id."""
    run = RefreshRun.objects.create(organisation=organisation, trigger=RefreshTrigger.OPERATOR)
    with app.connection_for_write(broker_url) as connection:
        result = refresh_organisation_task.apply_async(
            args=[organisation.pk, run.pk], countdown=countdown, headers=PUBLIC, connection=connection
        )
    return run, result.id


def status(run: RefreshRun) -> str:
    return RefreshRun.objects.values_list("status", flat=True).get(pk=run.pk)


def succeeded(run: RefreshRun) -> bool:
    return status(run) == RefreshStatus.SUCCEEDED


def received(task_id: str) -> str:
    """The worker log's line for each delivery of the task (a pattern for `Worker.count`)."""
    return rf"Task reporting\.refresh_organisation\[{task_id}\] received"


def executed(task_id: str) -> str:
    """The worker log's line for each run of the task that finished."""
    return rf"Task reporting\.refresh_organisation\[{task_id}\] succeeded"


def figures_rows(organisation: Organisation) -> int:
    return SchoolFigures.objects.filter(organisation=organisation).count()
