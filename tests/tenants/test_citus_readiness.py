"""The path to Citus schema-based sharding stays open.

Citus turns each organisation's schema into a distributed schema that lives whole on one worker,
and shared public tables into reference tables copied to every worker. That holds only while:
a schema's foreign keys stay inside it or point into public; every public table they point at
(and everything that table points at) can be a reference table; and no statement reads two
organisations' schemas at once. These tests read the real catalogue and the real source.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.conf import settings
from django.db import connection

TEMPLATE = settings.CAIRN_TEMPLATE_SCHEMA
REPO = Path(__file__).resolve().parents[2]


def _foreign_keys(schemas: list[str]) -> list[tuple[str, str, str, str, str]]:
    """(schema, table, constraint, referenced schema, referenced table) for every foreign key."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname, c.relname, co.conname, rn.nspname, rc.relname FROM pg_catalog.pg_constraint co "
            "JOIN pg_catalog.pg_class c ON c.oid = co.conrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            "JOIN pg_catalog.pg_class rc ON rc.oid = co.confrelid "
            "JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace "
            "WHERE co.contype = 'f' AND n.nspname = ANY(%s) ORDER BY 1, 2, 3",
            [schemas],
        )
        return cursor.fetchall()


def _tables_with_primary_key(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_catalog.pg_constraint co JOIN pg_catalog.pg_class c ON c.oid = co.conrelid "
            "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE co.contype = 'p' AND n.nspname = %s",
            [schema],
        )
        return {name for (name,) in cursor.fetchall()}


def _tenant_schemas(*organisations) -> list[str]:
    return [TEMPLATE, *(o.schema_name for o in organisations)]


def test_tenant_foreign_keys_stay_in_their_own_schema_or_point_into_public(school_a, school_b, la):
    schemas = _tenant_schemas(school_a, school_b, la)
    keys = _foreign_keys(schemas)
    assert {schema for schema, *_ in keys} == set(schemas)  # every schema has keys, so the check has teeth
    strays = [k for k in keys if k[3] not in (k[0], "public")]
    assert strays == []


def test_public_tables_referenced_by_tenant_schemas_can_be_reference_tables(school_a, school_b, la):
    # Today no tenant table has a foreign key into public: the shared models (organisations, users,
    # memberships, the platform audit trail) are referred to by id or UUID without a constraint,
    # so Citus needs no reference table at all. If one appears, it and everything it points at
    # must have a primary key and must not point into any organisation's schema.
    keys = _foreign_keys(_tenant_schemas(school_a, school_b, la))
    into_public = sorted({k[4] for k in keys if k[3] == "public"})
    assert into_public == []
    _assert_fit_to_be_reference_tables(into_public)


def _assert_fit_to_be_reference_tables(tables: list[str]) -> None:
    with_primary_key = _tables_with_primary_key("public")
    seen: set[str] = set()
    pending = list(tables)
    while pending:
        table = pending.pop()
        if table in seen:
            continue
        seen.add(table)
        assert table in with_primary_key, f"public.{table} has no primary key"
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rn.nspname, rc.relname FROM pg_catalog.pg_constraint co "
                "JOIN pg_catalog.pg_class c ON c.oid = co.conrelid "
                "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                "JOIN pg_catalog.pg_class rc ON rc.oid = co.confrelid "
                "JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace "
                "WHERE co.contype = 'f' AND n.nspname = 'public' AND c.relname = %s",
                [table],
            )
            for schema, referenced in cursor.fetchall():
                assert schema == "public", f"public.{table} points into {schema}.{referenced}"
                pending.append(referenced)


