"""The built-in toolkits load from their declarative files and are checked field by field."""

from __future__ import annotations

import json
import tomllib

import pytest

from integrations.toolkits import BUILTIN_DIR, ToolkitFileError, load_builtin_toolkits, load_toolkit_file
from integrations.toolkits.loader import BUILTIN_FILES
from send_core.models import AreaOfNeed
from send_core.toolkit import NATIONAL_DEFAULT, TOOLKITS, national_toolkit

BUILTINS = {toolkit.key: toolkit for toolkit in load_builtin_toolkits()}


def test_every_builtin_loads_validates_and_is_registered_at_start_up():
    assert list(BUILTINS) == ["national", "essex", "cheshire_east", "manchester"]
    assert sorted(path.name for path in BUILTIN_DIR.iterdir() if path.suffix == ".toml") == sorted(BUILTIN_FILES)
    for key, toolkit in BUILTINS.items():
        assert TOOLKITS[key] == toolkit, f"{key} is not the registered toolkit"
        assert {stage.census_code for stage in toolkit.stages} == {"N", "K", "E"}
        assert "outcomes" in {section.key for section in toolkit.plan_sections}
        assert toolkit.ehc_evidence and any(item.key == "parent_views" for item in toolkit.ehc_evidence)
        # Descriptors in every broad area, 3 or 4 levels each, each with need and provision.
        assert [block.area for block in toolkit.descriptors] == list(AreaOfNeed.values)
        for block in toolkit.descriptors:
            assert 3 <= len(block.levels) <= 4, (key, block.area)
            assert all(level.need and level.provision and level.stage_key for level in block.levels)


@pytest.mark.parametrize(
    ("key", "stages", "plan_name", "max_outcomes", "la_codes"),
    [
        (
            "national",
            [("Monitoring (first concerns)", "N"), ("SEN Support", "K"), ("EHC plan", "E")],
            "SEN Support Plan",
            None,
            (),
        ),
        (
            "essex",
            [
                ("High Quality Teaching", "N"),
                ("Additional School Intervention and Support", "K"),
                ("High Need", "K"),
                ("EHC plan", "E"),
            ],
            "One Plan",
            None,
            ("881",),
        ),
        (
            "cheshire_east",
            # Step 3 begins with the request for an assessment: E once the plan is issued, K until then.
            [("Step 1: Discussion Form", "N"), ("Step 2: SEN Support Plan", "K"), ("Step 3: Education, Health and Care Plan", "E")],
            "SEN Support Plan",
            None,
            ("895",),
        ),
        (
            "manchester",
            [("Cause for concern (monitoring)", "N"), ("SEN Support", "K"), ("EHC plan", "E")],
            "Pupil Passport",
            4,
            ("352",),
        ),
    ],
)
def test_the_stage_maps_and_plans_of_the_builtins(key, stages, plan_name, max_outcomes, la_codes):
    toolkit = BUILTINS[key]
    assert [(stage.label, stage.census_code) for stage in toolkit.stages] == stages
    assert toolkit.plan_name == plan_name and toolkit.max_outcomes == max_outcomes
    assert toolkit.la_codes == la_codes and toolkit.reviews_per_year == 3
    assert toolkit.monitoring_stage == toolkit.stages[0]


def test_the_declarative_national_default_agrees_with_send_cores_own():
    national = BUILTINS["national"]
    assert national is not NATIONAL_DEFAULT and national_toolkit() == national
    for name in ("key", "stages", "plan_name", "plan_sections", "max_outcomes", "reviews_per_year", "ehc_evidence"):
        assert getattr(national, name) == getattr(NATIONAL_DEFAULT, name), name


def test_toolkit_wording_shows_on_the_pages_words():
    assert BUILTINS["cheshire_east"].wording("concern_form") == "Discussion Form"
    assert BUILTINS["cheshire_east"].wording("monitoring_register") == "First concerns register"
    assert BUILTINS["manchester"].wording("outcomes") == "key targets"
    assert BUILTINS["manchester"].outcome_limit_message() == "A Pupil Passport can hold at most 4 key targets."
    assert BUILTINS["national"].wording("concern_form") == "Record of concern"
    # Essex's document names no concern form of its own, so none is invented for it.
    assert BUILTINS["essex"].as_dict()["ui_wording"]["concern_form"] == "Record of concern"


# --- Broken files --------------------------------------------------------------------------------


def _national_data() -> dict:
    return tomllib.loads((BUILTIN_DIR / "national.toml").read_text())


