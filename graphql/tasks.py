"""Refreshing reporting figures in the background: one task per organisation, nightly and on change.

Each organisation's refresh is its own task, so one school's failure never stops the rest; the
nightly fan-out spreads the tasks over `CAIRN_REPORTING_JITTER_SECONDS` rather than starting
every school in the same second.

Nothing is lost when Redis blinks. Every refresh is first a `RefreshRun` row in the public schema;
if the broker cannot take the task, the row stays queued and says so (`NOT_QUEUED`), and
`make_good_refreshes` (beat, every few minutes) queues it again. The same sweep marks a run failed
when it has been "running" longer than a task may run (its worker was killed) and queues a fresh
one. Tasks are acknowledged late, so a task may run twice: a refresh rewrites the same figures.
"""

from __future__ import annotations

import datetime
import logging
import random

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context
from send_platform.celery_app import app

from tenants.models import Organisation
from tenants.roles import OrganisationKind

from .models import RefreshRun, RefreshStatus, RefreshTrigger
from .services import refresh_organisation

logger = logging.getLogger(__name__)

# Tasks run in the public schema: the refresh switches into each organisation's schema itself.
PUBLIC = {"_schema_name": "public"}
REFRESHED_KINDS = (OrganisationKind.SCHOOL, OrganisationKind.LOCAL_AUTHORITY)
RUN_HISTORY = datetime.timedelta(days=31)


def _debounce_seconds() -> int:
    return int(getattr(settings, "CAIRN_REPORTING_DEBOUNCE_SECONDS", 60))


def _jitter_seconds() -> int:
    return int(getattr(settings, "CAIRN_REPORTING_JITTER_SECONDS", 3600))


def _time_limit_seconds() -> int:
    return int(getattr(settings, "CELERY_TASK_TIME_LIMIT", 900))


# Written on a run the broker could not take; the run stays queued until the sweep queues it.
NOT_QUEUED = "Not queued yet: the task queue was unavailable."
STOPPED = "Stopped: still running after the task time limit (its worker was lost)."
# A run killed this many times in a day is left failed for an operator rather than tried again.
STOPPED_RETRIES_PER_DAY = 3


@app.task(name="reporting.refresh_organisation")
def refresh_organisation_task(organisation_id: int, run_id: int | None = None) -> str:
    """Refresh one organisation's figures (the run records success or the failure)."""
    with schema_context("public"):
        organisation = Organisation.objects.filter(pk=organisation_id, is_active=True).first()
        run = RefreshRun.objects.filter(pk=run_id).first() if run_id else None
    if organisation is None:
        return "gone"
    if run is not None and run.status == RefreshStatus.SUCCEEDED:
        return "done"  # delivered again after it finished (late acknowledgement): nothing to redo
    refresh_organisation(organisation, trigger=run.trigger if run else RefreshTrigger.NIGHTLY, run=run)
    return "done"


def _send(run: RefreshRun, countdown: float) -> bool:
    """Hand the run to the broker; if it is away, leave the run queued and marked for the sweep."""
    try:
        refresh_organisation_task.apply_async(
            args=[run.organisation_id, run.pk], countdown=countdown, headers=PUBLIC, retry=False
        )
    except Exception as error:  # a broker that is down must not break the page that saved a record
        logger.warning(
            "Could not queue reporting refresh run %s of organisation %s (%s); it will be queued again",
            run.pk,
            run.organisation_id,
            type(error).__name__,
        )
        with schema_context("public"):
            RefreshRun.objects.filter(pk=run.pk).update(status=RefreshStatus.QUEUED, error=NOT_QUEUED)
        return False
    if run.error == NOT_QUEUED:
        with schema_context("public"):
            RefreshRun.objects.filter(pk=run.pk, error=NOT_QUEUED).update(error="")
    return True


def _dispatch(organisation: Organisation, *, trigger: str, countdown: float) -> RefreshRun:
    with schema_context("public"):
        run = RefreshRun.objects.create(organisation=organisation, trigger=trigger)
    _send(run, countdown)
    return run


