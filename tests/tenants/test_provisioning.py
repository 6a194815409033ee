"""Provisioning clones the migrated template schema; off-boarding exports, then drops."""

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django_tenants.utils import schema_context, schema_exists
from send_platform.audit.models import AuditEvent
from send_platform.audit.services import record_event

from tenants import services
from tenants.exports import read_export
from tenants.models import Domain, Invitation, Organisation
from tenants.roles import OrganisationKind


def _applied(schema: str) -> set[tuple[str, str]]:
    with schema_context(schema):
        return set(MigrationRecorder(connection).applied_migrations())


def test_provisioning_clones_the_template_without_running_migrations(la, monkeypatch):
    def no_migrations(*args, **kwargs):
        raise AssertionError("provisioning must not run migrations")

    monkeypatch.setattr(services, "call_command", no_migrations)
    result = services.provision_organisation(
        kind=OrganisationKind.SCHOOL,
        name="Elm Tree Primary",
        slug="elm-tree",
        urn="991010",
        la_code="991",
        establishment_number="2110",
        phase="primary",
        local_authority=la,
        first_member_email="SENCO@elmtree.example.org",
    )
    org = result.organisation
    assert schema_exists(org.schema_name)
    assert _applied(org.schema_name) == _applied(settings.CAIRN_TEMPLATE_SCHEMA)
    assert ("audit", "0001_initial") in _applied(org.schema_name)
    assert Domain.objects.get(tenant=org).domain == f"elm-tree.{settings.BASE_DOMAIN}"
    invitation = Invitation.objects.get(organisation=org)
    assert invitation.email == "senco@elmtree.example.org" and invitation.role == "senco"
    # The new schema works: its audit table takes a row that no other schema sees.
    with schema_context(org.schema_name):
        record_event(actor=None, action="create", object_type="probe", object_id=1)
        assert AuditEvent.objects.filter(object_type="probe").count() == 1
    with schema_context(settings.CAIRN_TEMPLATE_SCHEMA):
        assert not AuditEvent.objects.exists()


def test_a_bad_organisation_leaves_nothing_behind(la):
    with pytest.raises(Exception):
        services.provision_organisation(
            kind=OrganisationKind.SCHOOL,
            name="Bad",
            slug="bad-school",
            urn="12",
            la_code="991",
            establishment_number="2111",
            phase="primary",
            local_authority=la,
        )
    assert not Organisation.objects.filter(slug="bad-school").exists()
    assert not schema_exists("org_bad_school")


def test_first_member_role_must_suit_the_kind(la):
    with pytest.raises(Exception) as error:
        services.provision_organisation(
            kind=OrganisationKind.TRUST,
            name="Oak Trust",
            slug="oak-trust",
            first_member_email="x@example.org",
            first_member_role="caseworker",
        )
    assert "is not a role in a multi-academy trust" in str(error.value)
    assert not Organisation.objects.filter(slug="oak-trust").exists()


def test_offboarding_exports_then_drops_the_schema(la, tmp_path, settings):
    settings.DATA_DIR = tmp_path
    org = services.provision_organisation(
        kind=OrganisationKind.TRUST, name="Leaving Trust", slug="leaving"
    ).organisation
    with schema_context(org.schema_name):
        record_event(actor=None, action="create", object_type="probe", object_id=42)
    path = services.offboard_organisation(organisation=org)
    assert not schema_exists(org.schema_name)
    assert not Organisation.objects.filter(slug="leaving").exists()
    assert path.stat().st_mode & 0o777 == 0o600
    raw = path.read_bytes()
    assert b"probe" not in raw and b"auditevent" not in raw  # sealed, not merely compressed
    exported = read_export(path)
    assert any(row["model"] == "audit.auditevent" and row["fields"]["object_id"] == "42" for row in exported["records"])
    assert AuditEvent.objects.filter(action="offboard").exists()


def test_an_offboarded_schools_documents_go_into_the_export_and_their_files_are_deleted(
    la, member, tmp_path, settings, django_capture_on_commit_callbacks
):
    import base64
    import io

    from send_core.services.documents import upload_document
    from tests.send_core.factories import PupilFactory

    settings.DATA_DIR = tmp_path
    media = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(media)}},
    }
    school = services.provision_organisation(
        kind=OrganisationKind.SCHOOL,
        name="Closing Primary",
        slug="closing",
        urn="991031",
        la_code="991",
        establishment_number="2131",
        phase="primary",
        local_authority=la,
    ).organisation
    senco = member(school, "senco")
    content = b"%PDF-1.7\nEducational psychology report for the pupil (marker 8842)\n%%EOF\n"
    with schema_context(school.schema_name):
        pupil = PupilFactory()
        upload_document(
            pupil,
            uploaded_by=senco,
            title="EP report",
            kind="report",
            content=io.BytesIO(content),
            original_filename="report.pdf",
        )
        with connection.cursor() as cursor:
            # In one test transaction the new rows' deferred checks would block dropping their tables.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert [p for p in media.rglob("*") if p.is_file()]
    with django_capture_on_commit_callbacks(execute=True):
        path = services.offboard_organisation(organisation=school)
    assert not [p for p in media.rglob("*") if p.is_file()]
    (document,) = read_export(path)["documents"]
    assert base64.b64decode(document["content_base64"]) == content
    assert b"marker 8842" not in path.read_bytes()


def test_an_export_sealed_under_another_master_key_or_altered_is_refused(tmp_path, settings):
    from tenants.exports import ExportUnreadable, write_export

    path = write_export(tmp_path / "x.cairn-export", {"a": 1})
    assert read_export(path) == {"a": 1}
    data = bytearray(path.read_bytes())
    data[-5] ^= 1
    (tmp_path / "y.cairn-export").write_bytes(bytes(data))
    with pytest.raises(ExportUnreadable):
        read_export(tmp_path / "y.cairn-export")
    settings.CAIRN_MASTER_KEY = "another-master-key-entirely-0123456789abcdef"
    with pytest.raises(ExportUnreadable):
        read_export(path)


def test_a_local_authority_with_schools_cannot_be_offboarded(la, school_a):
    with pytest.raises(Exception) as error:
        services.offboard_organisation(organisation=la)
    assert "still has schools" in str(error.value)
    assert schema_exists(la.schema_name)


def test_an_organisation_others_rely_on_is_not_offboarded(la, member, tmp_path, settings):
    from integrations.exchange.services import send_envelope

    settings.DATA_DIR = tmp_path
    school = services.provision_organisation(
        kind=OrganisationKind.SCHOOL,
        name="Linked Primary",
        slug="linked",
        urn="991030",
        la_code="991",
        establishment_number="2130",
        phase="primary",
        local_authority=la,
    ).organisation
    senco = member(school, "senco")
    send_envelope(
        sender=school, recipient=la, kind="ehc_request", subject="EHC request 1", payload={"a": 1}, sent_by=senco
    )
    with pytest.raises(Exception) as error:
        services.offboard_organisation(organisation=school)
    assert "still has records other organisations rely on" in str(error.value)
    assert schema_exists(school.schema_name)
    assert Organisation.objects.filter(slug="linked").exists()
