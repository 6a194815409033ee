"""Staff training in SEND."""

from __future__ import annotations

from django.db import models

from .base import TimestampedModel, staff_reference
from .needs import AreaOfNeed


class StaffTraining(TimestampedModel):
    """A course a member of staff completed, and when it needs renewing."""

    user = staff_reference("member of staff")
    course = models.CharField(max_length=200)
    provider = models.CharField(max_length=200, blank=True)
    completed_on = models.DateField()
    area = models.CharField("area of need", max_length=30, choices=AreaOfNeed.choices, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = staff_reference("recorded by")

    class Meta:
        ordering = ["-completed_on", "-id"]
        verbose_name_plural = "staff training"
        indexes = [models.Index(fields=["user"]), models.Index(fields=["expires_on"])]

    def __str__(self) -> str:
        return self.course
