"""`platform` and `graphql` are taken: our folders by those names must never shadow the real ones."""

import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STDLIB = Path(sysconfig.get_paths()["stdlib"]).resolve()


def test_platform_and_graphql_folders_have_no_init():
    assert not (ROOT / "platform" / "__init__.py").exists()
    assert not (ROOT / "graphql" / "__init__.py").exists()


def test_this_pytest_run_sees_the_standard_library_and_graphql_core():
    import platform

    import graphql

    assert Path(platform.__file__).resolve().parent == STDLIB
    assert "site-packages" in graphql.__file__
    assert callable(platform.python_version) and hasattr(graphql, "build_schema")


def test_our_folders_import_under_their_own_names():
    import send_graphql
    import send_platform.settings

    assert Path(send_platform.settings.__file__).resolve().parent == ROOT / "platform"
    assert any(Path(p).resolve() == ROOT / "graphql" for p in send_graphql.__path__)


PROBE = "import platform, graphql; print(platform.__file__); print(graphql.__file__); print(platform.system())"


def _check(output: str) -> None:
    lines = output.strip().splitlines()[-3:]
    assert Path(lines[0]).resolve().parent == STDLIB, output
    assert "site-packages" in lines[1], output


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "manage.py", "shell", "-c", PROBE],
        [sys.executable, "-m", "pytest", "--version"],
    ],
    ids=["manage.py", "python -m pytest"],
)
def test_commands_run_from_the_repository_root(command):
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    if "shell" in command:
        _check(result.stdout)


def test_python_m_celery_from_the_repository_root_loads_the_app_with_the_real_modules():
    # `celery report` imports the app and Django settings and prints the platform module's view.
    result = subprocess.run(
        [sys.executable, "-m", "celery", "-A", "send_platform.celery_app", "report"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "platform -> system:" in result.stdout
    assert "settings -> transport:" in result.stdout and "CAIRN_TEMPLATE_SCHEMA" in result.stdout
