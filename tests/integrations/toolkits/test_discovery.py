"""Toolkits are found as built-ins and through the `cairn.toolkits` entry points; bad plugins are skipped."""

from __future__ import annotations

import logging
from importlib.metadata import EntryPoint

import pytest

from integrations.toolkits import registry
from integrations.toolkits.registry import ENTRY_POINT_GROUP, discover_toolkits, install_toolkits
from send_core.toolkit import TOOLKITS


def _entry_point(name: str, value: str) -> EntryPoint:
    return EntryPoint(name=name, value=value, group=ENTRY_POINT_GROUP)


def test_discovery_finds_the_installed_sample_package(sample_toolkit_installed):
    discovery = discover_toolkits()
    found = {item.toolkit.key: item for item in discovery.found}
    assert list(found)[:4] == ["national", "essex", "cheshire_east", "manchester"]
    assert all(found[key].builtin for key in ("national", "essex", "cheshire_east", "manchester"))

    python_kit = found["sample-python"]
    assert not python_kit.builtin and "cairn-sample-toolkit 0.1.0" in python_kit.source
    assert python_kit.toolkit.plan_name == "Pathway Plan" and python_kit.toolkit.max_outcomes == 5
    assert python_kit.toolkit.wording("concern_form") == "Pathway concern"

    file_kit = found["sample-file"].toolkit  # the entry point names a declarative file
    assert [stage.label for stage in file_kit.stages] == ["Step A: noticing", "Step B: planning", "Step C: EHC plan"]
    assert file_kit.plan_name == "Steps Plan" and file_kit.reviews_per_year == 2
    assert not discovery.skipped


def test_a_bad_third_party_toolkit_is_logged_and_skipped(caplog):
    entry_points = [
        _entry_point("not-a-toolkit", "tests.integrations.toolkits.bad_plugins:NOT_A_TOOLKIT"),
        _entry_point("missing-file", "tests.integrations.toolkits.bad_plugins:MISSING_FILE"),
        _entry_point("no-module", "cairn_no_such_plugin:TOOLKIT"),
        _entry_point("explodes", "tests.integrations.toolkits.bad_plugins:explode"),
        _entry_point("essex-again", "tests.integrations.toolkits.bad_plugins:TAKES_THE_ESSEX_KEY"),
        _entry_point("good", "tests.integrations.toolkits.bad_plugins:make_toolkit"),
    ]
    with caplog.at_level(logging.WARNING, logger="integrations.toolkits.registry"):
        discovery = discover_toolkits(entry_points=entry_points)
    assert [item.toolkit.key for item in discovery.found][-1] == "made-by-a-function"
    assert discovery.toolkits["essex"].name == "Essex Provision Guidance"  # the built-in keeps its key
    reasons = {skipped.source.split("entry point ")[1].split(" =")[0]: skipped.reason for skipped in discovery.skipped}
    assert set(reasons) == {"not-a-toolkit", "missing-file", "no-module", "explodes", "essex-again"}
    assert "not a Toolkit or the path of a toolkit file" in reasons["not-a-toolkit"]
    assert "westmere.toml: file: cannot be read" in reasons["missing-file"]
    assert reasons["no-module"].startswith("ModuleNotFoundError")
    assert "the plugin's own bug" in reasons["explodes"]
    assert "already used by the toolkit built in (essex.toml)" in reasons["essex-again"]
    assert len([r for r in caplog.records if "skipped" in r.getMessage()]) == 5


def test_install_registers_each_toolkit_once_and_start_up_survives_a_bad_plugin(monkeypatch):
    bad_and_good = [
        _entry_point("explodes", "tests.integrations.toolkits.bad_plugins:explode"),
        _entry_point("good", "tests.integrations.toolkits.bad_plugins:make_toolkit"),
    ]
    monkeypatch.setattr(
        registry.metadata, "entry_points", lambda group: bad_and_good if group == ENTRY_POINT_GROUP else []
    )
    assert install_toolkits() is None  # already done when the app was ready
    try:
        discovery = install_toolkits(force=True)
        assert TOOLKITS["made-by-a-function"].plan_name == "Function Plan"
        assert registry.TOOLKIT_SOURCES["made-by-a-function"].endswith(
            "(entry point good = tests.integrations.toolkits.bad_plugins:make_toolkit)"
        )
        assert len(discovery.skipped) == 1 and {"national", "essex", "cheshire_east", "manchester"} <= set(TOOLKITS)
    finally:
        TOOLKITS.pop("made-by-a-function", None)
        registry.TOOLKIT_SOURCES.pop("made-by-a-function", None)


@pytest.mark.parametrize("key", ["national", "essex", "cheshire_east", "manchester"])
def test_the_registered_builtins_say_where_they_came_from(key):
    assert registry.TOOLKIT_SOURCES[key].startswith("built in (")
