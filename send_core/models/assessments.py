"""Dated attainment points that show progress over time."""

from __future__ import annotations

from django.db import models

from .base import TimestampedModel, staff_reference
from .pupils import Pupil


class AssessmentKind(models.TextChoices):
    READING_AGE = "reading_age", "Reading age (months)"
    STANDARDISED_SCORE = "standardised_score", "Standardised score"
    PHONICS_PHASE = "phonics_phase", "Phonics phase"
    TEACHER_ASSESSMENT = "teacher_assessment", "Teacher assessment"


# Kinds whose value is a number (the rest are words, e.g. "Working towards").
NUMERIC_ASSESSMENT_KINDS = frozenset(
    {AssessmentKind.READING_AGE, AssessmentKind.STANDARDISED_SCORE, AssessmentKind.PHONICS_PHASE}
)


class Assessment(TimestampedModel):
    """One assessment result: a number (`score`) or words (`result`), with the test used."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="assessments")
    kind = models.CharField(max_length=20, choices=AssessmentKind.choices)
    assessed_on = models.DateField()
    score = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    result = models.CharField(max_length=100, blank=True)
    instrument = models.CharField("test or scheme", max_length=150, blank=True)
    subject = models.CharField(max_length=60, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = staff_reference("recorded by")

    class Meta:
        ordering = ["pupil_id", "kind", "assessed_on", "id"]
        indexes = [models.Index(fields=["pupil", "kind", "assessed_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.assessed_on:%d %b %Y}"

    @property
    def value(self):
        return self.score if self.kind in NUMERIC_ASSESSMENT_KINDS else self.result
