"""Architecture rules, checked by import-linter against pyproject.toml's contracts."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
# Each root package by its import name, and the folder it lives in (pyproject.toml's package-dir).
PACKAGES = {
    "send_core": "send_core",
    "tenants": "tenants",
    "integrations": "integrations",
    "send_platform": "platform",
    "send_graphql": "graphql",
}


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    # The working directory comes first on the path, so a copy there is linted, not the installed tree.
    environment = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=cwd, env=environment, capture_output=True, text=True, timeout=300
    )


def _copy_of_the_code(destination: Path) -> Path:
    """The packages under their import names, with pyproject.toml's contracts, to change freely."""
    ignore = shutil.ignore_patterns("__pycache__", "static", "templates", "*.pyc")
    for name, folder in PACKAGES.items():
        shutil.copytree(ROOT / folder, destination / name, ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", destination / "pyproject.toml")
    return destination


def test_import_contracts_hold():
    result = _lint_imports(ROOT)
    if result.returncode != 0:
        # The contract report is the failure message: which contract broke and through which import.
        pytest.fail(f"lint-imports found a broken contract:\n{result.stdout}{result.stderr}", pytrace=False)


def test_the_contracts_would_catch_the_domain_importing_an_integration(tmp_path):
    # The rule is real: a module in send_core importing integrations breaks it. The probe goes into a
    # copy of the code, so tests running at the same time never see it in the real send_core.
    copy = _copy_of_the_code(tmp_path)
    before = _lint_imports(copy)
    (copy / "send_core" / "_architecture_probe.py").write_text("import integrations  # noqa: F401\n")
    after = _lint_imports(copy)
    assert after.returncode != 0, after.stdout + after.stderr
    assert "send_core._architecture_probe -> integrations" in after.stdout
    assert "send_core._architecture_probe" not in before.stdout
