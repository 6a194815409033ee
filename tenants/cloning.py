"""Cloning the migrated template schema into a new organisation's schema.

django-tenants' general-purpose `clone_schema` SQL function copies every kind of object one
catalogue query at a time and takes over half a second per school. Cairn's schemas hold only
what Django migrations make (tables, identity columns, constraints, indexes), so the clone is
planned once per process from the template's catalogue — every statement keeps the template's
object names, which later migrations refer to — and replayed in one round trip per school.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import connection, transaction
from psycopg import sql

# Object kinds a Django migration creates; anything else in the template is refused, not skipped.
_SUPPORTED_RELKINDS = {"r", "i", "S"}


@dataclass(frozen=True)
class ClonePlan:
    template: str
    fingerprint: tuple
    tables: tuple[str, ...]
    statements: tuple[str, ...]  # with the template's qualifier replaced by {schema}


_plans: dict[str, ClonePlan] = {}


def _fingerprint(cursor, template: str) -> tuple:
    cursor.execute(
        sql.SQL("SELECT count(*), coalesce(max(id), 0) FROM {}.django_migrations").format(sql.Identifier(template))
    )
    migrations = cursor.fetchone()
    cursor.execute(
        "SELECT count(*), coalesce(sum(c.oid::bigint), 0) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s",
        [template],
    )
    return (*migrations, *cursor.fetchone())


def _qualifier(template: str) -> re.Pattern:
    return re.compile(r'(?<![\w"])"?' + re.escape(template) + r'"?\.')


def _plan(cursor, template: str) -> ClonePlan:
    # Qualify every name in the definitions we read, so the template's own qualifier can be swapped.
    cursor.execute("SELECT current_setting('search_path')")
    (search_path,) = cursor.fetchone()
    cursor.execute("SET LOCAL search_path TO pg_catalog")
    cursor.execute(
        "SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s ORDER BY c.relname",
        [template],
    )
    relations = cursor.fetchall()
    unsupported = sorted(name for name, kind in relations if kind not in _SUPPORTED_RELKINDS)
    if unsupported:
        raise RuntimeError(f"The template schema holds objects cloning does not copy: {', '.join(unsupported)}")
    tables = tuple(name for name, kind in relations if kind == "r")

    # Primary keys and unique constraints go inside each CREATE TABLE; foreign keys follow in one
    # ALTER TABLE per table, once every table they point at exists. Fewer statements, less DDL work.
    cursor.execute(
        "SELECT cl.relname, co.conname, co.contype, pg_get_constraintdef(co.oid) "
        "FROM pg_constraint co JOIN pg_class cl ON cl.oid = co.conrelid JOIN pg_namespace n ON n.oid = cl.relnamespace "
        "WHERE n.nspname = %s AND co.contype IN ('p', 'u', 'x', 'f') ORDER BY cl.relname, co.conname",
        [template],
    )
    inline: dict[str, list[str]] = {}
    foreign: dict[str, list[str]] = {}
    for table, name, kind, definition in cursor.fetchall():
        (foreign if kind == "f" else inline).setdefault(table, []).append(f'CONSTRAINT "{name}" {definition}')
    creates: list[str] = []
    definitions: list[str] = []
    for table in tables:
        extra = "".join(f", {c}" for c in inline.get(table, []))
        creates.append(
            f'CREATE TABLE {{schema}}."{table}" (LIKE "{template}"."{table}" '
            "INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING GENERATED INCLUDING CONSTRAINTS "
            f"INCLUDING STORAGE INCLUDING COMMENTS{extra})"
        )
    for table, constraints in foreign.items():
        definitions.append(f'ALTER TABLE {{schema}}."{table}" ' + ", ".join(f"ADD {c}" for c in constraints))
    # Indexes that do not back a constraint.
    cursor.execute(
        "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_namespace n ON n.oid = ic.relnamespace "
        "WHERE n.nspname = %s AND NOT EXISTS (SELECT 1 FROM pg_constraint co WHERE co.conindid = i.indexrelid) "
        "ORDER BY ic.relname",
        [template],
    )
    definitions.extend(definition for (definition,) in cursor.fetchall())
    cursor.execute(f"SET LOCAL search_path TO {search_path}")
    # Definitions name the template's objects; point them at the new schema instead.
    # (`{` and `}` never occur in Django's DDL, so the placeholder is unambiguous.)
    qualifier = _qualifier(template)
    statements = [
        *creates,  # their constraints never name a schema; their LIKE must keep naming the template
        *(qualifier.sub("{schema}.", d) for d in definitions),
        f'INSERT INTO {{schema}}."django_migrations" (app, name, applied) '
        f'SELECT app, name, applied FROM "{template}"."django_migrations" ORDER BY id',
    ]
    return ClonePlan(template, _fingerprint(cursor, template), tables, tuple(statements))


def clone_plan(template: str) -> ClonePlan:
    """The statements that recreate `template`, reused until the template's catalogue changes."""
    with transaction.atomic(), connection.cursor() as cursor:
        fingerprint = _fingerprint(cursor, template)
        plan = _plans.get(template)
        if plan is None or plan.fingerprint != fingerprint:
            plan = _plan(cursor, template)
            _plans[template] = plan
    return plan


