"""Acts on the SEND register: moving a pupil between the toolkit's stages, and leaving the register.

Entries cover the days from `started_on` up to, not including, `ended_on`: a move on a given day
ends the old entry and starts the new one that same day.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ..models import (
    ON_REGISTER_CODES,
    CensusCode,
    NeedRank,
    NeedType,
    NotificationKind,
    NotificationMethod,
    ParentNotification,
    PlanStatus,
    Pupil,
    PupilNeed,
    RegisterEntry,
    SupportPlan,
)
from ..permissions import require_edit_send_record
from ..ports import has_ehc_plan_on
from ..selectors.stage_mapping import StageMapping, current_stage_counts, stage_mappings
from ..signals import records_changed_in_bulk
from ..toolkit import Stage, Toolkit, current_toolkit
from .base import (
    AuditAction,
    acting_roles,
    audit,
    audit_events_bulk,
    check_choice,
    check_not_future,
    long_date,
    require_text,
    today,
)


def _census_code(pupil: Pupil, stage: Stage, on: datetime.date) -> tuple[str, bool]:
    """The census code a move to `stage` on `on` records, and whether an EHC plan is on record by then.

    School census guide (SEN provision): E is recorded only for a pupil with an EHC plan. A stage
    that starts with the request for an assessment is reported as K until the plan is issued.
    """
    if stage.census_code != CensusCode.EHC_PLAN:
        return stage.census_code, False
    has_plan = has_ehc_plan_on(pupil, on)
    return stage.census_code_for(has_ehc_plan=has_plan), has_plan


def _refuse_e_without_plan(stage: Stage, on: datetime.date) -> None:
    waiting = next(
        (s.label for s in current_toolkit().stages if s.census_code == CensusCode.SEN_SUPPORT), "SEN Support"
    )
    raise ValidationError(
        {
            "stage_key": f"{stage.label} means the pupil has an EHC plan (census code E), and no final EHC plan "
            f"issued by {long_date(on)} is on record for them. Record the plan the local authority issued "
            f"first; while an EHC needs assessment is requested or under way the pupil stays at {waiting} (K)."
        }
    )


def _check_primary_need(pupil: Pupil, stage: Stage, code: str) -> None:
    primary = PupilNeed.objects.filter(pupil_id=pupil.pk, ended_on__isnull=True, rank=NeedRank.PRIMARY).first()
    if primary is None:
        raise ValidationError(
            {
                "stage_key": f"Record the pupil's primary need before placing them at {stage.label}: the census needs a type of need."
            }
        )
    if code != CensusCode.SEN_SUPPORT:
        nsa = PupilNeed.objects.filter(pupil_id=pupil.pk, ended_on__isnull=True, need_type=NeedType.NSA).exists()
        if nsa:
            raise ValidationError(
                {
                    "stage_key": "“SEN support but no specialist assessment” is only used at SEN Support. "
                    f"Record the assessed type of need before moving the pupil to {stage.label}."
                }
            )


@transaction.atomic
def move_on_register(
    pupil: Pupil,
    stage: Stage,
    *,
    reason: str,
    decided_by: Any,
    on: datetime.date,
    notification_method: str = "",
    parents_notified_on: datetime.date | None = None,
) -> RegisterEntry:
    """Close the open entry and open one at `stage` (no permission check: callers have made it)."""
    from .needs import end_nsa_needs

    reason = require_text(reason, "reason", "Give the reason for this decision.")
    check_not_future(on, "on", "The date of the change")
    pupil = Pupil.objects.select_for_update().get(pk=pupil.pk)
    if pupil.leaving_date and pupil.leaving_date <= on:
        raise ValidationError("This pupil has left the school, so their register stage can no longer change.")
    current = RegisterEntry.objects.filter(pupil=pupil, ended_on__isnull=True).first()
    code, has_plan = _census_code(pupil, stage, on)
    # The same stage again is a change only when the census code moves (K to E as the plan is issued).
    if current is not None and current.stage_key == stage.key and current.census_code == code:
        raise ValidationError({"stage_key": f"The pupil is already at {current.stage_label}."})
    if current is not None and on < current.started_on:
        raise ValidationError(
            {
                "on": f"The pupil has been at {current.stage_label} since {long_date(current.started_on)}; the change cannot be dated earlier."
            }
        )
    if code in ON_REGISTER_CODES:
        _check_primary_need(pupil, stage, code)
    if code == CensusCode.EHC_PLAN and not has_plan:
        _refuse_e_without_plan(stage, on)
    starting = code in ON_REGISTER_CODES and (current is None or current.census_code not in ON_REGISTER_CODES)
    if notification_method:
        check_choice(notification_method, NotificationMethod, "notification_method", "how parents were told")
    if starting and not notification_method:
        raise ValidationError(
            {
                "notification_method": "Parents must be told when SEN provision starts for their child: "
                "record how they were told (meeting, letter, email or phone)."
            }
        )
    notified_on = parents_notified_on or (on if notification_method else None)
    check_not_future(notified_on, "parents_notified_on", "The date parents were told")

    if current is not None:
        if current.census_code == CensusCode.SEN_SUPPORT and code == CensusCode.NONE:
            end_nsa_needs(pupil, on=on, ended_by=decided_by)
        current.ended_on = on
        current.end_reason = reason
        current.save(update_fields=["ended_on", "end_reason", "updated_at"])
    entry = RegisterEntry.objects.create(
        pupil=pupil,
        stage_key=stage.key,
        stage_label=stage.label,
        census_code=code,
        started_on=on,
        reason=reason,
        decided_by=decided_by,
        parents_notified_on=notified_on,
        notification_method=notification_method,
    )
    audit(
        actor=decided_by,
        action=AuditAction.CREATE,
        obj=entry,
        pupil_id=pupil.pk,
        summary=f"Register stage changed to {stage.key}",
        detail={"previous_entry_id": current.pk if current else None},
    )
    if starting:
        notification = ParentNotification.objects.create(
            pupil=pupil,
            register_entry=entry,
            kind=NotificationKind.SEN_PROVISION_STARTED,
            sent_on=notified_on,
            method=notification_method,
            recorded_by=decided_by,
        )
        audit(actor=decided_by, action=AuditAction.CREATE, obj=notification, pupil_id=pupil.pk)
    return entry


@transaction.atomic
def place_on_register(
    pupil: Pupil,
    stage_key: str,
    *,
    reason: str,
    decided_by: Any,
    on: datetime.date | None = None,
    notification_method: str = "",
    parents_notified_on: datetime.date | None = None,
) -> RegisterEntry:
    """Move a pupil to a stage of the school's toolkit, closing the current entry; starting SEN provision records that parents were told."""
    require_edit_send_record(acting_roles(decided_by))
    stage = current_toolkit().stage(stage_key)
    return move_on_register(
        pupil,
        stage,
        reason=reason,
        decided_by=decided_by,
        on=on or today(),
        notification_method=notification_method,
        parents_notified_on=parents_notified_on,
    )


