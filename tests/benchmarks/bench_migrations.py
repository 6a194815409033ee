"""Fleet migration benchmark: a no-op migrate and one added nullable column over N school schemas.

Run with `./cairn bench -k migrations --schools 200` (default 1,000). The schools are clones of the
template made straight into the test database (not timed), then:

- the no-op: `migrate_fleet` over public, the template and the N schools, nothing to do;
- one added nullable column: the ALTER TABLE applied to the template, then replayed into every
  school by the same path `migrate_fleet` uses (digest check, per-schema transactions, 2 workers);
  reversed afterwards, not timed;
- the old path: `migrate_schemas --executor=standard` on a sample of schools, no-op, per schema,
  extrapolated to N;
- the catalogue each school adds (relations, pg_attribute rows, bytes), extrapolated to 25,000.

Goals from the scale issue: no-op ≤30 s, one column ≤3 min, at 1,000 schools on 2 cores. It prints
the figures and asserts nothing about speed, so a slow machine never turns the suite red. The
schemas it made are dropped at the end.
"""

from __future__ import annotations

import statistics
import threading
import time

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from psycopg import sql

from tenants import migrating
from tenants.cloning import clone_template_schema

PREFIX = "bench_fleet_"
SAMPLE = 5
WORKERS = 2
NOOP_GOAL = 30.0
COLUMN_GOAL = 180.0


def _catalogue() -> tuple[int, int, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM pg_class), (SELECT count(*) FROM pg_attribute), "
            "pg_database_size(current_database())"
        )
        return cursor.fetchone()


def _drop(schemas: list[str]) -> None:
    with connection.cursor() as cursor:
        for schema in schemas:
            cursor.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


def _probe_table(template: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind = 'r' AND c.relname <> 'django_migrations' "
            "ORDER BY c.relname <> 'send_core_pupil', c.relname LIMIT 1",
            [template],
        )
        return cursor.fetchone()[0]


def _old_path(schemas: list[str]) -> list[float]:
    """migrate_schemas on each schema, with the recorder listing every table as it used to."""
    timings = []
    MigrationRecorder.has_table = migrating._original_has_table
    try:
        for schema in schemas:
            started = time.perf_counter()
            call_command("migrate_schemas", schema_name=schema, executor="standard", interactive=False, verbosity=0)
            timings.append(time.perf_counter() - started)
            connection.set_schema_to_public()
    finally:
        migrating.install_schema_has_table()
    return timings


@pytest.mark.django_db
def bench_fleet_migrations(request):
    n = request.config.getoption("--schools", default=None) or 1000
    errors: list[BaseException] = []

    def in_own_connection() -> None:
        # Django's connections are per thread: this one is outside the test's transaction, so the
        # replay's own connections see the schools it clones. It cleans up after itself.
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
    template = settings.CAIRN_TEMPLATE_SCHEMA
    schemas = [f"{PREFIX}{i:05d}" for i in range(n)]
    connection.set_schema_to_public()
    _drop(schemas)
    try:
        _run(n, template, schemas)
    finally:
        connection.set_schema_to_public()
        _drop(schemas)
        with connection.cursor() as cursor:
            table = _probe_table(template)
            cursor.execute(
                sql.SQL("ALTER TABLE {}.{} DROP COLUMN IF EXISTS bench_probe").format(
                    sql.Identifier(template), sql.Identifier(table)
                )
            )
            cursor.execute(
                sql.SQL("DELETE FROM {}.django_migrations WHERE name = '9999_bench_probe'").format(
                    sql.Identifier(template)
                )
            )


def _run(n: int, template: str, schemas: list[str]) -> None:
    before = _catalogue()
    started = time.perf_counter()
    for schema in schemas:
        clone_template_schema(template, schema)
    built = time.perf_counter() - started
    after = _catalogue()
    relations, attributes, size = ((a - b) / n for a, b in zip(after, before, strict=True))

    # The no-op, twice: the first run also warms the plan cache and the server's catalogue cache.
    migrating.migrate_fleet(workers=WORKERS, stdout=None, schemas=schemas)
    noop = migrating.migrate_fleet(workers=WORKERS, stdout=None, schemas=schemas)
    assert noop.up_to_date == n and not noop.failures
    started = time.perf_counter()
    migrating.migration_states([template, *schemas])
    noop_check = time.perf_counter() - started

    # One nullable column, as a migration adding it would be replayed.
    table = _probe_table(template)
    with connection.cursor() as cursor:
        old_state = migrating.migration_states([template])[template]
        cursor.execute(
            sql.SQL("ALTER TABLE {}.{} ADD COLUMN bench_probe text NULL").format(
                sql.Identifier(template), sql.Identifier(table)
            )
        )
        cursor.execute(
            sql.SQL(
                "INSERT INTO {}.django_migrations (app, name, applied) VALUES ('send_core', '9999_bench_probe', now())"
            ).format(sql.Identifier(template))
        )
    replay = migrating._Replay(
        state=old_state,
        script=sql.SQL("ALTER TABLE {} ADD COLUMN bench_probe text NULL;")
        .format(sql.Identifier(table))
        .as_string(connection.connection),
        records=(("send_core", "9999_bench_probe"),),
    )
    failures: dict[str, str] = {}

    def done(schema: str, error: str | None) -> None:
        if error:
            failures[schema] = error

    started = time.perf_counter()
    states = migrating.migration_states([template, *schemas])
    target = states.pop(template)
    behind = [s for s, state in states.items() if state != target]
    migrating._replay_in_parallel(behind, replay, WORKERS, done)
    column = time.perf_counter() - started
    assert len(behind) == n and not failures, failures
    assert migrating.migration_states(schemas[:1])[schemas[0]] == target

    old = _old_path(schemas[:SAMPLE])
    old_median = statistics.median(old)
    scale = 25_000
    print(
        f"\nFleet migrations at {n} schools ({WORKERS} workers; built by cloning in {built:.1f} s)\n"
        f"  no-op migrate_fleet          : {noop.seconds:7.1f} s   (goal ≤{NOOP_GOAL:.0f} s at 1,000; public and template "
        f"migrate included, {noop_check * 1000:.0f} ms of it the digest check over every schema)\n"
        f"  one nullable column          : {column:7.1f} s   (goal ≤{COLUMN_GOAL:.0f} s at 1,000; "
        f"{column * 1000 / n:.1f} s scaled to 1,000; {column / n * 1000:.1f} ms a school)\n"
        f"  old path, migrate_schemas    : {old_median:7.2f} s a school (median of {len(old)}), "
        f"{old_median * n:.0f} s for {n}, {old_median * 1000:.0f} s for 1,000\n"
        f"  catalogue per school         : {relations:.0f} relations, {attributes:.0f} pg_attribute rows, "
        f"{size / 1024:.0f} KiB; at {scale:,} schools {relations * scale:,.0f} relations, "
        f"{attributes * scale:,.0f} pg_attribute rows, {size * scale / 1024**3:.1f} GiB"
    )
