"""Architecture rules, checked by import-linter against pyproject.toml's contracts."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "The SEND core depends on no integration and no reporting code KEPT" in result.stdout


def test_the_contract_would_catch_a_forbidden_import(tmp_path):
    # The rule is real: a module in send_core importing integrations breaks it.
    probe = ROOT / "send_core" / "_architecture_probe.py"
    probe.write_text("import integrations  # noqa: F401\n")
    try:
        lint = Path(sys.executable).with_name("lint-imports")
        result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    finally:
        probe.unlink()
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
