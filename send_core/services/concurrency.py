"""Edits that never silently overwrite: an edit form carries the version of the record it was drawn from.

Two people open the same plan; the first saves; the second's form still holds what the page showed
before, so saving it would quietly put the first person's words back. Each edit form therefore
posts the record's `updated_at` as it was when the page was drawn, and the service compares it with
the row it has locked (select_for_update) before changing anything. A stale save is refused with
who saved meanwhile and when, and with their current values, so the person can merge by hand.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from send_platform.audit.models import AuditAction, AuditEvent


class StaleEdit(ValidationError):
    """Someone else saved the record after this person's page was drawn."""

    def __init__(self, message: str, *, current: dict[str, Any], version: str):
        super().__init__(message, code="stale")
        # The other person's values, to show beside the ones this person typed.
        self.current = current
        # The version now saved: posting again with it means "I have seen their change".
        self.version = version


def version_of(row: models.Model) -> str:
    """The version an edit form carries: when the row was last saved, to the microsecond."""
    updated_at = getattr(row, "updated_at", None)
    return updated_at.isoformat() if updated_at else ""


def last_saved_by(row: models.Model) -> tuple[str, datetime.datetime | None]:
    """Who last created or changed the row, and when, from this organisation's audit trail."""
    event = (
        AuditEvent.objects.filter(
            object_type=row._meta.model_name,
            object_id=str(row.pk),
            action__in=[AuditAction.CREATE, AuditAction.UPDATE],
        )
        .order_by("-occurred_at", "-id")
        .first()
    )
    if event is None:
        return "", getattr(row, "updated_at", None)
    return event.actor_label, event.occurred_at


def _shown(row: models.Model, name: str) -> Any:
    """A field's value as a person reads it: a choice by its label, not its stored code."""
    display = getattr(row, f"get_{name}_display", None)
    return display() if display and getattr(row, name) else getattr(row, name)


def check_not_stale(row: models.Model, seen_version: str | None, *, what: str, fields: Iterable[str]) -> None:
    """Refuse a save made from a page drawn before someone else's save. `row` must already be locked.

    No `seen_version` means the caller carries no version (a script, or an API client that sends
    only the fields it changes), so there is nothing to compare.
    """
    if not seen_version:
        return
    now_saved = version_of(row)
    if seen_version == now_saved:
        return
    who, when = last_saved_by(row)
    by = f" by {who}" if who else ""
    at = f" at {timezone.localtime(when):%H:%M on %-d %B %Y}" if when else ""
    raise StaleEdit(
        f"Someone else saved this {what}{by}{at}, after you opened it, so your changes have not been saved. "
        "Their version is shown beside yours, and what you typed is still in the form: "
        "check both, then save again to keep yours.",
        current={name: _shown(row, name) for name in fields},
        version=now_saved,
    )
