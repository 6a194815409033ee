"""Refreshing reporting figures in the background: one task per organisation, nightly and on change.

Each organisation's refresh is its own task, so one school's failure never stops the rest; the
nightly fan-out spreads the tasks over `CAIRN_REPORTING_JITTER_SECONDS` rather than starting
every school in the same second.
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

from .models import RefreshRun, RefreshTrigger
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


@app.task(name="reporting.refresh_organisation")
def refresh_organisation_task(organisation_id: int, run_id: int | None = None) -> str:
    """Refresh one organisation's figures (the run records success or the failure)."""
    with schema_context("public"):
        organisation = Organisation.objects.filter(pk=organisation_id, is_active=True).first()
        run = RefreshRun.objects.filter(pk=run_id).first() if run_id else None
    if organisation is None:
        return "gone"
    refresh_organisation(organisation, trigger=run.trigger if run else RefreshTrigger.NIGHTLY, run=run)
    return "done"


def _dispatch(organisation: Organisation, *, trigger: str, countdown: float) -> RefreshRun:
    with schema_context("public"):
        run = RefreshRun.objects.create(organisation=organisation, trigger=trigger)
    try:
        refresh_organisation_task.apply_async(
            args=[organisation.pk, run.pk], countdown=countdown, headers=PUBLIC, retry=False
        )
    except Exception as error:  # a broker that is down must not break the page that saved a record
        logger.warning("Could not queue the reporting refresh of organisation %s: %s", organisation.pk, error)
        with schema_context("public"):
            RefreshRun.objects.filter(pk=run.pk).update(status="failed", error=f"Not queued: {type(error).__name__}")
    return run


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
        if not cache.add(f"reporting:refresh-pending:{organisation.pk}", 1, timeout=seconds):
            return False
    _dispatch(organisation, trigger=RefreshTrigger.CHANGE, countdown=seconds)
    return True


def schedule_refresh_after_commit(organisation: Organisation) -> None:
    transaction.on_commit(lambda: schedule_refresh(organisation))
