"""Acts on assessments: recording a dated attainment point."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import NUMERIC_ASSESSMENT_KINDS, Assessment, AssessmentKind, Pupil
from ..permissions import require_contribute_to_record
from .base import AuditAction, acting_roles, audit, check_choice, check_not_future, save_clean

# The range a plausible score of each numeric kind falls in, and how to describe it.
SCORE_RANGES: dict[str, tuple[Decimal, Decimal, str]] = {
    AssessmentKind.READING_AGE: (Decimal(24), Decimal(240), "A reading age is given in months, between 24 and 240."),
    AssessmentKind.STANDARDISED_SCORE: (Decimal(40), Decimal(160), "A standardised score is between 40 and 160."),
    AssessmentKind.PHONICS_PHASE: (Decimal(1), Decimal(6), "A phonics phase is between 1 and 6."),
}


@transaction.atomic
def record_assessment(
    pupil: Pupil,
    *,
    recorded_by: Any,
    kind: str,
    assessed_on: datetime.date,
    score: Decimal | int | str | None = None,
    result: str = "",
    instrument: str = "",
    subject: str = "",
    notes: str = "",
) -> Assessment:
    """Record an assessment: a number for reading age, standardised score or phonics phase; words for teacher assessment."""
    require_contribute_to_record(recorded_by, acting_roles(recorded_by), pupil)
    check_choice(kind, AssessmentKind, "kind", "the kind of assessment")
    check_not_future(assessed_on, "assessed_on", "The date of the assessment")
    if kind in NUMERIC_ASSESSMENT_KINDS:
        low, high, message = SCORE_RANGES[kind]
        try:
            value = Decimal(str(score)) if score not in (None, "") else None
        except InvalidOperation:
            value = None
        if value is None or not (low <= value <= high):
            raise ValidationError({"score": message})
        score = value
    else:
        if not result.strip():
            raise ValidationError({"result": "Record the teacher assessment (for example “Working towards”)."})
        score = None
    assessment = save_clean(
        Assessment(
            pupil=pupil,
            kind=kind,
            assessed_on=assessed_on,
            score=score,
            result=result.strip(),
            instrument=instrument.strip(),
            subject=subject.strip(),
            notes=notes.strip(),
            recorded_by=recorded_by,
        )
    )
    audit(actor=recorded_by, action=AuditAction.CREATE, obj=assessment, pupil_id=pupil.pk)
    return assessment
