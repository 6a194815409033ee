"""Reads about reviews: what is due, what is overdue, and who has had too few (CoP 6.65)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from ..models import (
    ON_REGISTER_CODES,
    OutcomeProgress,
    PlanStatus,
    Pupil,
    RegisterEntry,
    Review,
    ReviewStatus,
    SupportPlan,
)
from ..toolkit import current_toolkit
from .pupils import covering, on_roll, send_record_pupils

YEAR = datetime.timedelta(days=365)


def _active_plans(day: datetime.date, user: Any, roles: frozenset[str]) -> QuerySet[SupportPlan]:
    pupils = send_record_pupils(user, roles).filter(on_roll(day))
    return (
        SupportPlan.objects.filter(status=PlanStatus.ACTIVE, pupil__in=pupils)
        .select_related("pupil", "pupil__school_class")
        .order_by("review_due_on", "pupil__last_name", "pupil__legal_first_name", "id")
    )


def reviews_due(on: datetime.date, within_days: int = 14, *, user: Any, roles: frozenset[str]) -> QuerySet[SupportPlan]:
    """Active plans whose review falls due from `on` to `within_days` later, soonest first."""
    return _active_plans(on, user, roles).filter(
        review_due_on__gte=on, review_due_on__lte=on + datetime.timedelta(days=within_days)
    )


def reviews_overdue(on: datetime.date, *, user: Any, roles: frozenset[str]) -> QuerySet[SupportPlan]:
    """Active plans whose review date has passed (before `on`), most overdue first."""
    return _active_plans(on, user, roles).filter(review_due_on__lt=on)


def reviews_for(pupil: Pupil) -> QuerySet[Review]:
    """The pupil's reviews, newest first, with the plan and the progress judged for each outcome."""
    return (
        Review.objects.filter(pupil_id=pupil.pk)
        .select_related("plan", "recorded_by", "closed_by")
        .prefetch_related(Prefetch("progress", queryset=OutcomeProgress.objects.select_related("outcome")))
    )


def draft_reviews(*, user: Any, roles: frozenset[str]) -> QuerySet[Review]:
    """Reviews recorded but not yet closed, for pupils this person may see."""
    return (
        Review.objects.filter(status=ReviewStatus.DRAFT, pupil__in=send_record_pupils(user, roles))
        .select_related("pupil", "plan")
        .order_by("held_on")
    )


@dataclass(frozen=True)
class ReviewShortfall:
    """A pupil on the register who has had fewer closed reviews than the cadence expects."""

    pupil: Pupil
    stage_label: str
    on_register_since: datetime.date
    closed_reviews: int
    expected_reviews: int


def _spell_start(current: RegisterEntry, earlier: list[RegisterEntry]) -> datetime.date:
    """When the pupil's unbroken time at K or E began (SEN Support then EHC plan counts as one spell)."""
    start = current.started_on
    for entry in earlier:  # newest first
        if entry.ended_on == start and entry.census_code in ON_REGISTER_CODES:
            start = entry.started_on
        elif entry.started_on < start:
            break
    return start


def pupils_with_fewer_than_three_reviews(
    on: datetime.date, *, user: Any, roles: frozenset[str]
) -> list[ReviewShortfall]:
    """Pupils at SEN Support or with an EHC plan on `on` who have had too few closed reviews in the past 12 months.

    The Code of Practice (6.65) expects reviews at least three times a year (the toolkit's cadence).
    A pupil on the register for less than 12 months is judged pro rata: they are expected to have
    had floor(cadence × days on the register ÷ 365) reviews, so nobody is flagged before a
    full review period (about a term) has passed without one. Three queries whatever the number
    of pupils.
    """
    cadence = current_toolkit().reviews_per_year
    window_start = on - YEAR
    current = list(
        RegisterEntry.objects.filter(
            covering(on),
            census_code__in=ON_REGISTER_CODES,
            pupil__in=send_record_pupils(user, roles).filter(on_roll(on)),
        )
        .select_related("pupil", "pupil__school_class")
        .order_by("pupil__last_name", "pupil__legal_first_name", "pupil_id")
    )
    pupil_ids = [entry.pupil_id for entry in current]
    earlier: dict[int, list[RegisterEntry]] = {}
    for entry in RegisterEntry.objects.filter(
        pupil_id__in=pupil_ids, started_on__lte=on, ended_on__isnull=False
    ).order_by("pupil_id", "-started_on"):
        earlier.setdefault(entry.pupil_id, []).append(entry)
    closed = dict(
        Review.objects.filter(
            pupil_id__in=pupil_ids, status=ReviewStatus.CLOSED, held_on__gt=window_start, held_on__lte=on
        )
        .values("pupil_id")
        .annotate(n=Count("id"))
        .values_list("pupil_id", "n")
    )
    shortfalls: list[ReviewShortfall] = []
    for entry in current:
        since = _spell_start(entry, earlier.get(entry.pupil_id, []))
        days = (on - max(since, window_start)).days
        expected = min(cadence, cadence * days // 365)
        had = closed.get(entry.pupil_id, 0)
        if had < expected:
            shortfalls.append(ReviewShortfall(entry.pupil, entry.stage_label, since, had, expected))
    return shortfalls


def pupils_without_active_plan(on: datetime.date, *, user: Any, roles: frozenset[str]) -> QuerySet[RegisterEntry]:
    """Register entries (K or E on `on`) of pupils who have no active plan: SEN Support with nothing written down."""
    return (
        RegisterEntry.objects.filter(
            covering(on),
            census_code__in=ON_REGISTER_CODES,
            pupil__in=send_record_pupils(user, roles).filter(on_roll(on)),
        )
        .exclude(Q(pupil__plans__status=PlanStatus.ACTIVE))
        .select_related("pupil", "pupil__school_class")
        .order_by("pupil__last_name", "pupil__legal_first_name")
    )
