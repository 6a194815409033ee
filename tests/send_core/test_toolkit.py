"""Toolkits: the national default, a registry others add to, and the school's (or its LA's) choice."""

import ast
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from send_core.models import CensusCode
from send_core.toolkit import (
    NATIONAL_DEFAULT,
    TOOLKITS,
    Stage,
    Toolkit,
    national_toolkit,
    register_toolkit,
    toolkit_for,
    unregister_toolkit,
)

ROOT = Path(__file__).resolve().parents[2]


def test_the_national_default():
    assert [(s.key, s.census_code, s.label) for s in NATIONAL_DEFAULT.stages] == [
        ("monitoring", "N", "Monitoring (first concerns)"),
        ("sen_support", "K", "SEN Support"),
        ("ehc_plan", "E", "EHC plan"),
    ]
    assert NATIONAL_DEFAULT.max_outcomes is None and NATIONAL_DEFAULT.reviews_per_year == 3
    assert NATIONAL_DEFAULT.monitoring_stage.key == "monitoring"
    assert NATIONAL_DEFAULT.first_stage_for(CensusCode.SEN_SUPPORT).key == "sen_support"
    assert any(item.key == "parent_views" and item.required for item in NATIONAL_DEFAULT.ehc_evidence)
    assert NATIONAL_DEFAULT.as_dict()["stages"][1]["census_code"] == "K"


def test_a_toolkit_must_make_sense():
    with pytest.raises(ValueError, match="needs a monitoring stage"):
        Toolkit("x", "X", (Stage("a", "A", "", "K"),), "Plan", ())
    with pytest.raises(ValueError, match="unknown census code"):
        Toolkit("x", "X", (Stage("a", "A", "", "Z"),), "Plan", ())
    with pytest.raises(ValidationError, match="has no stage called 'nope'"):
        NATIONAL_DEFAULT.stage("nope")


def test_schools_use_their_own_toolkit_else_their_las_else_the_default(school_a, la):
    local = Toolkit(
        "westmere", "Westmere", NATIONAL_DEFAULT.stages, "One Plan", NATIONAL_DEFAULT.plan_sections, max_outcomes=4
    )
    register_toolkit(local)
    try:
        assert toolkit_for(school_a) is national_toolkit() is TOOLKITS["national"]
        la.toolkit = "westmere"
        la.save()
        school_a.refresh_from_db()
        assert toolkit_for(school_a) is local
        school_a.toolkit = "unknown-kit"
        assert toolkit_for(school_a) is national_toolkit() is TOOLKITS["national"]
    finally:
        unregister_toolkit("westmere")
    unregister_toolkit("national")
    assert "national" in TOOLKITS


def test_send_core_imports_neither_integrations_nor_the_reporting_api():
    for path in (ROOT / "send_core").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in {"integrations", "send_graphql"}, f"{path} imports {name}"
