"""A cloned schema is the template's equal: same tables, columns, constraints and indexes, by name."""

import re

from django.conf import settings
from django.db import connection, transaction

from tenants.cloning import clone_plan, clone_template_schema

TEMPLATE = settings.CAIRN_TEMPLATE_SCHEMA


def _structure(schema: str) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('search_path')")
        (search_path,) = cursor.fetchone()
        cursor.execute("SET LOCAL search_path TO pg_catalog")
        cursor.execute(
            "SELECT table_name, column_name, data_type, is_nullable, is_identity, character_maximum_length, "
            "regexp_replace(coalesce(column_default, ''), '\\w+\\.', '', 'g') "
            "FROM information_schema.columns WHERE table_schema = %s ORDER BY 1, 2",
            [schema],
        )
        columns = cursor.fetchall()
        cursor.execute(
            "SELECT cl.relname, co.conname, co.contype, pg_get_constraintdef(co.oid) FROM pg_constraint co "
            "JOIN pg_class cl ON cl.oid = co.conrelid JOIN pg_namespace n ON n.oid = cl.relnamespace "
            "WHERE n.nspname = %s ORDER BY 1, 2",
            [schema],
        )
        constraints = [(t, n, k, d.replace(f"{schema}.", "S.")) for t, n, k, d in cursor.fetchall()]
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = %s ORDER BY 1", [schema])
        indexes = [(n, re.sub(rf"\b{schema}\.", "S.", d)) for n, d in cursor.fetchall()]
        cursor.execute(
            f'SELECT app, name FROM "{schema}".django_migrations ORDER BY app, name'  # noqa: S608
        )
        migrations = cursor.fetchall()
        cursor.execute(f"SET LOCAL search_path TO {search_path}")
    return {"columns": columns, "constraints": constraints, "indexes": indexes, "migrations": migrations}


def test_the_clone_matches_the_template_object_for_object(db):
    with transaction.atomic():
        clone_template_schema(TEMPLATE, "clone_check")
        template, clone = _structure(TEMPLATE), _structure("clone_check")
    assert template["columns"] and template["indexes"] and template["migrations"]
    assert clone == template


def test_the_plan_is_reused_until_the_template_changes(db):
    first = clone_plan(TEMPLATE)
    assert clone_plan(TEMPLATE) is first
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE TABLE "{TEMPLATE}".probe_table (id bigint PRIMARY KEY)')
        changed = clone_plan(TEMPLATE)
        assert changed is not first and "probe_table" in changed.tables
        transaction.set_rollback(True)


def test_a_spare_becomes_the_new_schema_and_matches_the_template(db):
    from tenants.cloning import refill_spare_schemas, spare_schemas, take_spare_schema

    with transaction.atomic():
        refill_spare_schemas(TEMPLATE, 2)
        before = spare_schemas()
        assert len(before) >= 2
        assert take_spare_schema(TEMPLATE, "from_spare")
        assert len(spare_schemas()) == len(before) - 1
        assert _structure("from_spare") == _structure(TEMPLATE)
        transaction.set_rollback(True)


def test_a_spare_that_fell_behind_the_template_is_never_used(db):
    from tenants.cloning import refill_spare_schemas, spare_schemas, take_spare_schema

    with transaction.atomic():
        refill_spare_schemas(TEMPLATE, 1)
        with connection.cursor() as cursor:
            # A deploy migrates the template; the spares still hold the old structure.
            cursor.execute(
                f"INSERT INTO \"{TEMPLATE}\".django_migrations (app, name, applied) VALUES ('x', '0099_new', now())"
            )
        assert not take_spare_schema(TEMPLATE, "stale_check")
        made = refill_spare_schemas(TEMPLATE, 1)
        assert made == 1 and len(spare_schemas()) == 1
        assert take_spare_schema(TEMPLATE, "fresh_check")
        assert ("x", "0099_new") in _structure("fresh_check")["migrations"]
        transaction.set_rollback(True)
