"""Acts on a pupil's needs and diagnoses.

The census rules held here: a pupil has at most two ranked current needs, a primary and a
secondary, and never a secondary without a primary; "SEN support but no specialist assessment"
(NSA) is only used while the pupil is at SEN Support (census K); a pupil at K or E always has a
primary need.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import (
    AREA_FOR_NEED_TYPE,
    ON_REGISTER_CODES,
    AreaOfNeed,
    CensusCode,
    Diagnosis,
    DiagnosisSource,
    NeedRank,
    NeedType,
    Pupil,
    PupilNeed,
    RegisterEntry,
)
from ..permissions import require_edit_send_record
from .base import AuditAction, acting_roles, audit, check_choice, check_not_future, require_text, save_clean, today


def current_census_code(pupil: Pupil) -> str:
    """The census code of the pupil's open register entry (N when they have none)."""
    code = (
        RegisterEntry.objects.filter(pupil_id=pupil.pk, ended_on__isnull=True)
        .values_list("census_code", flat=True)
        .first()
    )
    return code or CensusCode.NONE


def _area_for(need_type: str, area: str) -> str:
    expected = AREA_FOR_NEED_TYPE.get(need_type)
    if expected is None:
        if not area:
            raise ValidationError({"area": "Choose the broad area of need this falls under."})
        check_choice(area, AreaOfNeed, "area", "the broad area of need")
        return area
    if area and area != expected:
        raise ValidationError(
            {
                "area": f"{NeedType(need_type).label} belongs to {AreaOfNeed(expected).label.lower()}, "
                f"not {AreaOfNeed(area).label.lower()}."
            }
        )
    return expected


def check_new_need(pupil: Pupil, *, need_type: str, rank: str, census_code: str) -> None:
    """Refuse a new current need that would break the census rules, given the stage the pupil will be at."""
    check_choice(need_type, NeedType, "need_type", "a type of need")
    check_choice(rank, NeedRank, "rank", "primary, secondary or other")
    current = list(PupilNeed.objects.filter(pupil_id=pupil.pk, ended_on__isnull=True))
    ranks = {need.rank: need for need in current}
    if any(need.need_type == need_type for need in current):
        raise ValidationError(
            {"need_type": f"{NeedType(need_type).label} is already one of this pupil's current needs."}
        )
    if need_type == NeedType.NSA and census_code != CensusCode.SEN_SUPPORT:
        raise ValidationError(
            {
                "need_type": "“SEN support but no specialist assessment” can only be recorded while the pupil "
                "is at SEN Support."
            }
        )
    if rank == NeedRank.PRIMARY and NeedRank.PRIMARY in ranks:
        raise ValidationError(
            {
                "rank": f"This pupil's primary need is already {ranks[NeedRank.PRIMARY].get_need_type_display()}. "
                "End it, or record this need as secondary and then make it primary."
            }
        )
    if rank == NeedRank.SECONDARY:
        if NeedRank.PRIMARY not in ranks:
            raise ValidationError({"rank": "Record the pupil's primary need before a secondary need."})
        if NeedRank.SECONDARY in ranks:
            raise ValidationError(
                {
                    "rank": "A pupil has at most two ranked needs (one primary, one secondary): "
                    f"{ranks[NeedRank.SECONDARY].get_need_type_display()} is already secondary. "
                    "Record this one as another need, or end the secondary need first."
                }
            )
    if rank == NeedRank.OTHER and NeedRank.PRIMARY not in ranks:
        raise ValidationError({"rank": "Record the pupil's primary need first."})


@transaction.atomic
def create_need(
    pupil: Pupil,
    *,
    need_type: str,
    rank: str,
    recorded_by: Any,
    area: str = "",
    started_on: datetime.date | None = None,
    notes: str = "",
    census_code: str | None = None,
) -> PupilNeed:
    """Record a need without the permission check (for services that have already made it)."""
    started_on = started_on or today()
    check_not_future(started_on, "started_on", "The date the need was identified")
    check_new_need(pupil, need_type=need_type, rank=rank, census_code=census_code or current_census_code(pupil))
    area = _area_for(need_type, area)
    need = save_clean(
        PupilNeed(
            pupil=pupil,
            area=area,
            need_type=need_type,
            rank=rank,
            notes=notes.strip(),
            started_on=started_on,
            recorded_by=recorded_by,
        )
    )
    audit(
        actor=recorded_by,
        action=AuditAction.CREATE,
        obj=need,
        pupil_id=pupil.pk,
        fields=["area", "need_type", "rank", "started_on"],
    )
    return need


@transaction.atomic
def add_need(
    pupil: Pupil,
    *,
    need_type: str,
    rank: str,
    recorded_by: Any,
    area: str = "",
    started_on: datetime.date | None = None,
    notes: str = "",
) -> PupilNeed:
    """Record one of a pupil's needs (area of need and census type, ranked primary/secondary/other)."""
    require_edit_send_record(acting_roles(recorded_by))
    pupil = Pupil.objects.select_for_update().get(pk=pupil.pk)
    return create_need(
        pupil, need_type=need_type, rank=rank, recorded_by=recorded_by, area=area, started_on=started_on, notes=notes
    )


