"""Each organisation's key is salted with its own random bytes, so a reused schema name opens nothing old."""

from __future__ import annotations

import importlib
import io

import pytest
from django.apps import apps
from django.db import connection
from django_tenants.utils import schema_context
from send_platform.crypto import DocumentIntegrityError, open_decrypted, unwrap_key

from tenants import services
from tenants.models import Organisation, OrganisationKind


def _provision(la, slug: str) -> Organisation:
    return services.provision_organisation(
        kind=OrganisationKind.SCHOOL,
        name="Reused Name Primary",
        slug=slug,
        urn="991041",
        la_code="991",
        establishment_number="2141",
        phase="primary",
        local_authority=la,
    ).organisation


def test_a_school_created_under_an_offboarded_schools_schema_name_cannot_read_its_documents(
    la, member, tmp_path, settings, django_capture_on_commit_callbacks
):
    from send_core.services.documents import upload_document
    from tests.send_core.factories import PupilFactory

    settings.DATA_DIR = tmp_path
    media = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(media)}},
    }
    first = _provision(la, "reused")
    senco = member(first, "senco")
    content = b"%PDF-1.7\nSpeech and language therapy report (marker 7314)\n%%EOF\n"
    with schema_context(first.schema_name):
        document = upload_document(
            PupilFactory(),
            uploaded_by=senco,
            title="SaLT report",
            kind="report",
            content=io.BytesIO(content),
            original_filename="salt.pdf",
        )
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    # What a backup, a stale copy or a careless restore could still hold after off-boarding.
    left_behind = (media / document.storage_name).read_bytes()
    wrapped, name, sha256 = bytes(document.wrapped_key), document.storage_name, document.sha256
    with django_capture_on_commit_callbacks(execute=True):
        services.offboard_organisation(organisation=first)

    second = _provision(la, "reused")
    assert second.schema_name == first.schema_name
    assert bytes(second.key_salt) != bytes(first.key_salt)
    assert second.reads_unsalted_keys is False
    with pytest.raises(DocumentIntegrityError):
        unwrap_key(wrapped, second.schema_name)
    (media / name).parent.mkdir(parents=True, exist_ok=True)
    (media / name).write_bytes(left_behind)
    with schema_context(second.schema_name), pytest.raises(DocumentIntegrityError):
        b"".join(open_decrypted(name, wrapped, sha256, schema_name=second.schema_name))


def test_the_migration_gives_each_existing_organisation_its_own_salt_and_keeps_legacy_keys_readable(
    school_a, school_b, la
):
    migration = importlib.import_module("tenants.migrations.0004_organisation_key_salt")
    migration.give_each_organisation_its_own_salt(apps, None)
    rows = list(Organisation.objects.values_list("key_salt", "reads_unsalted_keys"))
    salts = [bytes(salt) for salt, _legacy in rows]
    assert len(rows) >= 3
    assert all(len(salt) == 32 for salt in salts)
    assert len(set(salts)) == len(salts)
    assert all(legacy for _salt, legacy in rows)


def test_a_new_organisation_gets_a_random_salt_and_reads_no_legacy_key(la):
    organisation = _provision(la, "fresh-start")
    assert len(bytes(organisation.key_salt)) == 32
    assert organisation.reads_unsalted_keys is False
