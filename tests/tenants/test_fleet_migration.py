"""Fleet migration: only schemas that are behind are touched, by replaying the SQL worked out once."""

import threading

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django_tenants.utils import schema_context

from tenants import migrating
from tenants.cloning import SPARE_PREFIX, clone_template_schema
from tenants.migrating import migrate_fleet, migration_states
from tests.tenants.test_cloning import _structure

TEMPLATE = settings.CAIRN_TEMPLATE_SCHEMA
# The newest send_core migration creates one table; schemas made "behind" lack exactly it.
NEWEST = ("send_core", "0004_pending_import")
PREVIOUS = ("send_core", "0003_register_census_rules")
NEW_TABLE = "send_core_pendingimport"


def _behind(name: str) -> str:
    """A spare-named clone of the template with the newest send_core migration reversed."""
    schema = SPARE_PREFIX + name
    clone_template_schema(TEMPLATE, schema)
    connection.set_schema(schema)
    try:
        MigrationExecutor(connection).migrate([PREVIOUS])
    finally:
        connection.set_schema_to_public()
    return schema


def _up_to_date(name: str) -> str:
    schema = SPARE_PREFIX + name
    clone_template_schema(TEMPLATE, schema)
    return schema


def _applied(schema: str) -> set:
    with schema_context(schema):
        return set(MigrationRecorder(connection).applied_migrations())


def test_the_recorder_looks_for_django_migrations_in_its_own_schema_only(db):
    assert MigrationRecorder.has_table is migrating.schema_has_table
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute('CREATE SCHEMA "fleet_empty"')
        for schema, expected in [(TEMPLATE, True), ("fleet_empty", False), ("public", True)]:
            # include_public=False, as django-tenants checks before migrating: public's table must not count.
            connection.set_schema(schema, include_public=False)
            try:
                fast = migrating.schema_has_table(MigrationRecorder(connection))
                listed = migrating._original_has_table(MigrationRecorder(connection))
            finally:
                connection.set_schema_to_public()
            assert fast is expected and listed is expected, schema
        transaction.set_rollback(True)


def test_a_schema_behind_by_one_migration_is_replayed_to_the_template_and_the_rest_are_skipped(db):
    with transaction.atomic():
        behind, current = _behind("fleetbehind"), _up_to_date("fleetcurrent")
        assert NEWEST not in _applied(behind) and NEWEST in _applied(current)
        assert _structure(behind) != _structure(TEMPLATE)

        result = migrate_fleet(workers=1, stdout=None, shared=False)

        assert result.replayed == [behind]
        assert result.migrated == [] and result.failures == {}
        assert result.up_to_date == result.total - 1  # the clone and the test organisations
        assert _structure(behind) == _structure(TEMPLATE)
        states = migration_states([TEMPLATE, behind, current])
        assert states[behind] == states[current] == states[TEMPLATE]
        transaction.set_rollback(True)


def test_a_failing_schema_is_reported_and_the_others_still_migrate(db):
    with transaction.atomic():
        first, broken, last = _behind("fleeta"), _behind("fleetb"), _behind("fleetc")
        with connection.cursor() as cursor:
            # Someone made a table by hand where the migration wants to create one.
            cursor.execute(f'CREATE TABLE "{broken}"."{NEW_TABLE}" (x int)')

        result = migrate_fleet(workers=1, stdout=None, shared=False)

        assert set(result.failures) == {broken}
        assert "already exists" in result.failures[broken]
        assert sorted(result.replayed) == [first, last]
        assert _structure(first) == _structure(last) == _structure(TEMPLATE)
        assert NEWEST not in _applied(broken)  # its transaction was rolled back, records and all
        transaction.set_rollback(True)


def test_an_interrupted_run_resumes_with_only_what_is_behind(db, monkeypatch):
    with transaction.atomic():
        schemas = [_behind("fleetx"), _behind("fleety"), _behind("fleetz")]
        real = migrating._replay_one
        calls = []

        def interrupted_on_the_second(cursor, schema, replay):
            calls.append(schema)
            if len(calls) == 2:
                raise KeyboardInterrupt
            return real(cursor, schema, replay)

        monkeypatch.setattr(migrating, "_replay_one", interrupted_on_the_second)
        with pytest.raises(KeyboardInterrupt):
            migrate_fleet(workers=1, stdout=None, shared=False)
        assert NEWEST in _applied(calls[0]) and NEWEST not in _applied(calls[1])

        monkeypatch.setattr(migrating, "_replay_one", real)
        result = migrate_fleet(workers=1, stdout=None, shared=False)
        assert sorted(result.replayed) == sorted(s for s in schemas if s != calls[0])
        assert result.failures == {}
        for schema in schemas:
            assert _structure(schema) == _structure(TEMPLATE)
        transaction.set_rollback(True)


def test_a_schema_whose_state_has_no_replay_is_migrated_the_ordinary_way(db):
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Half-made: the schema exists but nothing was ever recorded in it.
            cursor.execute(f'CREATE SCHEMA "{SPARE_PREFIX}fleetempty"')

        result = migrate_fleet(workers=1, stdout=None, shared=False)

        assert result.migrated == [f"{SPARE_PREFIX}fleetempty"] and result.replayed == []
        assert _structure(f"{SPARE_PREFIX}fleetempty") == _structure(TEMPLATE)
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_parallel_replay_commits_each_schema_on_its_own_connection():
    # The workers open connections of their own, so the schemas must be committed: this runs in a
    # thread with its own Django connection, outside the test's transaction, and drops what it made.
    outcome: dict = {}
    names = ["fleetp1", "fleetp2", "fleetp3", "fleetp4"]

    def run() -> None:
        schemas = []
        try:
            schemas = [_behind(name) for name in names[:3]]
            broken = _behind(names[3])
            schemas.append(broken)
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE TABLE "{broken}"."{NEW_TABLE}" (x int)')
            result = migrate_fleet(workers=2, stdout=None, shared=False, schemas=schemas)
            outcome["result"] = result
            outcome["same"] = [_structure(s) == _structure(TEMPLATE) for s in schemas[:3]]
            outcome["broken_applied"] = NEWEST in _applied(broken)
        except BaseException as error:  # noqa: BLE001 - re-raised in the test's thread
            outcome["error"] = error
        finally:
            with connection.cursor() as cursor:
                for name in names:
                    cursor.execute(f'DROP SCHEMA IF EXISTS "{SPARE_PREFIX}{name}" CASCADE')
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    result = outcome["result"]
    assert sorted(result.replayed) == [SPARE_PREFIX + name for name in names[:3]]
    assert set(result.failures) == {SPARE_PREFIX + names[3]}
    assert outcome["same"] == [True, True, True]
    assert outcome["broken_applied"] is False
