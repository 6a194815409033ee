"""`./cairn run` stops the embedded PostgreSQL on Ctrl-C, even though its processes were killed."""

from __future__ import annotations

import warnings

import psutil
from send_platform.embedded import stop_database


def test_stopping_the_embedded_database_ends_its_server(tmp_path):
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    import pgserver

    # cleanup_mode=None: as a killed web server or worker leaves it, nothing stops it on exit.
    server = pgserver.get_server(tmp_path / "pg", cleanup_mode=None)
    postmaster = server.get_postmaster_info().process
    assert postmaster.is_running()

    assert stop_database(tmp_path) is True

    assert not (tmp_path / "pg" / "postmaster.pid").exists()
    assert not postmaster.is_running() or postmaster.status() == psutil.STATUS_ZOMBIE


def test_stopping_when_nothing_runs_is_harmless(tmp_path):
    (tmp_path / "pg").mkdir()
    assert stop_database(tmp_path) is False
