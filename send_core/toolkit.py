"""Toolkits: how a school's graduated approach is laid out.

A toolkit names the register stages (each mapped to a census SEN provision code), what the
plan is called and which sections it has, how many outcomes a plan may hold, how often plans
are reviewed, the evidence an EHC needs-assessment request must carry, descriptors of need per
broad area and level (with the provision expected at each level), and the wording the pages
use for things the toolkit names differently (a Cheshire East school's concern form is its
"Discussion Form").

The national Code of Practice default is built in. Local toolkits are registered from outside
send_core with `register_toolkit`; send_core never imports them. Whatever is registered under
the national key is the default for schools whose organisation and LA name no toolkit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from .models.needs import AreaOfNeed
from .models.register import CensusCode

# Wording the pages show for things a toolkit may name in its own way, with the national words.
DEFAULT_UI_WORDING: Mapping[str, str] = {
    # The form a teacher fills in when they first worry about a child (a Concern).
    "concern_form": "Record of concern",
    # The list of pupils being watched before (or after) SEN provision: census code N.
    "monitoring_register": "Monitoring register",
    # Pupils at SEN Support or with an EHC plan: census codes K and E.
    "sen_register": "SEN register",
    # What a plan works towards, one and many ("key target" in a Pupil Passport).
    "outcome": "outcome",
    "outcomes": "outcomes",
    # The toolkit's descriptors of need and the page that compares them with provision.
    "descriptors": "Descriptors of need",
    "matching_provision": "Matching provision to need",
    # The request a school sends to its LA.
    "ehc_request": "EHC needs assessment request",
}


@dataclass(frozen=True)
class Stage:
    """One step of the graduated approach, and the census code it is reported under."""

    key: str
    label: str
    description: str
    census_code: str  # CensusCode: N, K or E
    # For a stage that starts with the request for an EHC needs assessment (Cheshire East's Step 3):
    # the code it is reported under until the LA issues a plan ("K"); `census_code` ("E") after.
    census_code_until_plan: str = ""

    def census_code_for(self, *, has_ehc_plan: bool) -> str:
        """The census code of a pupil at this stage: E only with an EHC plan on record (school census guide)."""
        if self.census_code_until_plan and not has_ehc_plan:
            return self.census_code_until_plan
        return self.census_code


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
    # How many records make the item held: a toolkit asking for reviews of two cycles sets 2, so
    # one review is shown as one, not as the evidence asked for.
    minimum: int = 1


# Settings a toolkit may declare, with what each means. An LA's planned change is recorded as a
# setting (off) until it is in force.
TOOLKIT_SETTINGS: Mapping[str, str] = {
    # Cheshire East: pupils on a First Concerns Profile are to move to SEN Support once the LA
    # releases its guidance; until then they stay at Step 1 (monitoring, census N).
    "first_concerns_profile_to_sen_support": "Pupils on a First Concerns Profile move to SEN Support "
    "(the local authority's planned change, in force once its guidance is released)",
    # Manchester: a Pupil Passport is written for a pupil at SEN Support once outside agencies are involved.
    "plan_needs_agency_at_sen_support": "At SEN Support, a plan is written once an outside agency is involved",
}


@dataclass(frozen=True)
class DescriptorLevel:
    """One level of need in a broad area: what the need looks like and the provision expected for it.

    `stage_key` (optional) names the toolkit stage this level usually goes with.
    """

    key: str
    label: str
    need: str
    provision: str
    stage_key: str = ""


@dataclass(frozen=True)
class AreaDescriptors:
    """The levels of need a toolkit describes for one broad area (an AreaOfNeed value), lowest first."""

    area: str
    levels: tuple[DescriptorLevel, ...]

    @property
    def area_label(self) -> str:
        return str(AreaOfNeed(self.area).label)


@dataclass(frozen=True)
class Toolkit:
    """A graduated-approach toolkit: stages, plan shape, review cadence, EHC evidence, descriptors and wording."""

    key: str
    name: str
    stages: tuple[Stage, ...]
    plan_name: str
    plan_sections: tuple[PlanSection, ...]
    max_outcomes: int | None = None  # None: no cap
    reviews_per_year: int = 3
    ehc_evidence: tuple[EvidenceItem, ...] = field(default_factory=tuple)
    # LA codes (3 digits) of the local authorities that publish or use this toolkit.
    la_codes: tuple[str, ...] = field(default_factory=tuple)
    description: str = ""
    descriptors: tuple[AreaDescriptors, ...] = field(default_factory=tuple)
    # Words the pages show in place of DEFAULT_UI_WORDING (only the keys that differ).
    ui_wording: dict[str, str] = field(default_factory=dict, hash=False)
    # TOOLKIT_SETTINGS this toolkit declares, on or off (absent: off).
    settings: dict[str, bool] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        keys = [stage.key for stage in self.stages]
        if len(set(keys)) != len(keys):
            raise ValueError(f"Toolkit {self.key!r} repeats a stage key")
        for stage in self.stages:
            if stage.census_code not in CensusCode.values:
                raise ValueError(f"Stage {stage.key!r} has unknown census code {stage.census_code!r}")
        if not any(stage.census_code == CensusCode.NONE for stage in self.stages):
            raise ValueError(f"Toolkit {self.key!r} needs a monitoring stage (census code N)")
        if self.max_outcomes is not None and self.max_outcomes < 1:
            raise ValueError(f"Toolkit {self.key!r}: a plan must be allowed at least one outcome")
        if self.reviews_per_year < 1:
            raise ValueError(f"Toolkit {self.key!r}: plans must be reviewed at least once a year")
        unknown_settings = sorted(set(self.settings) - set(TOOLKIT_SETTINGS))
        if unknown_settings:
            raise ValueError(
                f"Toolkit {self.key!r} declares settings Cairn does not know: {', '.join(unknown_settings)}"
            )
        if any(item.minimum < 1 for item in self.ehc_evidence):
            raise ValueError(f"Toolkit {self.key!r}: an evidence item needs at least one record")
        unknown_words = sorted(set(self.ui_wording) - set(DEFAULT_UI_WORDING))
        if unknown_words:
            raise ValueError(f"Toolkit {self.key!r} names wording Cairn does not show: {', '.join(unknown_words)}")
        areas = [block.area for block in self.descriptors]
        if len(set(areas)) != len(areas):
            raise ValueError(f"Toolkit {self.key!r} describes an area of need twice")
        for block in self.descriptors:
            if block.area not in AreaOfNeed.values:
                raise ValueError(f"Toolkit {self.key!r} describes an unknown area of need {block.area!r}")
            level_keys = [level.key for level in block.levels]
            if len(set(level_keys)) != len(level_keys):
                raise ValueError(f"Toolkit {self.key!r} repeats a level in {block.area}")
            for level in block.levels:
                if level.stage_key and level.stage_key not in keys:
                    raise ValueError(
                        f"Toolkit {self.key!r}: level {level.key!r} in {block.area} names unknown stage {level.stage_key!r}"
                    )

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
        return f"A {self.plan_name} can hold at most {self.max_outcomes} {self.wording('outcomes')}."

    def wording(self, key: str) -> str:
        """What the pages call `key` under this toolkit (see DEFAULT_UI_WORDING)."""
        return self.ui_wording.get(key) or DEFAULT_UI_WORDING.get(key, key)

    @property
    def all_wording(self) -> dict[str, str]:
        """Every wording key with this toolkit's words (for templates: `toolkit.all_wording.concern_form`)."""
        return {key: self.wording(key) for key in DEFAULT_UI_WORDING}

    def descriptors_for(self, area: str) -> tuple[DescriptorLevel, ...]:
        """The levels this toolkit describes for a broad area, lowest first (empty if none)."""
        return next((block.levels for block in self.descriptors if block.area == area), ())

    def descriptor_level(self, area: str, level_key: str) -> DescriptorLevel:
        """One level of one area; ValidationError naming the levels there are if there is no such level."""
        levels = self.descriptors_for(area)
        for level in levels:
            if level.key == level_key:
                return level
        if not levels:
            area_label = AreaOfNeed(area).label if area in AreaOfNeed.values else area
            raise ValidationError({"area": f"{self.name} has no descriptors for {area_label}."})
        labels = ", ".join(level.label for level in levels)
        raise ValidationError({"level_key": f"Choose one of the levels {self.name} describes: {labels}."})

    def as_dict(self) -> dict[str, Any]:
        """A plain description of the toolkit (for pages and the API)."""
        return {
            "key": self.key,
            "name": self.name,
            "description": self.description,
            "la_codes": list(self.la_codes),
            "stages": [vars(stage) for stage in self.stages],
            "plan_name": self.plan_name,
            "plan_sections": [vars(section) for section in self.plan_sections],
            "max_outcomes": self.max_outcomes,
            "reviews_per_year": self.reviews_per_year,
            "ehc_evidence": [vars(item) for item in self.ehc_evidence],
            "descriptors": {block.area: [vars(level) for level in block.levels] for block in self.descriptors},
            "ui_wording": self.all_wording,
            "settings": [
                {"key": key, "meaning": meaning, "on": self.setting(key)}
                for key, meaning in TOOLKIT_SETTINGS.items()
                if key in self.settings
            ],
        }

    def setting(self, key: str) -> bool:
        """Whether the toolkit has this setting on (a setting it does not declare is off)."""
        return bool(self.settings.get(key, False))


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
        # The Code of Practice sets no number of cycles before a request: 9.14 asks for evidence of
        # relevant and purposeful action without expected progress. So none is claimed here.
        EvidenceItem("reviews", "Reviews of the assess–plan–do–review cycles held so far"),
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


def national_toolkit() -> Toolkit:
    """The toolkit registered under the national key (the built-in NATIONAL_DEFAULT until another replaces it)."""
    return TOOLKITS.get(NATIONAL_DEFAULT.key, NATIONAL_DEFAULT)


def toolkit_key_for(organisation: Any) -> str:
    """The key of the toolkit an organisation names: its own choice, else its LA's, else ""."""
    key = getattr(organisation, "toolkit", "") or ""
    if not key:
        la = (
            getattr(organisation, "local_authority", None)
            if getattr(organisation, "local_authority_id", None)
            else None
        )
        key = getattr(la, "toolkit", "") or ""
    return key


def toolkit_for(organisation: Any) -> Toolkit:
    """The toolkit a school uses: its own choice, else its LA's, else the national default.

    A key nobody has registered (a plugin since removed) falls back to the national default.
    """
    return TOOLKITS.get(toolkit_key_for(organisation)) or national_toolkit()


def current_toolkit() -> Toolkit:
    """The toolkit of the organisation whose schema the connection is in now."""
    from .selectors.organisation import current_organisation

    return toolkit_for(current_organisation())
