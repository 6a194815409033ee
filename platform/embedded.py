"""The embedded default database: a private PostgreSQL started from the `pgserver` package.

Used only when DATABASE_URL is unset, so a fresh machine needs no database server. The server
lives in the checkout's data folder, is shared by every process that asks for it (web, worker,
beat, test workers) and stops when the last of them exits.
"""

from __future__ import annotations

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
