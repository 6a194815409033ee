"""Concerns: a worry about a pupil, the discussion held about it, and what was agreed."""

from __future__ import annotations

from django.db import models

from .base import TimestampedModel, people_list_default, staff_reference
from .needs import AreaOfNeed
from .pupils import Pupil
from .register import RegisterEntry


class RaisedByKind(models.TextChoices):
    TEACHER = "teacher", "A member of staff"
    PARENT = "parent", "A parent or carer"
    PUPIL = "pupil", "The pupil"


class ConcernStatus(models.TextChoices):
    OPEN = "open", "Open"
    ESCALATED = "escalated", "Escalated to SEN Support"
    CLOSED = "closed", "Closed"


class Concern(TimestampedModel):
    """A concern raised about a pupil (a "discussion form"), its discussion and next steps."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="concerns")
    raised_by_kind = models.CharField("raised by", max_length=10, choices=RaisedByKind.choices)
    raised_by = staff_reference("recorded by")
    raised_on = models.DateField()
    concern = models.TextField()
    area = models.CharField("area of need", max_length=30, choices=AreaOfNeed.choices, blank=True)

    # The discussion: who took part ([{"role": ..., "name": ...}]), what was said, what was agreed.
    discussed_on = models.DateField(null=True, blank=True)
    discussion_participants = models.JSONField(default=people_list_default, blank=True)
    discussion = models.TextField(blank=True)
    next_steps = models.TextField("agreed next steps", blank=True)
    review_on = models.DateField(null=True, blank=True)

    status = models.CharField(max_length=10, choices=ConcernStatus.choices, default=ConcernStatus.OPEN)
    closed_on = models.DateField(null=True, blank=True)
    closed_by = staff_reference("closed by")
    outcome = models.TextField(blank=True)
    register_entry = models.ForeignKey(
        RegisterEntry,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="concerns",
        help_text="The SEN Support entry this concern was escalated to.",
    )

    class Meta:
        ordering = ["-raised_on", "-id"]
        indexes = [models.Index(fields=["status", "review_on"])]

    def __str__(self) -> str:
        return f"Concern raised {self.raised_on:%d %b %Y}"