@transaction.atomic
def exit_register(
    pupil: Pupil,
    *,
    reason: str,
    decided_by: Any,
    on: datetime.date | None = None,
    notification_method: str = "",
) -> RegisterEntry | None:
    """Take a pupil off SEN provision back to monitoring (history kept; open plans close); from monitoring, end monitoring."""
    require_edit_send_record(acting_roles(decided_by))
    on = on or today()
    reason = require_text(reason, "reason", "Give the reason the pupil is leaving the register.")
    check_not_future(on, "on", "The date the pupil leaves the register")
    pupil = Pupil.objects.select_for_update().get(pk=pupil.pk)
    current = RegisterEntry.objects.filter(pupil=pupil, ended_on__isnull=True).first()
    if current is None:
        raise ValidationError("This pupil is not on the register.")
    if current.census_code not in ON_REGISTER_CODES:
        if on < current.started_on:
            raise ValidationError({"on": "Monitoring cannot end before it started."})
        current.ended_on = on
        current.end_reason = reason
        current.save(update_fields=["ended_on", "end_reason", "updated_at"])
        audit(
            actor=decided_by,
            action=AuditAction.UPDATE,
            obj=current,
            pupil_id=pupil.pk,
            fields=["ended_on", "end_reason"],
            summary="Monitoring ended",
        )
        return None

    from .plans import close_plan_on_leaving

    for plan in SupportPlan.objects.filter(pupil=pupil, status__in=[PlanStatus.DRAFT, PlanStatus.ACTIVE]):
        close_plan_on_leaving(plan, on=on, closed_by=decided_by)
    entry = move_on_register(
        pupil,
        current_toolkit().monitoring_stage,
        reason=reason,
        decided_by=decided_by,
        on=on,
        notification_method=notification_method,
    )
    if notification_method:
        notification = ParentNotification.objects.create(
            pupil=pupil,
            register_entry=entry,
            kind=NotificationKind.SEN_PROVISION_ENDED,
            sent_on=on,
            method=notification_method,
            recorded_by=decided_by,
        )
        audit(actor=decided_by, action=AuditAction.CREATE, obj=notification, pupil_id=pupil.pk)
    return entry


