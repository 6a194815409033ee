"""Recording audit events: the one way anything in Cairn writes to the trail."""

from __future__ import annotations

from typing import Any

from django_tenants.utils import get_public_schema_name, schema_context

from .models import AuditAction, AuditEvent


def record_event(
    *,
    actor: Any | None,
    action: str,
    object_type: str,
    object_id: Any = "",
    acting_organisation: Any | None = None,
    pupil_id: int | None = None,
    summary: str = "",
    detail: dict | None = None,
) -> AuditEvent:
    """Add one event to the trail of the schema the connection is in now.

    `detail` must carry no personal data: ids and field names, not values.
    """
    if action not in AuditAction.values:
        raise ValueError(f"Unknown audit action {action!r}")
    return AuditEvent.objects.create(
        actor_id=getattr(actor, "pk", None),
        actor_label=(getattr(actor, "email", "") or "")[:200],
        acting_organisation_id=getattr(acting_organisation, "pk", None),
        acting_organisation_label=(str(acting_organisation) if acting_organisation else "")[:200],
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        pupil_id=pupil_id,
        summary=summary[:255],
        detail=detail or {},
    )


def record_cross_organisation_event(
    *,
    actor: Any | None,
    action: str,
    object_type: str,
    object_id: Any = "",
    acting_organisation: Any,
    owning_organisation: Any,
    pupil_id: int | None = None,
    summary: str = "",
    detail: dict | None = None,
) -> None:
    """Record a read or write that crosses organisations in both their trails (and publicly)."""
    event = dict(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        acting_organisation=acting_organisation,
        summary=summary,
        detail={**(detail or {}), "owner_organisation_id": owning_organisation.pk},
    )
    with schema_context(owning_organisation.schema_name):
        record_event(**event, pupil_id=pupil_id)
    with schema_context(acting_organisation.schema_name):
        record_event(**event)
    with schema_context(get_public_schema_name()):
        record_event(**event)
