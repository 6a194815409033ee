"""Every variable the README tells an operator to set is read from the environment."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Loads the settings with `os.environ` replaced by a mapping that notes every name asked for.
RECORDING_PROBE = """
import json, os
asked = set()
class Recording(dict):
    def get(self, key, default=None):
        asked.add(key)
        return super().get(key, default)
    def __getitem__(self, key):
        asked.add(key)
        return super().__getitem__(key)
    def __contains__(self, key):
        asked.add(key)
        return super().__contains__(key)
os.environ = Recording(os.environ)
import send_platform.settings
print("ASKED=" + json.dumps(sorted(asked)))
"""


def _documented_variables() -> set[str]:
    """The names in the README's Configuration table, and every `CAIRN_…` name anywhere in it."""
    text = (ROOT / "README.md").read_text()
    section = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    table = [line for line in section.splitlines() if line.startswith("| `")]
    names = {name for line in table for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", line.split("|")[1])}
    names |= set(re.findall(r"\bCAIRN_[A-Z0-9_]+\b", text))
    return names


def _launcher_variables() -> set[str]:
    """Names the `./cairn` script reads itself (the settings never need them)."""
    script = (ROOT / "cairn").read_text()
    return set(re.findall(r"\$\{?(CAIRN_[A-Z0-9_]+)", script))


def _settings_env() -> dict[str, str]:
    # A clean development environment: nothing a developer exported changes what is checked.
    return {k: v for k, v in os.environ.items() if not k.startswith("CAIRN_") or k == "CAIRN_TEST_RUN"}


def test_the_readme_lists_the_variables_this_test_checks():
    documented = _documented_variables()
    # The ones the security review found documented but never read, among them.
    assert {
        "CAIRN_DOCUMENT_MAX_BYTES",
        "CAIRN_GRAPHQL_INTROSPECTION",
        "CAIRN_REPORTING_DEBOUNCE_SECONDS",
        "CAIRN_REPORTING_JITTER_SECONDS",
        "CAIRN_REPORTING_BENCHMARK_MIN_SCHOOLS",
        "DATABASE_URL",
    } <= documented


def test_every_documented_variable_is_read_by_the_settings():
    result = subprocess.run(
        [sys.executable, "-c", RECORDING_PROBE],
        cwd=ROOT,
        env=_settings_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    asked = set(json.loads(result.stdout.split("ASKED=", 1)[1].splitlines()[0]))
    unread = _documented_variables() - asked - _launcher_variables()
    assert not unread, f"documented in README.md but never read by platform/settings.py: {sorted(unread)}"


def test_the_documented_reporting_and_document_values_take_effect():
    values = {
        "CAIRN_DOCUMENT_MAX_BYTES": "12345",
        "CAIRN_GRAPHQL_INTROSPECTION": "0",
        "CAIRN_REPORTING_DEBOUNCE_SECONDS": "17",
        "CAIRN_REPORTING_JITTER_SECONDS": "29",
        "CAIRN_REPORTING_BENCHMARK_MIN_SCHOOLS": "23",
    }
    names = sorted(values)
    probe = f"import json, send_platform.settings as s; print(json.dumps({{k: getattr(s, k) for k in {names!r}}}))"
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env=dict(_settings_env(), **values),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded == {
        "CAIRN_DOCUMENT_MAX_BYTES": 12345,
        "CAIRN_GRAPHQL_INTROSPECTION": False,  # development defaults to on: the variable turned it off
        "CAIRN_REPORTING_DEBOUNCE_SECONDS": 17,
        "CAIRN_REPORTING_JITTER_SECONDS": 29,
        "CAIRN_REPORTING_BENCHMARK_MIN_SCHOOLS": 23,
    }
