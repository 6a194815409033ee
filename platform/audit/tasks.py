"""Background work on the audit trail. Runs in whichever organisation's schema sent it."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.utils import timezone
from send_platform.celery_app import app

from .models import AuditEvent


@app.task(name="audit.summarise_trail")
def summarise_trail(days: int = 30) -> dict:
    """Counts of the last `days` of audit events by action, for the organisation the task runs in."""
    since = timezone.now() - timedelta(days=days)
    counts: dict[str, int] = {}
    for action in AuditEvent.objects.filter(occurred_at__gte=since).values_list("action", flat=True):
        counts[action] = counts.get(action, 0) + 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        (database_schema,) = cursor.fetchone()
    return {"schema": connection.schema_name, "database_schema": database_schema, "counts": counts}
