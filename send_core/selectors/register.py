"""Reads about the SEND register: a pupil's stage, who is on it on a date, and its figures."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet

from ..disclosure import protect_counts
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


# --- Figures for the roles that see no child (governors, business managers) --------------------


def last_month_end(day: datetime.date) -> datetime.date:
    """The last day of a month on or before `day`: figures-only readers get the register at month ends,
    so that comparing one day with the next cannot point to a child who joined or left."""
    if (day + datetime.timedelta(days=1)).month != day.month:
        return day
    return day.replace(day=1) - datetime.timedelta(days=1)


@dataclass(frozen=True)
class ShownRegisterSummary:
    """The register's figures as a governor or business manager sees them: counts of 1 to 4 read
    "Fewer than 5", and a count that would give one away reads "Suppressed"."""

    on: datetime.date
    on_register: int | str
    by_stage: list[StageCount]
    by_census_code: dict[str, int | str]
    by_primary_need: list[NeedCount]


def register_figures_for_outsiders(summary: RegisterSummary) -> ShownRegisterSummary:
    """`summary` with small counts protected. The sums a reader could use: the register is its stages
    at K and E, and also K plus E; each code is its stages; and the register is its primary needs
    plus those with none recorded (never shown)."""
    cells: dict[str, int] = {"register": summary.on_register}
    cells.update({f"code:{code}": count for code, count in summary.by_census_code.items()})
    cells.update({f"stage:{row.stage_key}": row.count for row in summary.by_stage})
    cells.update({f"need:{row.need_type}": row.count for row in summary.by_primary_need})
    cells["need:none recorded"] = summary.on_register - sum(row.count for row in summary.by_primary_need)
    on_register_codes = [f"code:{code}" for code in ON_REGISTER_CODES]
    sums = [
        ("register", on_register_codes),
        ("register", [f"stage:{row.stage_key}" for row in summary.by_stage if row.census_code in ON_REGISTER_CODES]),
        ("register", [name for name in cells if name.startswith("need:")]),
    ]
    for code in CensusCode.values:
        sums.append((f"code:{code}", [f"stage:{r.stage_key}" for r in summary.by_stage if r.census_code == code]))
    shown = protect_counts(cells, sums, hidden=["need:none recorded"])
    needs = [replace(row, count=shown[f"need:{row.need_type}"]) for row in summary.by_primary_need]
    # Exact counts first, largest first; withheld ones after, by name (their order must not rank them).
    needs.sort(key=lambda row: (1, 0, row.need_type) if isinstance(row.count, str) else (0, -row.count, row.need_type))
    return ShownRegisterSummary(
        on=summary.on,
        on_register=shown["register"],
        by_stage=[replace(row, count=shown[f"stage:{row.stage_key}"]) for row in summary.by_stage],
        by_census_code={code: shown[f"code:{code}"] for code in summary.by_census_code},
        by_primary_need=needs,
    )
