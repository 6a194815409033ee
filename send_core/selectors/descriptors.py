"""Reads about descriptor levels and "matching provision to need".

For each broad area: the level of need the SENCO last recorded, the provision the school's
toolkit expects at that level, and what the pupil actually gets. Until provision groups (which
carry an area of need) arrive, "what the pupil gets" is the provision listed on the pupil's
active plan; plan provision lines carry no area, so every area with a recorded level is set
against the plan's provision as a whole, alongside the plan's outcomes in that area.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from ..models import (
    AreaOfNeed,
    NeedDescriptorLevel,
    PlanOutcome,
    PlanProvision,
    PlanStatus,
    Pupil,
    RegisterEntry,
    SupportPlan,
)
from ..toolkit import DescriptorLevel, Stage, Toolkit, current_toolkit


def descriptor_history(pupil: Pupil) -> QuerySet[NeedDescriptorLevel]:
    """Every descriptor level recorded for the pupil, by area, newest first, with who recorded it."""
    return NeedDescriptorLevel.objects.filter(pupil_id=pupil.pk).select_related("recorded_by")


def current_descriptor_levels(pupil: Pupil) -> dict[str, NeedDescriptorLevel]:
    """The newest level recorded in each area (areas never judged are absent)."""
    current: dict[str, NeedDescriptorLevel] = {}
    for record in NeedDescriptorLevel.objects.filter(pupil_id=pupil.pk):  # by area, newest first
        current.setdefault(record.area, record)
    return current


@dataclass(frozen=True)
class AreaMatch:
    """One broad area: the level recorded, what the toolkit expects at it, and what is in place."""

    area: str
    area_label: str
    recorded: NeedDescriptorLevel | None
    # The toolkit's level for the record; None when nothing is recorded, or it was recorded
    # under another toolkit whose level this one does not have (re-record it).
    level: DescriptorLevel | None
    levels: tuple[DescriptorLevel, ...]
    suggested_stage: Stage | None
    outcomes: tuple[PlanOutcome, ...]
    provision: tuple[PlanProvision, ...]

    @property
    def expected_provision(self) -> str:
        return self.level.provision if self.level else ""

    @property
    def recorded_under_another_toolkit(self) -> bool:
        return self.recorded is not None and self.level is None

    @property
    def needs_attention(self) -> bool:
        """A level is recorded but nothing on the active plan provides for it."""
        return self.recorded is not None and not self.provision


@dataclass(frozen=True)
class MatchingProvision:
    """The pupil's needs set against provision, area by area, under the school's toolkit."""

    pupil: Pupil
    toolkit: Toolkit
    plan: SupportPlan | None
    stage: RegisterEntry | None
    areas: tuple[AreaMatch, ...]
    provision_in_place: tuple[PlanProvision, ...]


def matching_provision(pupil: Pupil, *, toolkit: Toolkit | None = None) -> MatchingProvision:
    """Per area: recorded level, provision the toolkit expects at it, and the active plan's provision (5 queries).

    No permission check: callers check `require_view_send_record` first.
    """
    toolkit = toolkit or current_toolkit()
    current = current_descriptor_levels(pupil)
    plan = (
        SupportPlan.objects.filter(pupil_id=pupil.pk, status=PlanStatus.ACTIVE)
        .prefetch_related(
            Prefetch("outcomes", queryset=PlanOutcome.objects.order_by("order", "id")),
            Prefetch("provision", queryset=PlanProvision.objects.order_by("order", "id")),
        )
        .first()
    )
    outcomes = tuple(plan.outcomes.all()) if plan else ()
    provision = tuple(plan.provision.all()) if plan else ()
    stages = {stage.key: stage for stage in toolkit.stages}
    areas = []
    for area in AreaOfNeed:
        recorded = current.get(area.value)
        levels = toolkit.descriptors_for(area.value)
        level = None
        if recorded is not None and recorded.toolkit_key == toolkit.key:
            level = next((lv for lv in levels if lv.key == recorded.level_key), None)
        areas.append(
            AreaMatch(
                area=area.value,
                area_label=str(area.label),
                recorded=recorded,
                level=level,
                levels=levels,
                suggested_stage=stages.get(level.stage_key) if level and level.stage_key else None,
                outcomes=tuple(o for o in outcomes if o.area == area.value),
                provision=provision if recorded is not None else (),
            )
        )
    return MatchingProvision(
        pupil=pupil,
        toolkit=toolkit,
        plan=plan,
        stage=RegisterEntry.objects.filter(pupil_id=pupil.pk, ended_on__isnull=True).first(),
        areas=tuple(areas),
        provision_in_place=provision,
    )
