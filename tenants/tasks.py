"""Background work on organisations (runs in the public schema)."""

from __future__ import annotations

from django.conf import settings
from send_platform.celery_app import app

from .cloning import refill_spare_schemas


@app.task(name="tenants.refill_spare_schemas")
def refill_spare_schemas_task() -> int:
    """Keep CAIRN_SPARE_SCHEMAS current clones of the template ready for new organisations."""
    return refill_spare_schemas(settings.CAIRN_TEMPLATE_SCHEMA, settings.CAIRN_SPARE_SCHEMAS)


@app.task(name="tenants.clear_expired_sessions")
def clear_expired_sessions_task() -> None:
    """Delete expired sessions from the shared session table (Django keeps them until asked)."""
    from django.core.management import call_command

    call_command("clearsessions")
