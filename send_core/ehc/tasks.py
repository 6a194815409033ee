"""Background work for EHC deadlines: reminders, fanned out from the public schema to each organisation."""

from __future__ import annotations

import random

from django_tenants.utils import schema_context
from send_platform.celery_app import app

from send_core.selectors.organisation import current_organisation
from tenants.models import Organisation

from .reminders import email_pending_reminders, send_reminders

# Spread the organisations over this many seconds, so thousands do not start in the same second.
FAN_OUT_SECONDS = 1800


@app.task(name="ehc.send_reminders")
def send_reminders_task() -> int:
    """Reminders for the organisation whose schema the task runs in."""
    return send_reminders()


@app.task(name="ehc.send_reminders_everywhere")
def send_reminders_everywhere() -> int:
    """Beat sends this daily; each school and LA gets its own task, in its own schema, at a random moment."""
    organisations = Organisation.objects.filter(kind__in=["school", "local_authority"], is_active=True)
    count = 0
    for organisation in organisations.only("schema_name"):
        with schema_context(organisation.schema_name):
            send_reminders_task.apply_async(countdown=random.randint(0, FAN_OUT_SECONDS))
        count += 1
    return count


@app.task(name="ehc.email_owed_reminders")
def email_owed_reminders_task() -> dict:
    """Retry the reminder emails of the organisation whose schema the task runs in (each sent at most once)."""
    organisation = current_organisation()
    if organisation is None:
        return {"sent": 0, "failed": 0}
    return email_pending_reminders(organisation)


@app.task(name="ehc.email_owed_reminders_everywhere")
def email_owed_reminders_everywhere() -> int:
    """Beat sends this hourly, so an email the mail server refused at 6am is not left until tomorrow."""
    organisations = Organisation.objects.filter(kind__in=["school", "local_authority"], is_active=True)
    count = 0
    for organisation in organisations.only("schema_name"):
        with schema_context(organisation.schema_name):
            email_owed_reminders_task.apply_async()
        count += 1
    return count
