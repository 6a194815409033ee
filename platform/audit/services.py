"""Recording audit events: the one way anything in Cairn writes to the trail."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.core.cache import cache
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from .models import AuditAction, AuditEvent

logger = logging.getLogger(__name__)


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


def record_children_shown(
    *,
    actor: Any | None,
    acting_organisation: Any | None,
    pupil_ids: Iterable[int],
    what: str,
    action: str = AuditAction.VIEW,
    object_type: str = "pupils",
    object_id: Any = "",
    detail: dict | None = None,
) -> AuditEvent | None:
    """The one rule for lists: a response that showed named children's SEND data is ONE row in the
    trail of the schema it ran in, listing every child shown (nothing when it showed none).

    `what` names the page or file ("pupil list", "provision map CSV"): no personal data.
    """
    shown = sorted({int(pupil_id) for pupil_id in pupil_ids})
    if not shown:
        return None
    if action not in AuditAction.values:
        raise ValueError(f"Unknown audit action {action!r}")
    verb = "Exported" if action == AuditAction.EXPORT else "Viewed"
    return AuditEvent.objects.create(
        actor_id=getattr(actor, "pk", None),
        actor_label=(getattr(actor, "email", "") or "")[:200],
        acting_organisation_id=getattr(acting_organisation, "pk", None),
        acting_organisation_label=(str(acting_organisation) if acting_organisation else "")[:200],
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        pupil_ids=shown,
        summary=f"{verb} {what}"[:255],
        detail={**(detail or {}), "what": what, "count": len(shown)},
    )


# At most this many refusals a minute are written for one person; past it nothing more is written,
# so nobody can flood a trail by asking again and again.
REFUSALS_PER_MINUTE = 10
_REFUSAL_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def refusal_allowed(actor_key: str) -> bool:
    """Counts this actor's refusals in the current minute (in the cache, across organisations)."""
    minute = timezone.now().strftime("%Y%m%d%H%M")
    key = f"audit-refusals:{actor_key}:{minute}"
    # The public schema's key space: one count per person, whichever organisation they knock at.
    try:
        with schema_context(get_public_schema_name()):
            if cache.add(key, 1, timeout=120):
                return True
            try:
                count = cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, timeout=120)
                count = 1
    except Exception as error:  # noqa: BLE001 - the cache is away: record the refusal rather than fail the page
        logger.warning("Refusal throttle unavailable (%s); recording without it", type(error).__name__)
        return True
    return count <= REFUSALS_PER_MINUTE


def route_name(request: Any) -> str:
    """The name of the page a request was for ("" if none): recorded instead of the path a caller typed."""
    from django.urls import Resolver404, resolve

    try:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return ""
    return (match.view_name or "")[:100]


def record_refusal(
    *,
    actor: Any | None,
    refused_at: Any | None,
    reason: str,
    route: str = "",
    method: str = "",
    actor_is_member: bool = False,
) -> AuditEvent | None:
    """Record a refusal in the ACTOR's own trail, throttled; None when nothing was written.

    The actor's own trail is the refusing organisation's only when they are a member of it;
    otherwise the public schema's. The refused organisation's trail never receives text chosen by
    someone who is not its member: `reason` is ours, `route` a URL name, `method` an HTTP verb.
    """
    actor_key = str(getattr(actor, "pk", None) or "anonymous")
    if not refusal_allowed(actor_key):
        return None
    event = dict(
        actor=actor,
        action=AuditAction.DENIED,
        object_type="organisation",
        object_id=getattr(refused_at, "pk", ""),
        summary=f"Refused: {reason}",
        detail={
            "refused_organisation_id": getattr(refused_at, "pk", None),
            "route": route[:100],
            "method": method if method in _REFUSAL_METHODS else "other",
        },
    )
    if actor_is_member and refused_at is not None:
        with schema_context(refused_at.schema_name):
            return record_event(**event, acting_organisation=refused_at)
    with schema_context(get_public_schema_name()):
        return record_event(**event)
