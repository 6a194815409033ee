"""Acts on meetings with parents and carers."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction

from ..models import MeetingKind, ParentMeeting, Pupil
from ..permissions import require_contribute_to_record
from .base import AuditAction, acting_roles, audit, check_choice, check_not_future, clean_people, save_clean


@transaction.atomic
def record_parent_meeting(
    pupil: Pupil,
    *,
    recorded_by: Any,
    held_on: datetime.date,
    kind: str,
    attendees: Iterable[dict[str, str]] = (),
    notes: str = "",
    agreed_actions: str = "",
) -> ParentMeeting:
    """Record a meeting with a pupil's parents or carers: who came, what was said, what was agreed."""
    require_contribute_to_record(recorded_by, acting_roles(recorded_by), pupil)
    check_choice(kind, MeetingKind, "kind", "the kind of meeting")
    check_not_future(held_on, "held_on", "The date of the meeting")
    meeting = save_clean(
        ParentMeeting(
            pupil=pupil,
            held_on=held_on,
            kind=kind,
            attendees=clean_people(attendees, "attendees"),
            notes=notes.strip(),
            agreed_actions=agreed_actions.strip(),
            recorded_by=recorded_by,
        )
    )
    audit(actor=recorded_by, action=AuditAction.CREATE, obj=meeting, pupil_id=pupil.pk)
    return meeting
