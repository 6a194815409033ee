"""Toolkits: how a school's graduated approach is laid out.

A toolkit names the register stages (each mapped to a census SEN provision code), what the
plan is called and which sections it has, how many outcomes a plan may hold, how often plans
are reviewed, and the evidence an EHC needs-assessment request must carry.

The national Code of Practice default is built in. Local toolkits are registered from outside
send_core with `register_toolkit`; send_core never imports them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from .models.register import CensusCode


@dataclass(frozen=True)
class Stage:
    """One step of the graduated approach, and the census code it is reported under."""

    key: str
    label: str
    description: str
    census_code: str  # CensusCode: N, K or E


@dataclass(frozen=True)
class PlanSection:
    """A section of the toolkit's plan; `key` names the SupportPlan field (or `outcomes`/`provision`)."""

    key: str
    label: str


@dataclass(frozen=True)
class EvidenceItem:
    """One kind of evidence an EHC needs-assessment request should carry."""

    key: str
    label: str
    required: bool = True


@dataclass(frozen=True)
class Toolkit:
    """A graduated-approach toolkit: stages, plan shape, review cadence and EHC evidence."""

    key: str
    name: str
    stages: tuple[Stage, ...]
    plan_name: str
    plan_sections: tuple[PlanSection, ...]
    max_outcomes: int | None = None  # None: no cap
    reviews_per_year: int = 3
    ehc_evidence: tuple[EvidenceItem, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        keys = [stage.key for stage in self.stages]
        if len(set(keys)) != len(keys):
            raise ValueError(f"Toolkit {self.key!r} repeats a stage key")
        for stage in self.stages:
            if stage.census_code not in CensusCode.values:
                raise ValueError(f"Stage {stage.key!r} has unknown census code {stage.census_code!r}")
        if not any(stage.census_code == CensusCode.NONE for stage in self.stages):
            raise ValueError(f"Toolkit {self.key!r} needs a monitoring stage (census code N)")

    def stage(self, key: str) -> Stage:
        """The stage with this key; ValidationError if the toolkit has none."""
        for stage in self.stages:
            if stage.key == key:
                return stage
        labels = ", ".join(stage.label for stage in self.stages)
        raise ValidationError(f"{self.name} has no stage called {key!r}. Its stages are: {labels}.")

    def has_stage(self, key: str) -> bool:
        return any(stage.key == key for stage in self.stages)

    def label_for(self, key: str, default: str = "") -> str:
        """A stage's label, or `default` (history from an earlier toolkit keeps its own label)."""
        return next((stage.label for stage in self.stages if stage.key == key), default or key)

    @property
    def monitoring_stage(self) -> Stage:
        """The first census-N stage: where a pupil goes on leaving SEN provision."""
        return next(stage for stage in self.stages if stage.census_code == CensusCode.NONE)

    def first_stage_for(self, census_code: str) -> Stage:
        """The first stage reported under `census_code` (e.g. the SEN Support stage for K)."""
        for stage in self.stages:
            if stage.census_code == census_code:
                return stage
        raise ValidationError(f"{self.name} has no stage reported as census code {census_code}.")

    def outcome_limit_message(self) -> str:
        return f"A {self.plan_name} can hold at most {self.max_outcomes} outcomes."

    def as_dict(self) -> dict[str, Any]:
        """A plain description of the toolkit (for pages and the API)."""
        return {
            "key": self.key,
            "name": self.name,
            "stages": [vars(stage) for stage in self.stages],
            "plan_name": self.plan_name,
            "plan_sections": [vars(section) for section in self.plan_sections],
            "max_outcomes": self.max_outcomes,
            "reviews_per_year": self.reviews_per_year,
            "ehc_evidence": [vars(item) for item in self.ehc_evidence],
        }


NATIONAL_DEFAULT = Toolkit(
    key="national",
    name="SEND Code of Practice (national default)",
    stages=(
        Stage(
            "monitoring",
            "Monitoring (first concerns)",
            "A concern has been raised; high-quality teaching is adapted and progress is watched closely.",
            CensusCode.NONE,
        ),
        Stage(
            "sen_support",
            "SEN Support",
            "Special educational provision through the graduated approach: assess, plan, do, review.",
            CensusCode.SEN_SUPPORT,
        ),
        Stage(
            "ehc_plan",
            "EHC plan",
            "The local authority maintains an education, health and care plan for the pupil.",
            CensusCode.EHC_PLAN,
        ),
    ),
    plan_name="SEN Support Plan",
    plan_sections=(
        PlanSection("child_views", "The child's views"),
        PlanSection("parent_views", "Parents' and carers' views"),
        PlanSection("strengths", "Strengths and interests"),
        PlanSection("needs_summary", "Needs"),
        PlanSection("outcomes", "Outcomes"),
        PlanSection("strategies", "What works: strategies"),
        PlanSection("provision", "Provision"),
    ),
    max_outcomes=None,
    reviews_per_year=3,
    ehc_evidence=(
        EvidenceItem("plans", "Support plans with SMART outcomes"),
        EvidenceItem("reviews", "Reviews of at least two assess–plan–do–review cycles"),
        EvidenceItem("provision", "Provision made and its cost"),
        EvidenceItem("attainment", "Attainment and progress over time"),
        EvidenceItem("professional_advice", "Advice from professionals involved"),
        EvidenceItem("health", "Health information", required=False),
        EvidenceItem("parent_views", "Parents' views"),
        EvidenceItem("child_views", "The child's views"),
    ),
)

# Every toolkit Cairn knows, by key. Integrations add theirs with `register_toolkit`.
TOOLKITS: dict[str, Toolkit] = {NATIONAL_DEFAULT.key: NATIONAL_DEFAULT}


def register_toolkit(toolkit: Toolkit) -> None:
    """Make a toolkit available to schools whose organisation (or LA) names its key."""
    TOOLKITS[toolkit.key] = toolkit


def unregister_toolkit(key: str) -> None:
    """Remove a registered toolkit (the national default always stays)."""
    if key != NATIONAL_DEFAULT.key:
        TOOLKITS.pop(key, None)


def toolkit_for(organisation: Any) -> Toolkit:
    """The toolkit a school uses: its own choice, else its LA's, else the national default."""
    key = getattr(organisation, "toolkit", "") or ""
    if not key:
        la = (
            getattr(organisation, "local_authority", None)
            if getattr(organisation, "local_authority_id", None)
            else None
        )
        key = getattr(la, "toolkit", "") or ""
    return TOOLKITS.get(key, NATIONAL_DEFAULT)


def current_toolkit() -> Toolkit:
    """The toolkit of the organisation whose schema the connection is in now."""
    from .selectors.organisation import current_organisation

    return toolkit_for(current_organisation())
