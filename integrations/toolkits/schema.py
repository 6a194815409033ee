"""The shape of a declarative toolkit file, checked field by field.

A file (TOML or JSON) holds one toolkit:

    key, name, description, la_codes            who it is and which LAs use it
    plan_name, max_outcomes, reviews_per_year   the plan and its limits
    [[stages]]          key, label, description, census_code (N, K or E), in order; census_code_until_plan
                        ("K") for a stage that starts with the request for an EHC needs assessment
    [[plan_sections]]   key (a plan field, or outcomes/provision), label
    [[ehc_evidence]]    key, label, required, minimum (how many records make it held; 1 unless set)
    [descriptors.<area>]  levels = [{key, label, need, provision, stage}]  for each broad area
    [ui_wording]        words the pages show in place of the national ones
    [settings]          on/off settings Cairn knows (send_core.toolkit.TOOLKIT_SETTINGS)

Every problem is reported as `<file>: <field path>: <what is wrong>`, e.g.
`essex.toml: stages[2].census_code: must be one of N, K, E (got "X")`.
"""

from __future__ import annotations

import re
from typing import Any

from send_core.models import AreaOfNeed, CensusCode
from send_core.toolkit import (
    DEFAULT_UI_WORDING,
    TOOLKIT_SETTINGS,
    AreaDescriptors,
    DescriptorLevel,
    EvidenceItem,
    PlanSection,
    Stage,
    Toolkit,
)

# The sections a plan can have: the plan's own text fields, its outcomes and its provision.
PLAN_SECTION_KEYS = (
    "child_views",
    "parent_views",
    "strengths",
    "needs_summary",
    "outcomes",
    "strategies",
    "provision",
)
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_-]{0,49}$")
LA_CODE_PATTERN = re.compile(r"^\d{3}$")

TOP_LEVEL_FIELDS = {
    "key",
    "name",
    "description",
    "la_codes",
    "plan_name",
    "max_outcomes",
    "reviews_per_year",
    "stages",
    "plan_sections",
    "ehc_evidence",
    "descriptors",
    "ui_wording",
    "settings",
}


class ToolkitFileError(ValueError):
    """A declarative toolkit that cannot be used, naming the file and the field at fault."""

    def __init__(self, source: str, field: str, problem: str):
        self.source = source
        self.field = field
        self.problem = problem
        super().__init__(f"{source}: {field}: {problem}")


