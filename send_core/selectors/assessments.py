"""Reads about assessments: a pupil's results over time."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from ..models import NUMERIC_ASSESSMENT_KINDS, Assessment, Pupil


@dataclass(frozen=True)
class SeriesPoint:
    on: datetime.date
    value: Decimal | str
    instrument: str


def assessment_series(pupil: Pupil, kind: str) -> list[SeriesPoint]:
    """The pupil's results of one kind in date order, for a small chart (numbers, or words for teacher assessment)."""
    rows = Assessment.objects.filter(pupil_id=pupil.pk, kind=kind).order_by("assessed_on", "id")
    numeric = kind in NUMERIC_ASSESSMENT_KINDS
    return [SeriesPoint(row.assessed_on, row.score if numeric else row.result, row.instrument) for row in rows]


def assessments_for(pupil: Pupil) -> QuerySet[Assessment]:
    """Every assessment recorded for the pupil, newest first."""
    return Assessment.objects.filter(pupil_id=pupil.pk).order_by("-assessed_on", "-id")
