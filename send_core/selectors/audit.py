"""Reads from the audit trail about a pupil."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from send_platform.audit.models import AuditAction, AuditEvent

from ..models import Pupil


def concerning(pupil: Pupil) -> Q:
    """Events about the pupil: their own record's (pupil_id), or a list that showed them (pupil_ids, GIN-indexed)."""
    return Q(pupil_id=pupil.pk) | Q(pupil_ids__contains=[pupil.pk])


def who_viewed(pupil: Pupil, *, limit: int = 200) -> QuerySet[AuditEvent]:
    """Who looked at the pupil's record or saw them in a list, when, from which organisation and what,
    newest first (for the SENCO)."""
    views = AuditEvent.objects.filter(concerning(pupil), action__in=[AuditAction.VIEW, AuditAction.EXPORT])
    return views.order_by("-occurred_at", "-id")[:limit]


def record_trail(pupil: Pupil, *, limit: int = 500) -> QuerySet[AuditEvent]:
    """Every recorded view of and change to the pupil's record, newest first."""
    return AuditEvent.objects.filter(concerning(pupil)).order_by("-occurred_at", "-id")[:limit]