@transaction.atomic(durable=True)
def update_need(need: PupilNeed, *, changed_by: Any, notes: str) -> PupilNeed:
    """Change the notes on a need (its type and rank change by ending it or `make_primary_need`)."""
    require_edit_send_record(acting_roles(changed_by))
    need = PupilNeed.objects.select_for_update().get(pk=need.pk)
    need.notes = notes.strip()
    need.save(update_fields=["notes", "updated_at"])
    audit(actor=changed_by, action=AuditAction.UPDATE, obj=need, pupil_id=need.pupil_id, fields=["notes"])
    return need


@transaction.atomic(durable=True)
def end_need(need: PupilNeed, *, ended_by: Any, ended_on: datetime.date | None = None) -> PupilNeed:
    """End a need; if it was primary, the secondary need becomes primary (a pupil at K or E must keep one)."""
    require_edit_send_record(acting_roles(ended_by))
    Pupil.objects.select_for_update().get(pk=need.pupil_id)
    need = PupilNeed.objects.select_for_update().get(pk=need.pk)
    ended_on = ended_on or today()
    check_not_future(ended_on, "ended_on", "The end date")
    if need.ended_on is not None:
        raise ValidationError("This need has already ended.")
    if ended_on < need.started_on:
        raise ValidationError({"ended_on": "A need cannot end before it was identified."})
    promoted = None
    if need.rank == NeedRank.PRIMARY:
        promoted = PupilNeed.objects.filter(
            pupil_id=need.pupil_id, ended_on__isnull=True, rank=NeedRank.SECONDARY
        ).first()
        if promoted is None and current_census_code(need.pupil) in ON_REGISTER_CODES:
            raise ValidationError(
                "A pupil at SEN Support or with an EHC plan must have a primary need. "
                "Record the need that replaces this one, make it primary, then end this one."
            )
    need.ended_on = ended_on
    need.save(update_fields=["ended_on", "updated_at"])
    audit(actor=ended_by, action=AuditAction.UPDATE, obj=need, pupil_id=need.pupil_id, fields=["ended_on"])
    if promoted is not None:
        promoted.rank = NeedRank.PRIMARY
        promoted.save(update_fields=["rank", "updated_at"])
        audit(actor=ended_by, action=AuditAction.UPDATE, obj=promoted, pupil_id=need.pupil_id, fields=["rank"])
    return need


@transaction.atomic(durable=True)
def make_primary_need(need: PupilNeed, *, changed_by: Any) -> PupilNeed:
    """Make a current need primary; the old primary becomes secondary (any old secondary becomes "other")."""
    require_edit_send_record(acting_roles(changed_by))
    Pupil.objects.select_for_update().get(pk=need.pupil_id)
    need = PupilNeed.objects.select_for_update().get(pk=need.pk)
    if need.ended_on is not None:
        raise ValidationError("This need has ended; record it again as a current need first.")
    if need.rank == NeedRank.PRIMARY:
        return need
    current = PupilNeed.objects.filter(pupil_id=need.pupil_id, ended_on__isnull=True).exclude(pk=need.pk)
    primary = current.filter(rank=NeedRank.PRIMARY).first()
    secondary = current.filter(rank=NeedRank.SECONDARY).first()
    changed: list[PupilNeed] = []
    # Ranks are unique per pupil, so step through "other" to swap them.
    if primary is not None:
        primary.rank = NeedRank.OTHER
        primary.save(update_fields=["rank", "updated_at"])
    if secondary is not None:
        secondary.rank = NeedRank.OTHER
        secondary.save(update_fields=["rank", "updated_at"])
        changed.append(secondary)
    need.rank = NeedRank.PRIMARY
    need.save(update_fields=["rank", "updated_at"])
    changed.append(need)
    if primary is not None:
        primary.rank = NeedRank.SECONDARY
        primary.save(update_fields=["rank", "updated_at"])
        changed.append(primary)
    for each in changed:
        audit(actor=changed_by, action=AuditAction.UPDATE, obj=each, pupil_id=need.pupil_id, fields=["rank"])
    return need


@transaction.atomic
def end_nsa_needs(pupil: Pupil, *, on: datetime.date, ended_by: Any) -> None:
    """End any NSA need (used when a pupil leaves SEN Support, where NSA alone belongs)."""
    for need in PupilNeed.objects.filter(pupil_id=pupil.pk, ended_on__isnull=True, need_type=NeedType.NSA):
        need.ended_on = max(on, need.started_on)
        need.save(update_fields=["ended_on", "updated_at"])
        audit(actor=ended_by, action=AuditAction.UPDATE, obj=need, pupil_id=pupil.pk, fields=["ended_on"])


@transaction.atomic
def record_diagnosis(
    pupil: Pupil,
    *,
    recorded_by: Any,
    name: str,
    source: str,
    diagnosed_on: datetime.date | None = None,
    source_detail: str = "",
    notes: str = "",
) -> Diagnosis:
    """Record a diagnosis, when it was made and by which professional."""
    require_edit_send_record(acting_roles(recorded_by))
    check_choice(source, DiagnosisSource, "source", "who made the diagnosis")
    check_not_future(diagnosed_on, "diagnosed_on", "The date of diagnosis")
    diagnosis = save_clean(
        Diagnosis(
            pupil=pupil,
            name=require_text(name, "name", "Enter the diagnosis."),
            diagnosed_on=diagnosed_on,
            source=source,
            source_detail=source_detail.strip(),
            notes=notes.strip(),
            recorded_by=recorded_by,
        )
    )
    audit(actor=recorded_by, action=AuditAction.CREATE, obj=diagnosis, pupil_id=pupil.pk)
    return diagnosis
