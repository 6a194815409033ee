"""Acts on concerns: raising one, the discussion about it, closing it, or escalating to SEN Support."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import (
    AREA_FOR_NEED_TYPE,
    ON_REGISTER_CODES,
    AreaOfNeed,
    CensusCode,
    Concern,
    ConcernStatus,
    NeedRank,
    Pupil,
    PupilNeed,
    RaisedByKind,
    RegisterEntry,
)
from ..permissions import require_contribute_to_record, require_edit_send_record, require_raise_concern
from ..toolkit import current_toolkit
from .base import (
    AuditAction,
    acting_roles,
    audit,
    check_choice,
    check_not_future,
    clean_people,
    require_text,
    save_clean,
    today,
)


def _lock_open(concern: Concern) -> Concern:
    concern = Concern.objects.select_for_update().select_related("pupil").get(pk=concern.pk)
    if concern.status != ConcernStatus.OPEN:
        raise ValidationError(f"This concern is already {concern.get_status_display().lower()}.")
    return concern


@transaction.atomic
def raise_concern(
    pupil: Pupil,
    *,
    raised_by: Any,
    concern: str,
    raised_by_kind: str = RaisedByKind.TEACHER,
    area: str = "",
    raised_on: datetime.date | None = None,
    review_on: datetime.date | None = None,
) -> Concern:
    """Record a concern about a pupil, raised by staff, a parent or the pupil themself."""
    require_raise_concern(raised_by, acting_roles(raised_by), pupil)
    check_choice(raised_by_kind, RaisedByKind, "raised_by_kind", "who raised the concern")
    if area:
        check_choice(area, AreaOfNeed, "area", "the broad area of need")
    raised_on = raised_on or today()
    check_not_future(raised_on, "raised_on", "The date the concern was raised")
    if review_on and review_on < raised_on:
        raise ValidationError({"review_on": "The review date is before the concern was raised."})
    record = save_clean(
        Concern(
            pupil=pupil,
            raised_by_kind=raised_by_kind,
            raised_by=raised_by,
            raised_on=raised_on,
            concern=require_text(concern, "concern", "Describe the concern."),
            area=area,
            review_on=review_on,
        )
    )
    audit(actor=raised_by, action=AuditAction.CREATE, obj=record, pupil_id=pupil.pk)
    return record


@transaction.atomic
def record_concern_discussion(
    concern: Concern,
    *,
    recorded_by: Any,
    discussion: str,
    next_steps: str,
    participants: Iterable[dict[str, str]] = (),
    discussed_on: datetime.date | None = None,
    review_on: datetime.date | None = None,
) -> Concern:
    """Record the discussion held about a concern: who took part, what was said, agreed next steps, review date."""
    concern = _lock_open(concern)
    require_contribute_to_record(recorded_by, acting_roles(recorded_by), concern.pupil)
    discussed_on = discussed_on or today()
    check_not_future(discussed_on, "discussed_on", "The date of the discussion")
    if discussed_on < concern.raised_on:
        raise ValidationError({"discussed_on": "The discussion cannot be before the concern was raised."})
    if review_on and review_on < discussed_on:
        raise ValidationError({"review_on": "The review date is before the discussion."})
    concern.discussed_on = discussed_on
    concern.discussion_participants = clean_people(participants, "participants")
    concern.discussion = require_text(discussion, "discussion", "Record what was discussed.")
    concern.next_steps = require_text(next_steps, "next_steps", "Record the next steps agreed.")
    if review_on is not None:
        concern.review_on = review_on
    concern.save()
    audit(
        actor=recorded_by,
        action=AuditAction.UPDATE,
        obj=concern,
        pupil_id=concern.pupil_id,
        fields=["discussed_on", "discussion_participants", "discussion", "next_steps", "review_on"],
    )
    return concern


@transaction.atomic(durable=True)
def close_concern(concern: Concern, *, closed_by: Any, outcome: str, closed_on: datetime.date | None = None) -> Concern:
    """Close a concern that needs no SEN provision (e.g. resolved by adapted teaching), saying why."""
    require_edit_send_record(acting_roles(closed_by))
    concern = _lock_open(concern)
    closed_on = closed_on or today()
    check_not_future(closed_on, "closed_on", "The date the concern was closed")
    if closed_on < concern.raised_on:
        raise ValidationError({"closed_on": "A concern cannot be closed before it was raised."})
    concern.outcome = require_text(outcome, "outcome", "Say why the concern is being closed.")
    concern.status = ConcernStatus.CLOSED
    concern.closed_on = closed_on
    concern.closed_by = closed_by
    concern.save()
    audit(
        actor=closed_by, action=AuditAction.UPDATE, obj=concern, pupil_id=concern.pupil_id, fields=["status", "outcome"]
    )
    return concern


@transaction.atomic
def escalate_concern_to_sen_support(
    concern: Concern,
    *,
    decided_by: Any,
    reason: str,
    notification_method: str,
    on: datetime.date | None = None,
    need_type: str = "",
    area: str = "",
) -> Concern:
    """Close the concern as escalated and place the pupil at SEN Support, recording their primary need if given."""
    from .needs import create_need
    from .register import move_on_register

    require_edit_send_record(acting_roles(decided_by))
    concern = _lock_open(concern)
    pupil = Pupil.objects.select_for_update().get(pk=concern.pupil_id)
    on = on or today()
    support = current_toolkit().first_stage_for(CensusCode.SEN_SUPPORT).label
    reason = require_text(reason, "reason", f"Give the reason the pupil needs {support}.")
    if on < concern.raised_on:
        raise ValidationError({"on": f"{support} cannot start before the concern was raised."})
    current = RegisterEntry.objects.filter(pupil=pupil, ended_on__isnull=True).first()
    if current is not None and current.census_code in ON_REGISTER_CODES:
        raise ValidationError(f"The pupil is already on the SEN register at {current.stage_label}.")
    stage = current_toolkit().first_stage_for(CensusCode.SEN_SUPPORT)
    has_primary = PupilNeed.objects.filter(pupil=pupil, ended_on__isnull=True, rank=NeedRank.PRIMARY).exists()
    if not has_primary:
        if not need_type:
            raise ValidationError(
                {"need_type": f"Record the pupil's primary need to place them at {stage.label}: choose its type."}
            )
        create_need(
            pupil,
            need_type=need_type,
            rank=NeedRank.PRIMARY,
            recorded_by=decided_by,
            area=area or ("" if need_type in AREA_FOR_NEED_TYPE else concern.area),
            started_on=on,
            census_code=CensusCode.SEN_SUPPORT,
        )
    entry = move_on_register(
        pupil, stage, reason=reason, decided_by=decided_by, on=on, notification_method=notification_method
    )
    concern.status = ConcernStatus.ESCALATED
    concern.closed_on = on
    concern.closed_by = decided_by
    concern.outcome = reason
    concern.register_entry = entry
    concern.save()
    audit(
        actor=decided_by,
        action=AuditAction.UPDATE,
        obj=concern,
        pupil_id=pupil.pk,
        fields=["status", "outcome", "register_entry"],
        summary="Concern escalated to SEN Support",
    )
    return concern
