"""The embedded default database: a private PostgreSQL started from the `pgserver` package.

Used only when DATABASE_URL is unset, so a fresh machine needs no database server. The server
lives in the checkout's data folder, is shared by every process that asks for it (web, worker,
beat, test workers) and stops when the last of them exits.
"""

from __future__ import annotations

import os
import subprocess
import warnings
from pathlib import Path

_server = None


def database_settings(data_dir: Path, name: str = "cairn") -> dict:
    """Start (or join) the embedded server and return Django DATABASES['default'] for it."""
    global _server
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    import pgserver

    pgdata = data_dir / "pg"
    pgdata.mkdir(parents=True, exist_ok=True)
    if _server is None:
        _server = pgserver.get_server(pgdata, cleanup_mode="stop")
        exists = _server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}';")
        if "(1 row)" not in exists:
            _server.psql(f'CREATE DATABASE "{name}";')
    socket_dir = str(_server.get_postmaster_info().socket_dir or pgdata)
    return {
        "NAME": name,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": socket_dir,
        "PORT": "",
    }


def stop_database(data_dir: Path) -> bool:
    """Stop the embedded server in `data_dir` now, whoever still holds it; True if one was running.

    `./cairn run` calls this on Ctrl-C: its web server and worker are killed, not left to exit, so
    pgserver's stop-when-the-last-process-exits never happens and PostgreSQL would stay behind.
    """
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    from pgserver import pg_ctl

    pgdata = data_dir / "pg"
    if not (pgdata / "postmaster.pid").exists():
        return False
    # As root, pgserver runs PostgreSQL as its own 'pgserver' user; pg_ctl must run as that user too.
    user = "pgserver" if os.name == "posix" and os.geteuid() == 0 else None
    try:
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user, timeout=30)
    except subprocess.CalledProcessError:
        return False  # a stale postmaster.pid: nothing was running
    return True
