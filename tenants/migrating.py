"""Migrating the whole fleet of organisation schemas quickly.

`migrate_schemas` runs Django's full migrate in every schema in turn: loading the graph, reading
the applied set and listing every table in the database, even when nothing is to be done. At a
thousand schools that is minutes for a no-op. Here:

- one statement compares every schema's recorded migrations with the template's, and only the
  schemas that differ are touched;
- schemas at the same recorded state form a group; the SQL of the group's missing migrations is
  worked out once (collected on one member of the group, as `sqlmigrate` does) and replayed in
  every member, each in its own transaction together with its django_migrations rows;
- groups whose migrations cannot be written as SQL (Python code that runs in organisation
  schemas, non-atomic or squashed migrations) fall back to the ordinary per-schema migrate;
- a failing schema is reported and the rest carry on; re-running picks up only what is behind.

Also here: the migration recorder's "does django_migrations exist?" check, asked of one schema
by name instead of listing all of the database's tables through the tenants introspection.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.conf import settings
from django.core.management import call_command
from django.db import connection, router, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django_tenants.utils import get_public_schema_name
from psycopg import sql

# --- The recorder's table check ---------------------------------------------------------------

_original_has_table = MigrationRecorder.has_table


def schema_has_table(self: MigrationRecorder) -> bool:
    """MigrationRecorder.has_table, looked up in the connection's schema by name (to_regclass)."""
    if self._has_table:
        return True
    schema = getattr(self.connection, "schema_name", None)
    if schema is None:
        return _original_has_table(self)
    with self.connection.cursor() as cursor:
        cursor.execute(
            "SELECT to_regclass(quote_ident(%s) || '.' || quote_ident(%s)) IS NOT NULL",
            [schema, self.Migration._meta.db_table],
        )
        self._has_table = cursor.fetchone()[0]
    return self._has_table


def install_schema_has_table() -> None:
    MigrationRecorder.has_table = schema_has_table


# --- Which schemas are behind -----------------------------------------------------------------


def fleet_schemas() -> list[str]:
    """Every organisation schema and spare that exists, without public and the template."""
    from .cloning import SPARE_PREFIX
    from .models import Organisation

    names = set(Organisation.objects.values_list("schema_name", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s) OR nspname LIKE %s",
            [sorted(names), SPARE_PREFIX.replace("_", r"\_") + "%"],
        )
        existing = {row[0] for row in cursor.fetchall()}
    existing -= {get_public_schema_name(), settings.CAIRN_TEMPLATE_SCHEMA}
    return sorted(existing)


def migration_states(schemas: Iterable[str]) -> dict[str, str]:
    """Each schema's digest of recorded migrations (as cloning computes it), in one statement."""
    schemas = list(schemas)
    if not schemas:
        return {}
    with connection.cursor() as cursor:
        # A schema without django_migrations (half-made) gets an empty digest, so it counts as behind.
        cursor.execute(
            "SELECT s FROM unnest(%s::text[]) s WHERE to_regclass(quote_ident(s) || '.django_migrations') IS NULL",
            [schemas],
        )
        missing = {row[0] for row in cursor.fetchall()}
        parts = [
            sql.SQL(
                "SELECT {}, md5(coalesce(string_agg(app || '.' || name, ',' ORDER BY app, name), '')) FROM {}.django_migrations"
            ).format(sql.Literal(s), sql.Identifier(s))
            for s in schemas
            if s not in missing
        ]
        states = {s: "" for s in missing}
        if parts:
            cursor.execute(sql.SQL(" UNION ALL ").join(parts))
            states.update(dict(cursor.fetchall()))
    return states


# --- Replaying one group's SQL ----------------------------------------------------------------


@dataclass
class FleetResult:
    total: int = 0  # schemas looked at
    up_to_date: int = 0
    replayed: list[str] = field(default_factory=list)
    migrated: list[str] = field(default_factory=list)  # by the ordinary per-schema migrate
    failures: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass(frozen=True)
class _Replay:
    state: str  # the digest a schema must still have for this SQL to apply
    script: str
    records: tuple[tuple[str, str], ...]


def _collect(schema: str) -> _Replay | None:
    """The SQL that brings `schema` up to the code's migrations, or None if it cannot be SQL alone."""
    connection.set_schema(schema, include_public=False)
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if not plan:
            return None
        records: list[tuple[str, str]] = []
        statements: list[str] = []
        state = None
        for migration, backwards in plan:
            if backwards or migration.replaces or not migration.atomic:
                return None
            for operation in migration.operations:
                hints = getattr(operation, "hints", {})
                # Python code only matters where it runs: in a shared app it is skipped in a school's schema.
                if not operation.reduces_to_sql and router.allow_migrate(
                    connection.alias, migration.app_label, **hints
                ):
                    return None
            if state is None:
                state = executor.loader.project_state((migration.app_label, migration.name), at_end=False)
            with connection.schema_editor(collect_sql=True, atomic=False) as editor:
                state = migration.apply(state, editor, collect_sql=True)
            statements.extend(editor.collected_sql)
            records.append((migration.app_label, migration.name))
        return _Replay(migration_states([schema])[schema], "\n".join(statements), tuple(records))
    finally:
        connection.set_schema_to_public()