class _Checker:
    def __init__(self, source: str):
        self.source = source

    def fail(self, field: str, problem: str) -> ToolkitFileError:
        return ToolkitFileError(self.source, field, problem)

    def table(self, value: Any, field: str, allowed: set[str], required: set[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(field, f"must be a table of fields (got {type(value).__name__})")
        unknown = sorted(set(value) - allowed)
        if unknown:
            raise self.fail(
                f"{field}.{unknown[0]}" if field else unknown[0],
                f"unknown field (expected one of {', '.join(sorted(allowed))})",
            )
        for name in sorted(required):
            if name not in value:
                raise self.fail(f"{field}.{name}" if field else name, "is required")
        return value

    def text(self, value: Any, field: str, *, required: bool = True, max_length: int = 2000) -> str:
        if value is None and not required:
            return ""
        if not isinstance(value, str):
            raise self.fail(field, f"must be text (got {type(value).__name__})")
        text = value.strip()
        if required and not text:
            raise self.fail(field, "must not be empty")
        if len(text) > max_length:
            raise self.fail(field, f"must be at most {max_length} characters (got {len(text)})")
        return text

    def key(self, value: Any, field: str) -> str:
        text = self.text(value, field, max_length=50)
        if not KEY_PATTERN.match(text):
            raise self.fail(
                field,
                f"must be a short key of lower-case letters, digits, '_' or '-', starting with a letter (got {text!r})",
            )
        return text

    def integer(self, value: Any, field: str, *, minimum: int, maximum: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(field, f"must be a whole number (got {value!r})")
        if not minimum <= value <= maximum:
            raise self.fail(field, f"must be between {minimum} and {maximum} (got {value})")
        return value

    def boolean(self, value: Any, field: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(field, f"must be true or false (got {value!r})")
        return value

    def array(self, value: Any, field: str, *, min_items: int = 0) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(field, f"must be a list (got {type(value).__name__})")
        if len(value) < min_items:
            raise self.fail(field, f"must have at least {min_items} item{'s' if min_items != 1 else ''}")
        return value

    def unique(self, keys: list[str], field: str) -> None:
        seen: set[str] = set()
        for index, key in enumerate(keys):
            if key in seen:
                raise self.fail(f"{field}[{index}].key", f"repeats the key {key!r}")
            seen.add(key)


def toolkit_from_data(data: Any, *, source: str) -> Toolkit:
    """Build a Toolkit from a file's parsed contents; ToolkitFileError naming the field if anything is wrong."""
    check = _Checker(source)
    data = check.table(data, "", TOP_LEVEL_FIELDS, {"key", "name", "plan_name", "stages", "plan_sections"})

    key = check.key(data["key"], "key")
    name = check.text(data["name"], "name", max_length=150)
    description = check.text(data.get("description"), "description", required=False)
    la_codes = []
    for index, code in enumerate(check.array(data.get("la_codes", []), "la_codes")):
        text = check.text(code, f"la_codes[{index}]", max_length=3)
        if not LA_CODE_PATTERN.match(text):
            raise check.fail(f"la_codes[{index}]", f"must be a 3-digit LA code (got {text!r})")
        la_codes.append(text)

    plan_name = check.text(data["plan_name"], "plan_name", max_length=100)
    max_outcomes = data.get("max_outcomes")
    if max_outcomes is not None:
        max_outcomes = check.integer(max_outcomes, "max_outcomes", minimum=1, maximum=50)
    reviews_per_year = check.integer(data.get("reviews_per_year", 3), "reviews_per_year", minimum=1, maximum=12)

    stages = []
    for index, raw in enumerate(check.array(data["stages"], "stages", min_items=1)):
        field = f"stages[{index}]"
        raw = check.table(
            raw,
            field,
            {"key", "label", "description", "census_code", "census_code_until_plan"},
            {"key", "label", "census_code"},
        )
        code = check.text(raw["census_code"], f"{field}.census_code", max_length=1)
        if code not in CensusCode.values:
            raise check.fail(f"{field}.census_code", f"must be one of {', '.join(CensusCode.values)} (got {code!r})")
        until_plan = ""
        if "census_code_until_plan" in raw:
            until_plan = check.text(raw["census_code_until_plan"], f"{field}.census_code_until_plan", max_length=1)
            # School census guide: E is only for a pupil with an EHC plan; while an assessment is
            # requested or under way the pupil stays at SEN Support, K.
            if code != CensusCode.EHC_PLAN or until_plan != CensusCode.SEN_SUPPORT:
                raise check.fail(
                    f"{field}.census_code_until_plan",
                    "is only for a stage reported as E once a plan is issued, and must be K until then "
                    f"(got census_code {code!r}, census_code_until_plan {until_plan!r})",
                )
        stages.append(
            Stage(
                key=check.key(raw["key"], f"{field}.key"),
                label=check.text(raw["label"], f"{field}.label", max_length=100),
                description=check.text(raw.get("description"), f"{field}.description", required=False),
                census_code=code,
                census_code_until_plan=until_plan,
            )
        )
    check.unique([stage.key for stage in stages], "stages")
    if not any(stage.census_code == CensusCode.NONE for stage in stages):
        raise check.fail("stages", "needs a monitoring stage (census_code N), where pupils go on leaving SEN provision")
    stage_keys = {stage.key for stage in stages}

    sections = []
    for index, raw in enumerate(check.array(data["plan_sections"], "plan_sections", min_items=1)):
        field = f"plan_sections[{index}]"
        raw = check.table(raw, field, {"key", "label"}, {"key", "label"})
        section_key = check.key(raw["key"], f"{field}.key")
        if section_key not in PLAN_SECTION_KEYS:
            raise check.fail(f"{field}.key", f"must be one of {', '.join(PLAN_SECTION_KEYS)} (got {section_key!r})")
        sections.append(PlanSection(section_key, check.text(raw["label"], f"{field}.label", max_length=100)))
    check.unique([section.key for section in sections], "plan_sections")
    if "outcomes" not in {section.key for section in sections}:
        raise check.fail("plan_sections", "must include the outcomes section")

    evidence = []
    for index, raw in enumerate(check.array(data.get("ehc_evidence", []), "ehc_evidence")):
        field = f"ehc_evidence[{index}]"
        raw = check.table(raw, field, {"key", "label", "required", "minimum"}, {"key", "label"})
        evidence.append(
            EvidenceItem(
                key=check.key(raw["key"], f"{field}.key"),
                label=check.text(raw["label"], f"{field}.label", max_length=200),
                required=check.boolean(raw.get("required", True), f"{field}.required"),
                minimum=check.integer(raw.get("minimum", 1), f"{field}.minimum", minimum=1, maximum=12),
            )
        )
    check.unique([item.key for item in evidence], "ehc_evidence")

    descriptors = []
    raw_descriptors = check.table(data.get("descriptors", {}), "descriptors", set(AreaOfNeed.values), set())
    for area in AreaOfNeed.values:  # in the Code of Practice's order, whatever the file's
        if area not in raw_descriptors:
            continue
        field = f"descriptors.{area}"
        block = check.table(raw_descriptors[area], field, {"levels"}, {"levels"})
        levels = []
        for index, raw in enumerate(check.array(block["levels"], f"{field}.levels", min_items=2)):
            level_field = f"{field}.levels[{index}]"
            raw = check.table(
                raw, level_field, {"key", "label", "need", "provision", "stage"}, {"key", "label", "need", "provision"}
            )
            stage_key = ""
            if "stage" in raw:
                stage_key = check.key(raw["stage"], f"{level_field}.stage")
                if stage_key not in stage_keys:
                    raise check.fail(
                        f"{level_field}.stage",
                        f"names no stage of this toolkit (got {stage_key!r}; stages are {', '.join(sorted(stage_keys))})",
                    )
            levels.append(
                DescriptorLevel(
                    key=check.key(raw["key"], f"{level_field}.key"),
                    label=check.text(raw["label"], f"{level_field}.label", max_length=150),
                    need=check.text(raw["need"], f"{level_field}.need"),
                    provision=check.text(raw["provision"], f"{level_field}.provision"),
                    stage_key=stage_key,
                )
            )
        check.unique([level.key for level in levels], f"{field}.levels")
        descriptors.append(AreaDescriptors(area=area, levels=tuple(levels)))

    settings = {}
    raw_settings = check.table(data.get("settings", {}), "settings", set(TOOLKIT_SETTINGS), set())
    for setting_key, value in raw_settings.items():
        settings[setting_key] = check.boolean(value, f"settings.{setting_key}")

    wording = {}
    raw_wording = check.table(data.get("ui_wording", {}), "ui_wording", set(DEFAULT_UI_WORDING), set())
    for word_key, value in raw_wording.items():
        wording[word_key] = check.text(value, f"ui_wording.{word_key}", max_length=100)

    try:
        return Toolkit(
            key=key,
            name=name,
            stages=tuple(stages),
            plan_name=plan_name,
            plan_sections=tuple(sections),
            max_outcomes=max_outcomes,
            reviews_per_year=reviews_per_year,
            ehc_evidence=tuple(evidence),
            la_codes=tuple(la_codes),
            description=description,
            descriptors=tuple(descriptors),
            ui_wording=wording,
            settings=settings,
        )
    except ValueError as error:  # anything the checks above did not foresee
        raise check.fail("toolkit", str(error)) from error