def _break(data: dict, path: str, value) -> dict:
    """Set (or, with value ..., delete) a dotted/indexed path such as stages.1.census_code."""
    *parents, last = path.split(".")
    target = data
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    if value is ...:
        del target[int(last) if last.isdigit() else last]
    elif last.isdigit():
        target[int(last)] = value
    else:
        target[last] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "field", "problem"),
    [
        ("stages.1.census_code", "X", "stages[1].census_code", "must be one of N, K, E"),
        # Only an E stage can be K before its plan (the census's E needs a plan), and only K.
        ("stages.1.census_code_until_plan", "K", "stages[1].census_code_until_plan", "only for a stage reported as E"),
        ("stages.2.census_code_until_plan", "N", "stages[2].census_code_until_plan", "must be K until then"),
        ("plan_name", ..., "plan_name", "is required"),
        ("plan_name", "  ", "plan_name", "must not be empty"),
        ("max_outcomes", 0, "max_outcomes", "between 1 and 50"),
        ("max_outcomes", "four", "max_outcomes", "whole number"),
        ("reviews_per_year", 0, "reviews_per_year", "between 1 and 12"),
        ("stages.0.census_code", "K", "stages", "needs a monitoring stage"),
        ("stages.2.key", "monitoring", "stages[2].key", "repeats the key 'monitoring'"),
        ("stages.2.key", "EHC Plan!", "stages[2].key", "short key"),
        ("plan_sections.0.key", "wishes", "plan_sections[0].key", "must be one of child_views"),
        ("la_codes", ["88"], "la_codes[0]", "3-digit LA code"),
        ("descriptors.semh.levels.1.provision", ..., "descriptors.semh.levels[1].provision", "is required"),
        ("descriptors.semh.levels.1.stage", "wave_9", "descriptors.semh.levels[1].stage", "names no stage"),
        ("descriptors.feelings", {"levels": []}, "descriptors.feelings", "unknown field"),
        ("ui_wording.concern_from", "Typo", "ui_wording.concern_from", "unknown field"),
        ("plan_nmae", "One Plan", "plan_nmae", "unknown field"),
        ("ehc_evidence.0.required", "yes", "ehc_evidence[0].required", "true or false"),
        ("ehc_evidence.1.minimum", 0, "ehc_evidence[1].minimum", "between 1 and 12"),
        ("settings", {"two_cycles_required": True}, "settings.two_cycles_required", "unknown field"),
        ("settings", {"plan_needs_agency_at_sen_support": "yes"}, "settings.plan_needs_agency_at_sen_support", "true or false"),
    ],
)
def test_a_broken_file_names_the_file_and_the_field(tmp_path, path, value, field, problem):
    file = tmp_path / "westmere.json"
    file.write_text(json.dumps(_break(_national_data(), path, value)))
    with pytest.raises(ToolkitFileError) as error:
        load_toolkit_file(file)
    assert error.value.source == "westmere.json" and error.value.field == field
    assert str(error.value).startswith(f"westmere.json: {field}: ")
    assert problem in error.value.problem


def test_a_file_that_is_not_toml_or_json_is_refused_clearly(tmp_path):
    bad = tmp_path / "westmere.toml"
    bad.write_text('key = "westmere"\nname = \n')
    with pytest.raises(ToolkitFileError, match=r"^westmere\.toml: file: is not valid TOML"):
        load_toolkit_file(bad)
    yaml = tmp_path / "westmere.yaml"
    yaml.write_text("key: westmere")
    with pytest.raises(ToolkitFileError, match=r"^westmere\.yaml: file: must be a \.toml or \.json file"):
        load_toolkit_file(yaml)
    with pytest.raises(ToolkitFileError, match=r"^missing\.toml: file: cannot be read"):
        load_toolkit_file(tmp_path / "missing.toml")


def test_a_json_toolkit_loads_like_a_toml_one(tmp_path):
    data = _national_data()
    data.update(key="westmere", name="Westmere", la_codes=["870"], max_outcomes=6)
    file = tmp_path / "westmere.json"
    file.write_text(json.dumps(data))
    toolkit = load_toolkit_file(file)
    assert toolkit.key == "westmere" and toolkit.max_outcomes == 6 and toolkit.la_codes == ("870",)
    assert toolkit.descriptors == BUILTINS["national"].descriptors


def test_the_toolkits_say_what_their_las_documents_say():
    cheshire, manchester, national, essex = (BUILTINS[k] for k in ("cheshire_east", "manchester", "national", "essex"))
    # Cheshire East: the LA's planned move of First Concerns pupils to SEN Support is recorded, not in force.
    assert cheshire.setting("first_concerns_profile_to_sen_support") is False
    assert [s["key"] for s in cheshire.as_dict()["settings"]] == ["first_concerns_profile_to_sen_support"]
    assert cheshire.monitoring_stage.key == "step_1" and cheshire.monitoring_stage.census_code == "N"
    step_3 = cheshire.stage("step_3")
    assert step_3.census_code_for(has_ehc_plan=False) == "K" and step_3.census_code_for(has_ehc_plan=True) == "E"
    # Manchester: a Pupil Passport waits for outside-agency involvement at SEN Support.
    assert manchester.setting("plan_needs_agency_at_sen_support") is True
    assert not national.setting("plan_needs_agency_at_sen_support")
    # National: the Code of Practice sets no number of cycles, so the checklist claims none.
    reviews = next(item for item in national.ehc_evidence if item.key == "reviews")
    assert "two" not in reviews.label and reviews.minimum == 1
    # Essex: its own stage names, and no wording of its own where its document has none.
    assert [stage.label for stage in essex.stages][:3] == [
        "High Quality Teaching",
        "Additional School Intervention and Support",
        "High Need",
    ]
    assert set(essex.ui_wording) == {"descriptors"}
