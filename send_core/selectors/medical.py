"""Reads about the medical conditions register."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ..models import MedicalCondition, Pupil
from .pupils import send_record_pupils


def medical_conditions_for(pupil: Pupil) -> QuerySet[MedicalCondition]:
    """The pupil's medical conditions, current first."""
    return MedicalCondition.objects.filter(pupil_id=pupil.pk).order_by("-ended_on", "condition")


def medical_register(*, user: Any, roles: frozenset[str]) -> QuerySet[MedicalCondition]:
    """Current medical conditions of pupils this person may see, with pupil and class."""
    return (
        MedicalCondition.objects.filter(ended_on__isnull=True, pupil__in=send_record_pupils(user, roles))
        .select_related("pupil", "pupil__school_class")
        .order_by("pupil__last_name", "pupil__legal_first_name", "condition")
    )
