"""Acts on staff SEND training records."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import AreaOfNeed, StaffTraining
from ..permissions import require_manage_staff_training
from .base import AuditAction, acting_roles, audit, check_choice, check_not_future, require_text, save_clean


@transaction.atomic
def record_staff_training(
    *,
    user: Any,
    course: str,
    completed_on: datetime.date,
    recorded_by: Any,
    provider: str = "",
    area: str = "",
    expires_on: datetime.date | None = None,
    notes: str = "",
) -> StaffTraining:
    """Record a SEND course a member of staff completed, and when it expires."""
    require_manage_staff_training(acting_roles(recorded_by))
    if area:
        check_choice(area, AreaOfNeed, "area", "the broad area of need")
    check_not_future(completed_on, "completed_on", "The completion date")
    if expires_on and expires_on <= completed_on:
        raise ValidationError({"expires_on": "The expiry date must be after the course was completed."})
    record = save_clean(
        StaffTraining(
            user=user,
            course=require_text(course, "course", "Enter the course."),
            provider=provider.strip(),
            completed_on=completed_on,
            area=area,
            expires_on=expires_on,
            notes=notes.strip(),
            recorded_by=recorded_by,
        )
    )
    audit(actor=recorded_by, action=AuditAction.CREATE, obj=record, pupil_id=None, detail={"user_id": user.pk})
    return record