def _replay_one(cursor, schema: str, replay: _Replay) -> bool:
    """Apply `replay` to `schema` inside the caller's transaction. False if the schema moved on."""
    cursor.execute("SELECT pg_advisory_xact_lock(hashtext('cairn-migrate:' || %s))", [schema])
    cursor.execute(
        sql.SQL(
            "SELECT md5(coalesce(string_agg(app || '.' || name, ',' ORDER BY app, name), '')) FROM {}.django_migrations"
        ).format(sql.Identifier(schema))
    )
    if cursor.fetchone()[0] != replay.state:
        return False  # another run got there first
    # As migrate_schemas runs it: the schema first, then public (foreign keys to users live there).
    cursor.execute(sql.SQL("SET LOCAL search_path TO {}, public").format(sql.Identifier(schema)))
    if replay.script.strip():
        cursor.execute(replay.script)
    cursor.execute(
        sql.SQL(
            "INSERT INTO {}.django_migrations (app, name, applied) SELECT a, n, now() FROM unnest(%s::text[], %s::text[]) AS r(a, n)"
        ).format(sql.Identifier(schema)),
        [[a for a, _ in replay.records], [n for _, n in replay.records]],
    )
    return True


def _replay_serially(schemas: list[str], replay: _Replay, done: Callable[[str, str | None], None]) -> None:
    for schema in schemas:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                _replay_one(cursor, schema, replay)
        except Exception as error:  # noqa: BLE001 - reported at the end; the rest carry on
            done(schema, f"{type(error).__name__}: {error}")
        else:
            done(schema, None)
        finally:
            connection.set_schema_to_public()


def _replay_in_parallel(
    schemas: list[str], replay: _Replay, workers: int, done: Callable[[str, str | None], None]
) -> None:
    import psycopg

    params = connection.settings_dict
    queue = iter(schemas)
    lock = threading.Lock()

    def work() -> None:
        with psycopg.connect(
            dbname=params["NAME"],
            user=params.get("USER") or None,
            password=params.get("PASSWORD") or None,
            host=params.get("HOST") or None,
            port=params.get("PORT") or None,
            autocommit=True,
            **params.get("OPTIONS", {}),
        ) as conn:
            while True:
                with lock:
                    schema = next(queue, None)
                if schema is None:
                    return
                try:
                    with conn.transaction(), conn.cursor() as cursor:
                        _replay_one(cursor, schema, replay)
                except Exception as error:  # noqa: BLE001 - reported at the end; the rest carry on
                    done(schema, f"{type(error).__name__}: {error}")
                else:
                    done(schema, None)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for future in [pool.submit(work) for _ in range(min(workers, len(schemas)))]:
            future.result()


def _migrate_normally(schema: str) -> None:
    call_command("migrate_schemas", schema_name=schema, executor="standard", interactive=False, verbosity=0)
    connection.set_schema_to_public()


# --- The whole fleet --------------------------------------------------------------------------


def migrate_fleet(
    *, workers: int = 2, stdout=None, shared: bool = True, schemas: list[str] | None = None
) -> FleetResult:
    """Bring public, the template, every organisation schema and every spare up to the code's migrations.

    `schemas` narrows the fleet to those names (the benchmark's schools); by default, all of it.
    """
    from .services import prepare_template_schema

    started = time.perf_counter()
    out = stdout or sys.stdout
    if shared:
        call_command("migrate_schemas", shared=True, executor="standard", interactive=False, verbosity=0)
        connection.set_schema_to_public()
    prepare_template_schema()
    template = settings.CAIRN_TEMPLATE_SCHEMA
    schemas = fleet_schemas() if schemas is None else list(schemas)
    states = migration_states([template, *schemas])
    target = states.pop(template)
    result = FleetResult(total=len(schemas))
    groups: dict[str, list[str]] = {}
    for schema, state in states.items():
        if state == target:
            result.up_to_date += 1
        else:
            groups.setdefault(state, []).append(schema)
    behind = sum(len(members) for members in groups.values())
    progress = {"done": 0}
    lock = threading.Lock()

    def done(schema: str, error: str | None, *, replayed: bool = True) -> None:
        with lock:
            progress["done"] += 1
            if error:
                result.failures[schema] = error
            else:
                (result.replayed if replayed else result.migrated).append(schema)
            if out is not None:
                out.write(f"\rMigrating schemas: {progress['done']}/{behind} done, {len(result.failures)} failed")
                out.flush()

    for state, members in sorted(groups.items(), key=lambda item: -len(item[1])):
        replay = _collect(members[0]) if state else None
        if replay is not None and replay.state == state:
            if workers > 1 and len(members) > 1:
                _replay_in_parallel(members, replay, workers, done)
            else:
                _replay_serially(members, replay, done)
            continue
        for schema in members:
            try:
                # Not wrapped in a transaction here: a non-atomic migration (one reason to come this
                # way) must run outside one; atomic migrations bring their own.
                _migrate_normally(schema)
            except Exception as error:  # noqa: BLE001 - reported at the end; the rest carry on
                connection.set_schema_to_public()
                done(schema, f"{type(error).__name__}: {error}")
            else:
                done(schema, None, replayed=False)
    if out is not None and behind:
        out.write("\n")
    result.seconds = time.perf_counter() - started
    return result