def test_reference_table_check_rejects_a_public_table_that_points_into_a_school(school_a):
    # The check above passes vacuously today; prove it would catch a real problem.
    quoted = connection.ops.quote_name(school_a.schema_name)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {quoted}.citus_probe_target (id bigint PRIMARY KEY)")
        cursor.execute(
            "CREATE TABLE public.citus_probe_shared (id bigint PRIMARY KEY, "
            f"target_id bigint REFERENCES {quoted}.citus_probe_target (id))"
        )
        cursor.execute("CREATE TABLE public.citus_probe_keyless (id bigint)")
    try:
        _assert_fit_to_be_reference_tables(["citus_probe_shared"])
    except AssertionError as error:
        assert "points into" in str(error)
    else:
        raise AssertionError("a public table pointing into a school's schema was accepted")
    try:
        _assert_fit_to_be_reference_tables(["citus_probe_keyless"])
    except AssertionError as error:
        assert "no primary key" in str(error)
    else:
        raise AssertionError("a public table without a primary key was accepted")


# --- No statement names two schemas -----------------------------------------------------------

_SQL = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|FROM|JOIN)\b")
# A schema placeholder used as a qualifier: {schema}. or "{template}". or psycopg's {}.
_QUALIFIER = re.compile(r'"?\{([^{}]*)\}"?\.')

# The only statements that name two schemas. Both are in provisioning by cloning, copy from the
# template (never from another organisation) and run on the coordinator; under Citus the template
# is kept as a local, undistributed schema (infra/README.md).
KNOWN_TWO_SCHEMA_STATEMENTS = {
    (
        "tenants/cloning.py",
        'CREATE TABLE {schema}."{table}" (LIKE "{template}"."{table}" INCLUDING DEFAULTS INCLUDING IDENTITY '
        "INCLUDING GENERATED INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMMENTS{extra})",
    ),
    (
        "tenants/cloning.py",
        'INSERT INTO {schema}."django_migrations" (app, name, applied) '
        'SELECT app, name, applied FROM "{template}"."django_migrations" ORDER BY id',
    ),
}


def _text(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            part.value if isinstance(part, ast.Constant) else "{" + ast.unparse(part.value) + "}"
            for part in node.values
        )
    return None


def _source_files():
    for folder in ("tenants", "send_core", "graphql", "integrations", "platform"):
        yield from (REPO / folder).rglob("*.py")


def _two_schema_literals(source: str) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(source)):
        text = _text(node)
        if text and _SQL.search(text):
            qualifiers = _QUALIFIER.findall(text)
            named = set(qualifiers) - {""}
            # Two differently named placeholders, or psycopg's positional {} used twice as a qualifier.
            if len(named) > 1 or (named and "" in qualifiers) or qualifiers.count("") > 1:
                found.add(text)
    return found


def test_the_scan_sees_a_statement_naming_two_schemas():
    source = 'sql = f"SELECT * FROM {a}.pupils p JOIN {b}.pupils q ON p.upn = q.upn"\n'
    assert _two_schema_literals(source) == {"SELECT * FROM {a}.pupils p JOIN {b}.pupils q ON p.upn = q.upn"}
    assert _two_schema_literals('sql = f"SELECT * FROM {a}.pupils"\n') == set()


def test_no_statement_names_two_schemas_except_copying_from_the_template():
    found = set()
    for path in _source_files():
        if "migrations" in path.parts:
            continue
        for text in _two_schema_literals(path.read_text()):
            found.add((path.relative_to(REPO).as_posix(), text))
    assert found == KNOWN_TWO_SCHEMA_STATEMENTS


def test_fleet_migration_reads_many_schemas_only_through_single_schema_parts():
    # migration_states() asks many schemas for their migration digest in one UNION ALL; each part
    # names exactly one schema and reads only django_migrations, never pupil data. Under Citus it
    # is one query per worker's schemas at worst; it never joins two schemas' rows together.
    source = (REPO / "tenants/migrating.py").read_text()
    assert 'sql.SQL(" UNION ALL ").join(parts)' in source
    assert "FROM {}.django_migrations" in source
    assert source.count("UNION ALL") == 1
    assert source.count("JOIN {}") == 0