def clone_template_schema(template: str, schema: str) -> None:
    """Create `schema` as a structural copy of `template`, with its migration records. Transactional."""
    plan = clone_plan(template)
    connection.ensure_connection()
    quoted = sql.Identifier(schema).as_string(connection.connection)
    script = ";\n".join([f"CREATE SCHEMA {quoted}", *(s.replace("{schema}", quoted) for s in plan.statements)])
    with connection.cursor() as cursor:
        cursor.execute(script)


# --- Spare schemas ------------------------------------------------------------------------------
# Clones made ahead of time, so provisioning a school is a rename rather than ~100 DDL
# statements. A spare is only used while its migration records match the template's; any that
# fall behind (after a deploy with migrations) are dropped and made again.

SPARE_PREFIX = "cairn_spare_"


def _migration_state(cursor, schema: str) -> str:
    """A digest of the migrations recorded in `schema`: equal digests, equal structure."""
    cursor.execute(
        sql.SQL(
            "SELECT md5(coalesce(string_agg(app || '.' || name, ',' ORDER BY app, name), '')) FROM {}.django_migrations"
        ).format(sql.Identifier(schema))
    )
    return cursor.fetchone()[0]


def spare_schemas() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE %s ORDER BY nspname",
            [SPARE_PREFIX.replace("_", r"\_") + "%"],
        )
        return [row[0] for row in cursor.fetchall()]


def drop_spare_schemas() -> int:
    """Drop every spare (the template changed). Returns how many were dropped."""
    spares = spare_schemas()
    with connection.cursor() as cursor:
        for name in spares:
            cursor.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(name)))
    return len(spares)


def refill_spare_schemas(template: str, target: int) -> int:
    """Make clones until `target` spares exist; stale ones are dropped first. Returns how many were made."""
    import secrets

    made = 0
    with connection.cursor() as cursor:
        expected = _migration_state(cursor, template)
        for name in spare_schemas():
            if _migration_state(cursor, name) != expected:
                cursor.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(name)))
    while len(spare_schemas()) < target:
        with transaction.atomic():
            clone_template_schema(template, SPARE_PREFIX + secrets.token_hex(6))
        made += 1
    return made


def take_spare_schema(template: str, schema: str) -> bool:
    """Rename a current spare to `schema` (inside the caller's transaction); False if none is free."""
    with connection.cursor() as cursor:
        expected = _migration_state(cursor, template)
        for name in spare_schemas():
            # Claim it for this transaction: two provisionings never rename the same spare.
            cursor.execute("SELECT pg_try_advisory_xact_lock(hashtext(%s))", [name])
            if not cursor.fetchone()[0]:
                continue
            cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [name])
            if cursor.fetchone() is None or _migration_state(cursor, name) != expected:
                continue
            cursor.execute(sql.SQL("ALTER SCHEMA {} RENAME TO {}").format(sql.Identifier(name), sql.Identifier(schema)))
            return True
    return False
