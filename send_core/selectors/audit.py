"""Reads from the audit trail about a pupil."""

from __future__ import annotations

from django.db.models import QuerySet

from send_core.audit.models import AuditAction, AuditEvent

from ..models import Pupil


def who_viewed(pupil: Pupil, *, limit: int = 200) -> QuerySet[AuditEvent]:
    """Who looked at the pupil's record, when, from which organisation and what, newest first (for the SENCO)."""
    return AuditEvent.objects.filter(pupil_id=pupil.pk, action=AuditAction.VIEW).order_by("-occurred_at", "-id")[:limit]


def record_trail(pupil: Pupil, *, limit: int = 500) -> QuerySet[AuditEvent]:
    """Every recorded view of and change to the pupil's record, newest first."""
    return AuditEvent.objects.filter(pupil_id=pupil.pk).order_by("-occurred_at", "-id")[:limit]
