"""The medical conditions register."""

from __future__ import annotations

from django.db import models

from .base import TimestampedModel, staff_reference
from .pupils import Pupil


class MedicalCondition(TimestampedModel):
    """A pupil's medical condition, whether it has an individual healthcare plan, and medication."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="medical_conditions")
    condition = models.CharField(max_length=200)
    has_care_plan = models.BooleanField("has an individual healthcare plan", default=False)
    care_plan_review_on = models.DateField(null=True, blank=True)
    medication = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    ended_on = models.DateField(null=True, blank=True)
    recorded_by = staff_reference("recorded by")

    class Meta:
        ordering = ["condition", "id"]

    def __str__(self) -> str:
        return self.condition
