"""Recording who looked at a pupil's record (each view goes into the audit trail)."""

from __future__ import annotations

from typing import Any

from send_platform.audit.models import AuditAction, AuditEvent
from send_platform.audit.services import record_event

from ..models import Pupil


def record_pupil_view(user: Any, pupil: Pupil, organisation: Any, what: str) -> AuditEvent:
    """Record that `user` (acting for `organisation`) viewed part of a pupil's record; `what` names the part (e.g. "plan")."""
    return record_event(
        actor=user,
        action=AuditAction.VIEW,
        object_type="pupil",
        object_id=pupil.pk,
        acting_organisation=organisation,
        pupil_id=pupil.pk,
        summary=f"Viewed {what}"[:255],
        detail={"what": what},
    )
