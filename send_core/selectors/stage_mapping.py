"""Where each current register stage goes when a school's toolkit changes: the new toolkit's first
stage with the same census code, so the census never sees a change the school did not decide."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from ..models import RegisterEntry
from ..toolkit import Toolkit


@dataclass(frozen=True)
class StageMapping:
    """Pupils whose current stage moves from one label to another when the toolkit changes."""

    from_key: str
    from_label: str
    census_code: str
    to_key: str
    to_label: str
    pupils: int

    @property
    def changes(self) -> bool:
        return (self.from_key, self.from_label) != (self.to_key, self.to_label)


@dataclass(frozen=True)
class UnmappableStage:
    """Pupils at a census code the new toolkit has no stage for (the change is refused)."""

    label: str
    census_code: str
    pupils: int


def stage_mappings(rows: list[dict], to_toolkit: Toolkit) -> tuple[list[StageMapping], list[UnmappableStage]]:
    """Where each current stage goes: the new toolkit's first stage with the same census code."""
    first = {}
    for stage in to_toolkit.stages:
        first.setdefault(stage.census_code, stage)
    mappings, unmappable = [], []
    for row in rows:
        target = first.get(row["census_code"])
        if target is None:
            unmappable.append(UnmappableStage(row["stage_label"], row["census_code"], row["pupils"]))
            continue
        mappings.append(
            StageMapping(
                row["stage_key"], row["stage_label"], row["census_code"], target.key, target.label, row["pupils"]
            )
        )
    return mappings, unmappable


def current_stage_counts() -> list[dict]:
    """Open register entries of the current schema, grouped by stage (key, label, census code, pupils)."""
    return list(
        RegisterEntry.objects.filter(ended_on__isnull=True)
        .values("stage_key", "stage_label", "census_code")
        .annotate(pupils=Count("pupil_id"))
        .order_by("census_code", "stage_key", "stage_label")
    )
