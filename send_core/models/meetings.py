"""Meetings with parents and carers (at least three a year for a pupil on SEN Support)."""

from __future__ import annotations

from django.db import models

from .base import TimestampedModel, people_list_default, staff_reference
from .pupils import Pupil


class MeetingKind(models.TextChoices):
    PLAN = "plan", "Planning meeting"
    REVIEW = "review", "Review meeting"
    TERMLY = "termly", "Termly meeting"
    CONCERN = "concern", "Discussion of a concern"
    EHC = "ehc", "EHC needs assessment or plan"
    TRANSITION = "transition", "Transition"
    INFORMAL = "informal", "Informal conversation"
    OTHER = "other", "Other"


class ParentMeeting(TimestampedModel):
    """A meeting held with a pupil's parents or carers, and what was agreed."""

    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="parent_meetings")
    held_on = models.DateField()
    kind = models.CharField(max_length=12, choices=MeetingKind.choices)
    # [{"role": ..., "name": ...}]
    attendees = models.JSONField(default=people_list_default, blank=True)
    notes = models.TextField(blank=True)
    agreed_actions = models.TextField(blank=True)
    recorded_by = staff_reference("recorded by")

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.held_on:%d %b %Y}"
