"""What every SEND service shares: who is acting, the audit trail, and checks on dates and choices."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from send_platform.audit.models import AuditAction, AuditEvent
from send_platform.audit.services import record_event

from ..models import ParticipantRole
from ..permissions import acting_roles
from ..selectors.organisation import current_organisation

__all__ = [
    "AuditAction",
    "acting_roles",
    "audit",
    "audit_events_bulk",
    "check_choice",
    "check_not_future",
    "clean_people",
    "long_date",
    "record_event",
    "require_text",
    "today",
]


def today() -> datetime.date:
    """Today's date in the school's time zone."""
    return timezone.localdate()


def audit(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    pupil_id: int | None,
    fields: Iterable[str] = (),
    summary: str = "",
    detail: dict | None = None,
) -> AuditEvent:
    """Record a change to a pupil's record in this school's trail (ids and field names only)."""
    payload: dict[str, Any] = dict(detail or {})
    fields = sorted(set(fields))
    if fields:
        payload["fields"] = fields
    return record_event(
        actor=actor,
        action=action,
        object_type=obj._meta.model_name,
        object_id=obj.pk,
        acting_organisation=current_organisation(),
        pupil_id=pupil_id,
        summary=summary,
        detail=payload,
    )


def audit_events_bulk(
    *, actor: Any, action: str, object_type: str, pupil_ids: Iterable[int], summary: str, detail: dict | None = None
) -> None:
    """Record the same change for many pupils in one insert (the same rows `record_event` writes)."""
    organisation = current_organisation()
    events = [
        AuditEvent(
            actor_id=getattr(actor, "pk", None),
            actor_label=(getattr(actor, "email", "") or "")[:200],
            acting_organisation_id=getattr(organisation, "pk", None),
            acting_organisation_label=(str(organisation) if organisation else "")[:200],
            action=action,
            object_type=object_type,
            object_id=str(pupil_id),
            pupil_id=pupil_id,
            summary=summary[:255],
            detail=detail or {},
        )
        for pupil_id in pupil_ids
    ]
    AuditEvent.objects.bulk_create(events, batch_size=1000)


def check_not_future(day: datetime.date | None, field: str, what: str) -> None:
    """ValidationError on `field` if `day` is after today."""
    if day is not None and day > today():
        raise ValidationError({field: f"{what} cannot be in the future."})


def check_choice(value: str, choices: type[models.TextChoices], field: str, what: str) -> None:
    """ValidationError on `field`, listing the choices, unless `value` is one of them."""
    if value not in choices.values:
        allowed = ", ".join(str(label) for label in choices.labels)
        raise ValidationError({field: f"Choose {what}: {allowed}."})


def require_text(value: str | None, field: str, message: str) -> str:
    """The text without surrounding space; ValidationError with `message` if there is none."""
    text = (value or "").strip()
    if not text:
        raise ValidationError({field: message})
    return text


def clean_people(people: Iterable[dict[str, str]] | None, field: str) -> list[dict[str, str]]:
    """Check a list of {"role", "name"} (who took part); names may be blank for "the child"."""
    cleaned: list[dict[str, str]] = []
    for person in people or ():
        role = (person.get("role") or "").strip()
        name = (person.get("name") or "").strip()
        if role not in ParticipantRole.values:
            allowed = ", ".join(str(label).lower() for label in ParticipantRole.labels)
            raise ValidationError({field: f"Say what part each person played: {allowed}."})
        cleaned.append({"role": role, "name": name[:150]})
    return cleaned


def save_clean(instance: models.Model, *, exclude: Iterable[str] | None = None) -> models.Model:
    """Validate a model's fields (choices, lengths, validators) and save it."""
    instance.full_clean(exclude=list(exclude or ()), validate_constraints=False)
    instance.save()
    return instance


def long_date(day: datetime.date) -> str:
    """A date as a SENCO writes it: 3 March 2025."""
    return f"{day.day} {day:%B %Y}"
