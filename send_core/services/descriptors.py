"""Recording a pupil's level of need in a broad area, against the school's toolkit's descriptors."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction

from ..models import AreaOfNeed, NeedDescriptorLevel, Pupil
from ..permissions import require_edit_send_record
from ..toolkit import current_toolkit
from .base import AuditAction, acting_roles, audit, check_choice, check_not_future, today


@transaction.atomic(durable=True)
def record_descriptor_level(
    pupil: Pupil,
    *,
    area: str,
    level_key: str,
    recorded_by: Any,
    on: datetime.date | None = None,
    notes: str = "",
) -> NeedDescriptorLevel:
    """Record the level of need the SENCO judges a pupil to be at in one area (the newest judgement is current)."""
    require_edit_send_record(acting_roles(recorded_by))
    check_choice(area, AreaOfNeed, "area", "the broad area of need")
    on = on or today()
    check_not_future(on, "on", "The date of the judgement")
    toolkit = current_toolkit()
    level = toolkit.descriptor_level(area, level_key)
    pupil = Pupil.objects.select_for_update().get(pk=pupil.pk)
    record = NeedDescriptorLevel.objects.create(
        pupil=pupil,
        area=area,
        level_key=level.key,
        level_label=level.label[:150],
        toolkit_key=toolkit.key,
        recorded_on=on,
        recorded_by=recorded_by,
        notes=notes.strip(),
    )
    audit(
        actor=recorded_by,
        action=AuditAction.CREATE,
        obj=record,
        pupil_id=pupil.pk,
        fields=["area", "level_key", "recorded_on", *(["notes"] if record.notes else [])],
        detail={"toolkit_key": toolkit.key},
    )
    return record
