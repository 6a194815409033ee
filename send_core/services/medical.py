"""Acts on the medical conditions register."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import MedicalCondition, Pupil
from ..permissions import require_edit_send_record
from .base import AuditAction, acting_roles, audit, check_not_future, require_text, save_clean


@transaction.atomic
def record_medical_condition(
    pupil: Pupil,
    *,
    recorded_by: Any,
    condition: str,
    has_care_plan: bool = False,
    care_plan_review_on: datetime.date | None = None,
    medication: str = "",
    notes: str = "",
) -> MedicalCondition:
    """Add a medical condition to the register (the pupil's medical-needs flag is set)."""
    require_edit_send_record(acting_roles(recorded_by))
    record = save_clean(
        MedicalCondition(
            pupil=pupil,
            condition=require_text(condition, "condition", "Enter the medical condition."),
            has_care_plan=has_care_plan,
            care_plan_review_on=care_plan_review_on,
            medication=medication.strip(),
            notes=notes.strip(),
            recorded_by=recorded_by,
        )
    )
    if not pupil.medical_needs:
        Pupil.objects.filter(pk=pupil.pk).update(medical_needs=True)
        pupil.medical_needs = True
    audit(actor=recorded_by, action=AuditAction.CREATE, obj=record, pupil_id=pupil.pk)
    return record


@transaction.atomic(durable=True)
def end_medical_condition(record: MedicalCondition, *, recorded_by: Any, ended_on: datetime.date) -> MedicalCondition:
    """Record that a condition no longer applies (the flag clears when none is current)."""
    require_edit_send_record(acting_roles(recorded_by))
    record = MedicalCondition.objects.select_for_update().get(pk=record.pk)
    check_not_future(ended_on, "ended_on", "The end date")
    if record.ended_on is not None:
        raise ValidationError("This condition has already been recorded as ended.")
    record.ended_on = ended_on
    record.save(update_fields=["ended_on", "updated_at"])
    if not MedicalCondition.objects.filter(pupil_id=record.pupil_id, ended_on__isnull=True).exists():
        Pupil.objects.filter(pk=record.pupil_id).update(medical_needs=False)
    audit(actor=recorded_by, action=AuditAction.UPDATE, obj=record, pupil_id=record.pupil_id, fields=["ended_on"])
    return record
