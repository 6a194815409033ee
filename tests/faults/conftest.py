"""The fault suite: real processes, really stopped and killed.

Each test starts its own `redis-server` on a free port (with an append-only file, so a restart keeps
the queue as a real Redis restart does) and real `celery worker` processes pointed at it and at the
test database. Nothing is mocked. The suite needs a Redis run (CELERY_BROKER_URL redis://, CI's second
pass) and a `redis-server` binary; the first pass, on the filesystem broker, skips it.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
REDIS_SERVER = shutil.which("redis-server")


def _why_not_runnable() -> str | None:
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        return "the fault suite runs on a Redis broker (CELERY_BROKER_URL redis://), as in CI's second pass"
    if REDIS_SERVER is None:
        return "the fault suite starts its own redis-server, and none is installed"
    return None


@pytest.fixture(autouse=True)
def _needs_redis():
    reason = _why_not_runnable()
    if reason:
        pytest.skip(reason)


def wait_until(condition: Callable[[], object], *, timeout: float, what: str, every: float = 0.1):
    """Poll `condition` until it is truthy (and return it); fail saying `what` was awaited."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"Waited {timeout:.0f}s for {what}")
        time.sleep(every)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A private redis-server that a test can stop and start again on the same port, keeping its data."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = _free_port()
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def start(self) -> None:
        log = open(self.folder / "redis.log", "ab")  # noqa: SIM115 (the server keeps it)
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder)]
            + ["--appendonly", "yes", "--appendfsync", "always", "--save", ""],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_until(self._answers, timeout=10, what="redis-server to answer")

    def stop(self) -> None:
        """Stop it as an outage does: connections drop; the append-only file keeps the queue."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def client(self):
        import redis

        return redis.Redis.from_url(self.url(), socket_timeout=5)


@pytest.fixture
def redis_server(tmp_path):
    folder = tmp_path / "redis"
    folder.mkdir()
    server = RedisServer(folder)
    server.start()
    yield server
    server.stop()


def _database_url() -> str:
    """The test database (not the developer's) as a URL a worker process can be given."""
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    host = quote(db["HOST"] or "", safe="")
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{user}{password}@{host}{port}/{db['NAME']}"


class Worker:
    """A real `celery worker` process on the test's Redis and database, logging to a file."""

    def __init__(self, broker: RedisServer, folder: Path, name: str, extra_env: dict[str, str]):
        self.broker = broker
        self.log_path = folder / f"{name}.log"
        self.name = name
        self.extra_env = extra_env
        self.process: subprocess.Popen | None = None

    def start(self) -> Worker:
        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": self.broker.url(0),
            "CELERY_RESULT_BACKEND": self.broker.url(1),
            "CONN_MAX_AGE": "0",
            **self.extra_env,
        }
        log = open(self.log_path, "ab")  # noqa: SIM115 (the worker keeps it)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "send_platform.celery_app", "worker"]
            + ["--loglevel=INFO", "--concurrency=1", "--hostname", f"{self.name}@faults"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its pool processes can be killed with it, and only with it
        )
        wait_until(lambda: " ready." in self.log() or not self.alive(), timeout=60, what=f"worker {self.name}")
        assert self.alive(), f"worker {self.name} did not start:\n{self.log()[-3000:]}"
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def count(self, pattern: str) -> int:
        return len(re.findall(pattern, self.log()))

    def pool_processes(self) -> list[int]:
        """The pool's child processes (the ones that run tasks)."""
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def kill(self) -> None:
        """SIGKILL the worker and its pool at once, as the kernel's OOM killer or a lost node would."""
        if self.alive():
            os.killpg(self.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if not self.alive():
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()


@pytest.fixture
def start_worker(redis_server, tmp_path):
    """`start_worker(name="w1", **env)` starts a worker on this test's Redis; all are stopped afterwards."""
    started: list[Worker] = []

    def start(name: str = "worker", **extra_env: str) -> Worker:
        worker = Worker(redis_server, tmp_path, name, extra_env)
        started.append(worker)
        return worker.start()

    yield start
    for worker in started:
        worker.stop()
