"""Background work on each school's SEND records, fanned out from the public schema."""

from __future__ import annotations

import random

from django_tenants.utils import get_public_schema_name, schema_context
from send_platform.celery_app import app

from tenants.models import Organisation

from .services.documents import sweep_orphan_documents
from .services.held_imports import sweep_held_imports

# Spread the schools over this many seconds, so thousands do not start in the same second.
FAN_OUT_SECONDS = 600


@app.task(name="send_core.sweep_held_imports")
def sweep_held_imports_task() -> int:
    """Delete the expired MIS exports held in the school whose schema the task runs in."""
    return sweep_held_imports()


@app.task(name="send_core.sweep_held_imports_everywhere")
def sweep_held_imports_everywhere() -> int:
    """Beat sends this hourly; each school gets its own task, in its own schema, at a random moment."""
    count = 0
    for organisation in Organisation.objects.filter(kind="school").only("schema_name"):
        with schema_context(organisation.schema_name):
            sweep_held_imports_task.apply_async(countdown=random.randint(0, FAN_OUT_SECONDS))
        count += 1
    return count


@app.task(name="send_core.sweep_orphan_documents")
def sweep_orphan_documents_task() -> int:
    """Delete the sealed document files with no Document row in the schema the task runs in."""
    return sweep_orphan_documents()


@app.task(name="send_core.sweep_orphan_documents_everywhere")
def sweep_orphan_documents_everywhere() -> int:
    """Beat sends this hourly; each organisation sweeps its own folder, in its own schema."""
    count = 0
    for organisation in Organisation.objects.exclude(schema_name=get_public_schema_name()).only("schema_name"):
        with schema_context(organisation.schema_name):
            sweep_orphan_documents_task.apply_async(countdown=random.randint(0, FAN_OUT_SECONDS))
        count += 1
    return count
