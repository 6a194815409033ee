"""Reads about concerns."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet

from ..models import Concern, ConcernStatus, Pupil
from .pupils import send_record_pupils


def concerns_for(pupil: Pupil) -> QuerySet[Concern]:
    """Every concern raised about the pupil, newest first."""
    return Concern.objects.filter(pupil_id=pupil.pk).select_related("raised_by", "closed_by")


def open_concerns(*, user: Any, roles: frozenset[str]) -> QuerySet[Concern]:
    """Open concerns about pupils this person may see, review date first."""
    return (
        Concern.objects.filter(status=ConcernStatus.OPEN, pupil__in=send_record_pupils(user, roles))
        .select_related("pupil", "pupil__school_class", "raised_by")
        .order_by("review_on", "raised_on", "id")
    )


def concerns_due_for_review(on: datetime.date, *, user: Any, roles: frozenset[str]) -> QuerySet[Concern]:
    """Open concerns whose agreed review date has come (on or before `on`)."""
    return open_concerns(user=user, roles=roles).filter(review_on__lte=on)