@app.task(name="reporting.make_good_refreshes")
def make_good_refreshes_task() -> dict:
    """Queue the runs the broker never took, and fail and redo the runs whose worker was lost."""
    now = timezone.now()
    with schema_context("public"):
        # Hard time limit plus a minute's grace: a run still "running" then has no worker left.
        stale_before = now - datetime.timedelta(seconds=_time_limit_seconds() + 60)
        stale = list(
            RefreshRun.objects.filter(status=RefreshStatus.RUNNING, started_at__lt=stale_before).select_related(
                "organisation"
            )
        )
        for run in stale:
            RefreshRun.objects.filter(pk=run.pk, status=RefreshStatus.RUNNING).update(
                status=RefreshStatus.FAILED, finished_at=now, error=STOPPED
            )
        unsent = list(RefreshRun.objects.filter(status=RefreshStatus.QUEUED, error=NOT_QUEUED).order_by("pk"))
    requeued = sum(_send(run, countdown=0) for run in unsent)
    redone = 0
    for run in stale:
        organisation = run.organisation
        with schema_context("public"):
            if not organisation.is_active:
                continue
            # Another run already on its way covers it; a run that keeps being killed waits for an operator.
            pending = RefreshRun.objects.filter(
                organisation=organisation, status__in=[RefreshStatus.QUEUED, RefreshStatus.RUNNING]
            ).exists()
            killed_today = RefreshRun.objects.filter(
                organisation=organisation, error=STOPPED, finished_at__gte=now - datetime.timedelta(days=1)
            ).count()
        if pending or killed_today >= STOPPED_RETRIES_PER_DAY:
            continue
        _dispatch(organisation, trigger=run.trigger, countdown=0)
        redone += 1
    return {"stale": len(stale), "requeued": requeued, "redone": redone}


@app.task(name="reporting.refresh_all")
def refresh_all_task() -> int:
    """Queue a refresh of every active school and local authority, spread over the jitter window."""
    with schema_context("public"):
        organisations = list(Organisation.objects.filter(is_active=True, kind__in=REFRESHED_KINDS).order_by("pk"))
        # Operators need recent history, not every run ever: keep a month.
        RefreshRun.objects.filter(queued_at__lt=timezone.now() - RUN_HISTORY).delete()
    jitter = _jitter_seconds()
    for organisation in organisations:
        _dispatch(organisation, trigger=RefreshTrigger.NIGHTLY, countdown=random.uniform(0, jitter))
    return len(organisations)


def schedule_refresh(organisation: Organisation) -> bool:
    """Refresh this organisation's figures soon, once however many records change meanwhile.

    The first change opens a window (a cache key) and queues one refresh for its end; changes
    inside the window ride along with it. Returns whether a refresh was queued.
    """
    if organisation.kind not in REFRESHED_KINDS:
        return False
    seconds = _debounce_seconds()
    with schema_context("public"):
        try:
            opened = cache.add(f"reporting:refresh-pending:{organisation.pk}", 1, timeout=seconds)
        except Exception as error:  # cache away: the database keeps the window instead
            logger.warning("Reporting refresh debounce fell back to the database (%s)", type(error).__name__)
            opened = not RefreshRun.objects.filter(
                organisation=organisation,
                trigger=RefreshTrigger.CHANGE,
                status=RefreshStatus.QUEUED,
                queued_at__gte=timezone.now() - datetime.timedelta(seconds=seconds),
            ).exists()
        if not opened:
            return False
    _dispatch(organisation, trigger=RefreshTrigger.CHANGE, countdown=seconds)
    return True


def _schedule_refresh_quietly(organisation: Organisation) -> None:
    # Runs after the save has committed: whatever fails here must not turn a saved record into an
    # error page (people retry, and make duplicates). The nightly refresh makes good anything lost.
    try:
        schedule_refresh(organisation)
    except Exception as error:
        logger.warning(
            "Could not schedule the reporting refresh of organisation %s (%s)", organisation.pk, type(error).__name__
        )


def schedule_refresh_after_commit(organisation: Organisation) -> None:
    transaction.on_commit(lambda: _schedule_refresh_quietly(organisation))
