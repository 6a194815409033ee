"""Read API throughput: `GET /api/v1/pupils/` and a pupil's details, at 50 connections, through
gunicorn started from infra/gunicorn.conf.py (the image's own settings), measured with wrk.

Run with `./cairn bench -k api` (20 schools) or `./cairn bench -k api --schools 1000`. Not timed:
the schools are organisations cloned from the template straight into the test database, each with
300 pupils in 10 classes (one in six on the SEND register with a primary need) and its SENCO's
personal API token, as a school's MIS would hold (`manage.py issue_api_token` does the same).
Requests go round the schools, each on its own host with its own token, so the throttle counts
one MIS per school at its shipped rate (API_RATE_TOKEN) and a refused request (429) is an error.

Each endpoint is run twice for the same time: "cold" straight after gunicorn starts (no worker has
served a request, no thread has a database connection, no connection has read any school's
catalogue), then "warm" (every thread holds a connection that has served every school). Goal from
the throughput issue on 2 cores: ≥400 requests a second, p99 ≤100 ms, no errors. wrk shares the
machine's cores with gunicorn and PostgreSQL. It prints the figures and asserts nothing about speed.
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from psycopg import sql

from send_core.models import NCYear, Pupil, SchoolClass
from send_core.upn import make_upn
from tenants.cloning import clone_template_schema
from tenants.models import Domain, Membership, Organisation, User
from tenants.roles import OrganisationKind
from tenants.services import domain_for, schema_name_for
from tenants.tokens import issue_api_token
from tests.send_core.factories import bulk_on_register

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SCHOOLS = 20
PUPILS = 300
CLASSES = 10
CONNECTIONS = 50
SECONDS = int(os.environ.get("CAIRN_BENCH_SECONDS", "15"))
PORT = int(os.environ.get("CAIRN_BENCH_PORT", "8765"))
GOAL_RPS, GOAL_P99_MS = 400, 100
SLUG = "bench-api-{:05d}"

# wrk's script: each connection goes round the schools (its own host and token each time) and,
# for details, round each school's pupils. `done` prints one JSON line the bench reads.
WRK_SCRIPT = """
local schools = dofile(os.getenv("CAIRN_BENCH_SCHOOLS_LUA"))
local kind = os.getenv("CAIRN_BENCH_KIND")
local counter = 0
function setup(thread) thread:set("offset", math.random(#schools)) end
function request()
  counter = counter + 1
  local s = schools[(offset + counter) % #schools + 1]
  local path = "/api/v1/pupils/"
  if kind == "detail" then path = path .. s.pupils[counter % #s.pupils + 1] .. "/" end
  return wrk.format("GET", path, {Host = s.host, Authorization = "Token " .. s.token})
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %f, "p50": %f, "p90": %f, "p99": %f, "max": %f, '
    .. '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(90) / 1e3,
    latency:percentile(99) / 1e3, latency.max / 1e3, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def _make_schools(n: int) -> list[dict]:
    """N schools with pupils and a SENCO's token each; returns what wrk needs to reach them."""
    la = Organisation.objects.filter(kind=OrganisationKind.LOCAL_AUTHORITY).first()
    schools = Organisation.objects.bulk_create(
        [
            Organisation(
                kind=OrganisationKind.SCHOOL,
                name=f"Bench API School {i:05d}",
                slug=SLUG.format(i),
                schema_name=schema_name_for(SLUG.format(i)),
                urn=f"97{i:04d}",
                la_code="991",
                establishment_number=f"{i:04d}",
                phase="primary",
                local_authority=la,
            )
            for i in range(n)
        ]
    )
    Domain.objects.bulk_create([Domain(domain=domain_for(s.slug), tenant=s, is_primary=True) for s in schools])
    sencos = User.objects.bulk_create(
        [User(email=f"senco@{s.slug}.example.org", full_name=f"SENCO {i}") for i, s in enumerate(schools)]
    )
    Membership.objects.bulk_create(
        [Membership(user=u, organisation=s, role="senco") for u, s in zip(sencos, schools, strict=True)]
    )
    reachable = []
    for school, senco in zip(schools, sencos, strict=True):
        key = issue_api_token(user=senco, name="MIS sync").key
        clone_template_schema(settings.CAIRN_TEMPLATE_SCHEMA, school.schema_name)
        connection.set_tenant(school)
        reachable.append({"host": domain_for(school.slug), "token": key, "pupils": _pupils()})
        connection.set_schema_to_public()
    return reachable


def _pupils() -> list[int]:
    classes = SchoolClass.objects.bulk_create(
        [SchoolClass(name=f"{year} {letter}", year_group=year) for year in "3456" for letter in "ABC"][:CLASSES]
    )
    pupils = Pupil.objects.bulk_create(
        [
            Pupil(
                upn=make_upn("881", "2101", 10 + i // 1000, i % 1000),
                legal_first_name=f"Pupil{i}",
                last_name=f"Surname{i:04d}",
                date_of_birth=datetime.date(2016, 1, 1) + datetime.timedelta(days=i % 300),
                sex="FM"[i % 2],
                nc_year=NCYear.Y4,
                school_class=classes[i % CLASSES],
            )
            for i in range(PUPILS)
        ]
    )
    bulk_on_register(pupils[::6], since=datetime.date.today() - datetime.timedelta(days=60))
    return [p.pk for p in pupils]


def _database_url() -> str:
    db = connection.settings_dict
    host = quote(db["HOST"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{quote(db['USER'], safe='')}{password}@{host}{port}/{db['NAME']}"


def _start_gunicorn(log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DEBUG": "0",  # DEBUG keeps every query in memory: never measure with it
        "GUNICORN_BIND": f"127.0.0.1:{PORT}",
        "GUNICORN_ACCESS_LOG": str(log),
    }
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "-c", str(ROOT / "infra" / "gunicorn.conf.py")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.with_suffix(".err").open("w"),
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn stopped:\n" + log.with_suffix(".err").read_text()[-3000:])
        health = urllib.request.Request(f"http://127.0.0.1:{PORT}/health/", headers={"Host": settings.BASE_DOMAIN})
        try:
            urllib.request.urlopen(health, timeout=10)
            return server
        except OSError:  # refused while it binds, or a timeout while the first worker loads Django
            time.sleep(0.3)
    _stop(server)
    raise RuntimeError("gunicorn did not answer within 60 s:\n" + log.with_suffix(".err").read_text()[-3000:])


def _stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=40)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def _check(school: dict, path: str) -> None:
    """One request before the load, so a run of refusals is never reported as throughput."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{PORT}{path}", headers={"Host": school["host"], "Authorization": f"Token {school['token']}"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200, response.status
        json.loads(response.read())


def _wrk(kind: str, schools_lua: Path, script: Path) -> dict:
    env = {**os.environ, "CAIRN_BENCH_SCHOOLS_LUA": str(schools_lua), "CAIRN_BENCH_KIND": kind}
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--timeout", "10s", "-s", str(script),
         f"http://127.0.0.1:{PORT}/"],
        env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    figures = json.loads(out.strip().splitlines()[-1])
    figures["rps"] = figures["requests"] / figures["seconds"]
    figures["errors"] = sum(figures[k] for k in ("connect", "read", "write", "status", "timeout"))
    return figures


def _line(label: str, f: dict) -> str:
    met = f["rps"] >= GOAL_RPS and f["p99"] <= GOAL_P99_MS and f["errors"] == 0
    return (
        f"  {label:<14} {f['rps']:7.0f} rps   p50 {f['p50']:7.1f} ms   p99 {f['p99']:7.1f} ms   "
        f"max {f['max']:7.1f} ms   errors {f['errors']:>4} (non-2xx {f['status']}, timeouts {f['timeout']})"
        f"   {'meets' if met else 'misses'} the goal"
    )


def _lua(schools: list[dict]) -> str:
    rows = [
        f'{{host = "{s["host"]}", token = "{s["token"]}", pupils = {{{", ".join(map(str, s["pupils"]))}}}}}'
        for s in schools
    ]
    return "return {\n" + ",\n".join(rows) + "\n}\n"


def _drop_schools(n: int) -> None:
    connection.set_schema_to_public()
    slugs = [SLUG.format(i) for i in range(n)]
    with connection.cursor() as cursor:
        for slug in slugs:
            cursor.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema_name_for(slug))))
    User.objects.filter(memberships__organisation__slug__in=slugs).delete()
    Organisation.objects.filter(slug__in=slugs).delete()


@pytest.mark.django_db
def bench_api_read_throughput(request):
    if shutil.which("wrk") is None:
        pytest.skip(
            "The API benchmark needs wrk, the HTTP load tool: `apt-get install -y wrk` (Debian/Ubuntu) "
            "or `brew install wrk` (macOS), then run `./cairn bench -k api` again."
        )
    n = request.config.getoption("--schools") or DEFAULT_SCHOOLS
    errors: list[BaseException] = []

    def in_own_connection() -> None:
        # Outside the test's transaction, so gunicorn's own connections see the schools made here.
        try:
            _bench(n)
        except BaseException as error:  # noqa: BLE001 - re-raised in the test's thread
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=in_own_connection)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


def _bench(n: int) -> None:
    connection.set_schema_to_public()
    _drop_schools(n)
    started = time.perf_counter()
    schools = _make_schools(n)
    built = time.perf_counter() - started
    work = Path(tempfile.mkdtemp(prefix="cairn-bench-api-"))
    server = None
    try:
        (work / "schools.lua").write_text(_lua(schools))
        (work / "bench.lua").write_text(WRK_SCRIPT)
        figures = {}
        # Each endpoint on freshly started workers ("cold"), then the same again ("warm").
        for kind in ("list", "detail"):
            server = _start_gunicorn(work / "access.log")
            _check(schools[0], "/api/v1/pupils/" if kind == "list" else f"/api/v1/pupils/{schools[0]['pupils'][0]}/")
            for warmth in ("cold", "warm"):
                figures[kind, warmth] = _wrk(kind, work / "schools.lua", work / "bench.lua")
            _stop(server)
            server = None
        _report(n, built, figures)
    finally:
        if server is not None:
            _stop(server)
        shutil.rmtree(work, ignore_errors=True)
        _drop_schools(n)


def _report(n: int, built: float, figures: dict) -> None:
    workers, threads = os.environ.get("WEB_CONCURRENCY", "3"), os.environ.get("GUNICORN_THREADS", "4")
    per_token = sum(f["requests"] for f in figures.values()) / n
    print(
        f"\nRead API at {CONNECTIONS} connections, {SECONDS} s a run, {n} schools of {PUPILS} pupils "
        f"(built in {built:.0f} s, not timed); gunicorn {workers} workers x {threads} threads "
        f"(infra/gunicorn.conf.py), {os.cpu_count()} cores shared with PostgreSQL and wrk\n"
        f"  goal: ≥{GOAL_RPS} rps, p99 ≤{GOAL_P99_MS} ms, 0 errors\n"
        + "\n".join(
            _line(f"{kind} {warmth}", figures[kind, warmth])
            for warmth in ("cold", "warm")
            for kind in ("list", "detail")
        )
        + f"\n  list pages {settings.REST_FRAMEWORK['PAGE_SIZE']} pupils (the shipped page size); details go round each "
        f"school's pupils.\n  cold: freshly started workers, no database connections, no school's catalogue read. "
        f"warm: after a full run of each, every thread holds a connection (CONN_MAX_AGE) that has served every school.\n"
        f"  throttle at its shipped rate ({settings.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']['token']} a token), one "
        f"token per school: about {per_token:.0f} requests per token in all four runs, so none is refused; a 429 counts as an error."
    )
