"""Reads about meetings with parents."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from ..models import ParentMeeting, Pupil


def parent_meetings_for(pupil: Pupil) -> QuerySet[ParentMeeting]:
    """Meetings held with the pupil's parents, newest first."""
    return ParentMeeting.objects.filter(pupil_id=pupil.pk).select_related("recorded_by")


def parent_meetings_in_year(pupil: Pupil, on: datetime.date) -> int:
    """How many meetings with parents were held in the 12 months up to `on` (the Code expects at least three)."""
    return ParentMeeting.objects.filter(
        pupil_id=pupil.pk, held_on__gt=on - datetime.timedelta(days=365), held_on__lte=on
    ).count()
