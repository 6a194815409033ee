"""Reads about agencies, involvement and consent."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from ..models import Agency, AgencyInvolvement, Consent, Pupil


def consent_on(pupil: Pupil, scope: str, on: datetime.date) -> Consent | None:
    """The consent for `scope` in force on a date (given on or before it, not withdrawn by then), if any."""
    return (
        Consent.objects.filter(pupil_id=pupil.pk, scope=scope, given_on__lte=on)
        .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on))
        .order_by("-given_on", "-id")
        .first()
    )


def has_consent(pupil: Pupil, scope: str, on: datetime.date | None = None) -> bool:
    """Whether parents' consent for `scope` is in force on a date (today by default)."""
    return consent_on(pupil, scope, on or timezone.localdate()) is not None


def consents_for(pupil: Pupil) -> QuerySet[Consent]:
    """Every consent recorded for the pupil, with who gave it, newest first."""
    return Consent.objects.filter(pupil_id=pupil.pk).select_related("given_by", "recorded_by")


def agency_catalogue(*, include_inactive: bool = False) -> QuerySet[Agency]:
    """The school's agencies, by name."""
    agencies = Agency.objects.order_by("name")
    return agencies if include_inactive else agencies.filter(is_active=True)


def involvements_for(pupil: Pupil) -> QuerySet[AgencyInvolvement]:
    """The agencies involved with the pupil, newest referral first."""
    return AgencyInvolvement.objects.filter(pupil_id=pupil.pk).select_related("agency", "consent", "referred_by")
