"""Fixtures for the toolkit tests: schools on a given toolkit, staff, and the sample plugin package."""

from __future__ import annotations

import fcntl
import importlib
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.send_core import conftest as send_core_fixtures

# The SEND-record fixtures: school A's schema, its staff, a look into school B, query bounds.
in_a = send_core_fixtures.in_a
in_b = send_core_fixtures.in_b
staff = send_core_fixtures.staff
max_queries = send_core_fixtures.max_queries

SAMPLE_PACKAGE = Path(__file__).resolve().parent / "sample_toolkit_pkg"
SAMPLE_DISTRIBUTION = "cairn-sample-toolkit"


@pytest.fixture
def senco(in_a, staff):
    return staff("senco")


@pytest.fixture
def on_toolkit(in_a):
    """`on_toolkit("essex")`: school A uses that toolkit (by its own choice) for the rest of the test."""

    def use(key: str):
        in_a.toolkit = key
        in_a.save(update_fields=["toolkit"])
        return in_a

    yield use
    in_a.toolkit = ""


@contextmanager
def _locked(path: Path):
    with path.open("a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield handle
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _pip(*args: str) -> None:
    result = subprocess.run([sys.executable, "-m", "pip", *args], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="session")
def sample_toolkit_installed(tmp_path_factory):
    """The sample toolkit package, pip-installed into this virtualenv for the session, then uninstalled.

    Test workers share the virtualenv, so installs are counted under a lock: the first worker
    installs, the last one out uninstalls. It is built from a copy, leaving the source tree clean.
    """
    shared = tmp_path_factory.getbasetemp().parent
    lock, count = shared / "sample-toolkit.lock", shared / "sample-toolkit.count"
    with _locked(lock):
        users = int(count.read_text() or 0) if count.exists() else 0
        if users == 0:
            source = tmp_path_factory.mktemp("sample-toolkit") / "pkg"
            shutil.copytree(SAMPLE_PACKAGE, source, ignore=shutil.ignore_patterns("__pycache__", "build", "*.egg-info"))
            _pip("install", "--no-deps", "--no-build-isolation", "--quiet", str(source))
        count.write_text(str(users + 1))
    importlib.invalidate_caches()
    yield SAMPLE_DISTRIBUTION
    with _locked(lock):
        users = int(count.read_text() or 1) - 1
        if users == 0:
            _pip("uninstall", "--yes", "--quiet", SAMPLE_DISTRIBUTION)
            for name in [
                m for m in sys.modules if m == "cairn_sample_toolkit" or m.startswith("cairn_sample_toolkit.")
            ]:
                del sys.modules[name]
        count.write_text(str(users))
    importlib.invalidate_caches()
