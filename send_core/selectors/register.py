"""Reads about the SEND register: a pupil's stage, who is on it on a date, and its figures."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet

from ..models import (
    ON_REGISTER_CODES,
    CensusCode,
    NeedRank,
    NeedType,
    ParentNotification,
    Pupil,
    PupilNeed,
    RegisterEntry,
)
from ..toolkit import current_toolkit
from .pupils import covering, send_record_pupils


def current_stage(pupil: Pupil) -> RegisterEntry | None:
    """The pupil's open register entry (their stage now), or None if they are not on it at all."""
    return RegisterEntry.objects.filter(pupil_id=pupil.pk, ended_on__isnull=True).first()


def register_history(pupil: Pupil) -> QuerySet[RegisterEntry]:
    """Every register entry the pupil has had, oldest first."""
    return RegisterEntry.objects.filter(pupil_id=pupil.pk).order_by("started_on", "id")


def parent_notifications_for(pupil: Pupil) -> QuerySet[ParentNotification]:
    """What parents were told about SEN provision starting and ending, newest first."""
    return ParentNotification.objects.filter(pupil_id=pupil.pk)


def register_on(day: datetime.date, *, user: Any, roles: frozenset[str]) -> QuerySet[RegisterEntry]:
    """Who is on the SEN register (SEN Support or EHC plan) on `day`: their entries, with pupil and class, in name order."""
    return (
        RegisterEntry.objects.filter(
            covering(day),
            census_code__in=ON_REGISTER_CODES,
            pupil__in=send_record_pupils(user, roles),
        )
        .select_related("pupil", "pupil__school_class")
        .order_by("pupil__last_name", "pupil__legal_first_name", "pupil_id")
    )


@dataclass(frozen=True)
class StageCount:
    stage_key: str
    label: str
    census_code: str
    count: int


@dataclass(frozen=True)
class NeedCount:
    need_type: str
    label: str
    count: int


@dataclass(frozen=True)
class RegisterSummary:
    """The register on a date as figures only: no pupil is named or identified."""

    on: datetime.date
    by_stage: list[StageCount]
    by_census_code: dict[str, int]
    by_primary_need: list[NeedCount]

    @property
    def on_register(self) -> int:
        return sum(self.by_census_code.get(code, 0) for code in ON_REGISTER_CODES)


def register_summary(on: datetime.date) -> RegisterSummary:
    """Counts by stage and by primary type of need (for pupils on the register) on a date; numbers only."""
    toolkit = current_toolkit()
    rows = (
        RegisterEntry.objects.filter(covering(on))
        .values("stage_key", "stage_label", "census_code")
        .annotate(count=Count("pupil_id", distinct=True))
    )
    counts: dict[str, StageCount] = {}
    for row in rows:
        key = row["stage_key"]
        previous = counts.get(key)
        counts[key] = StageCount(
            stage_key=key,
            label=toolkit.label_for(key, row["stage_label"]),
            census_code=row["census_code"],
            count=row["count"] + (previous.count if previous else 0),
        )
    # The toolkit's stages in order (with zeros), then any stage from an earlier toolkit.
    by_stage = [
        counts.pop(stage.key, StageCount(stage.key, stage.label, stage.census_code, 0)) for stage in toolkit.stages
    ]
    by_stage += sorted(counts.values(), key=lambda c: c.stage_key)
    by_code = {code: 0 for code in CensusCode.values}
    for count in by_stage:
        by_code[count.census_code] += count.count

    on_register = RegisterEntry.objects.filter(
        covering(on), census_code__in=ON_REGISTER_CODES, pupil_id=OuterRef("pupil_id")
    )
    needs = (
        PupilNeed.objects.filter(covering(on), Exists(on_register), rank=NeedRank.PRIMARY)
        .values("need_type")
        .annotate(count=Count("pupil_id", distinct=True))
        .order_by("need_type")
    )
    by_need = sorted(
        (NeedCount(row["need_type"], NeedType(row["need_type"]).label, row["count"]) for row in needs),
        key=lambda c: (-c.count, c.need_type),
    )
    return RegisterSummary(on=on, by_stage=by_stage, by_census_code=by_code, by_primary_need=by_need)