@transaction.atomic
def remap_register_for_toolkit(
    school: Any, from_toolkit: Toolkit, to_toolkit: Toolkit, *, changed_by: Any, reason: str
) -> tuple[StageMapping, ...]:
    """In the school's schema (the caller's): close every current entry whose stage differs under the
    new toolkit and open its mapped stage today, keeping the census code (no permission check: the
    toolkit change that calls this has made it). Refused, changing nothing, when the new toolkit has
    no stage for a census code some pupils are at, or a register change is dated after today."""
    day = timezone.localdate()
    open_entries = RegisterEntry.objects.filter(ended_on__isnull=True)
    # Lock the pupils first, in the order move_on_register does, so no stage moves meanwhile.
    locked = Pupil.objects.select_for_update(of=("self",)).filter(register_entries__ended_on__isnull=True)
    list(locked.order_by("pk").values_list("pk", flat=True))
    mappings, unmappable = stage_mappings(current_stage_counts(), to_toolkit)
    if unmappable:
        stuck = "; ".join(f"{u.pupils} at {u.label} (census {u.census_code})" for u in unmappable)
        raise ValidationError(
            {"toolkit_key": f"{to_toolkit.name} has no stage for some of {school.name}'s pupils: {stuck}."}
        )
    targets = {(m.from_key, m.from_label, m.census_code): m for m in mappings if m.changes}
    if not targets:
        return tuple(mappings)
    moving = [
        entry
        for entry in open_entries.select_for_update().order_by("pupil_id")
        if (entry.stage_key, entry.stage_label, entry.census_code) in targets
    ]
    if any(entry.started_on > day for entry in moving):
        raise ValidationError(
            {
                "toolkit_key": "Some pupils have a register change dated after today; the toolkit can change once that date has passed."
            }
        )
    RegisterEntry.objects.filter(pk__in=[entry.pk for entry in moving]).update(
        ended_on=day, end_reason=reason, updated_at=timezone.now()
    )
    RegisterEntry.objects.bulk_create(
        [
            RegisterEntry(
                pupil_id=entry.pupil_id,
                stage_key=targets[(entry.stage_key, entry.stage_label, entry.census_code)].to_key,
                stage_label=targets[(entry.stage_key, entry.stage_label, entry.census_code)].to_label,
                census_code=entry.census_code,
                started_on=day,
                reason=reason,
                decided_by=changed_by,
            )
            for entry in moving
        ],
        batch_size=1000,
    )
    records_changed_in_bulk.send(sender=RegisterEntry, model=RegisterEntry)
    audit_events_bulk(
        actor=changed_by,
        action=AuditAction.CREATE,
        object_type="registerentry",
        pupil_ids=[entry.pupil_id for entry in moving],
        summary=f"Register stage mapped: {reason}"[:255],
        detail={"from_toolkit": from_toolkit.key, "to_toolkit": to_toolkit.key},
    )
    return tuple(mappings)
