"""Master-key rotation: `manage.py rewrap_keys` moves every wrapped key to the current master key."""

from __future__ import annotations

import hashlib
import hmac
import io
import secrets
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.management import CommandError, call_command
from send_platform import crypto

from integrations.exchange import sealing
from integrations.exchange import services as exchange
from send_core.models import Document
from send_core.services.documents import upload_document
from tenants.authenticators import device_secret, new_device
from tenants.exports import read_export, write_export
from tenants.models import Organisation
from tests.send_core.factories import PupilFactory

OLD = secrets.token_urlsafe(64)
NEW = secrets.token_urlsafe(64)
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\nEducational psychology report (marker 6620)\n%%EOF\n"


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path) -> Path:
    """Stored files and exports in a fresh folder; documents sealed under OLD to begin with."""
    settings.DATA_DIR = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    settings.CAIRN_DOCUMENT_SCANNER = "integrations.exchange.scanning.RefuseUnknownTypesScanner"
    settings.CAIRN_MASTER_KEY, settings.CAIRN_MASTER_KEYS_OLD = OLD, []
    (tmp_path / "exports").mkdir()
    return tmp_path


def _rotate(settings, *, keep_old: bool = True) -> None:
    settings.CAIRN_MASTER_KEY, settings.CAIRN_MASTER_KEYS_OLD = NEW, [OLD] if keep_old else []


def _rewrap() -> str:
    out = io.StringIO()
    call_command("rewrap_keys", stdout=out)
    return out.getvalue()


def _upload(organisation, senco, in_schema, content: bytes = PDF) -> Document:
    with in_schema(organisation):
        pupil = PupilFactory()
        return upload_document(
            pupil,
            uploaded_by=senco,
            title="EP report",
            kind="report",
            content=io.BytesIO(content),
            original_filename="r.pdf",
        )


def _read(document: Document, organisation, in_schema) -> bytes:
    with in_schema(organisation):
        document.refresh_from_db()
        return b"".join(
            crypto.open_decrypted(
                document.storage_name,
                bytes(document.wrapped_key),
                document.sha256,
                schema_name=organisation.schema_name,
            )
        )


def _hkdf(ikm: bytes, info: bytes) -> bytes:
    """RFC 5869 HKDF-SHA256 with no salt, written out independently of the code under test."""
    prk = hmac.new(b"\x00" * 32, ikm, hashlib.sha256).digest()
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()


def _legacy_wrap(data_key: bytes, schema: str, master: str) -> bytes:
    """The wrapping Cairn wrote before key ids and salts (format 1)."""
    kek = _hkdf(master.encode(), b"cairn/organisation-key/v1/" + schema.encode())
    nonce = secrets.token_bytes(12)
    return b"\x01" + nonce + AESGCM(kek).encrypt(nonce, data_key, b"cairn/data-key/v1/" + schema.encode())


def _make_legacy(document: Document, organisation, in_schema) -> None:
    """Turn a document's key into the legacy wrapping, as an organisation older than the salt holds it."""
    Organisation.objects.filter(pk=organisation.pk).update(reads_unsalted_keys=True)
    with in_schema(organisation):
        data_key = crypto.unwrap_key(bytes(document.wrapped_key), organisation.schema_name)
        Document.objects.filter(pk=document.pk).update(
            wrapped_key=_legacy_wrap(data_key, organisation.schema_name, OLD)
        )


def test_rotation_moves_every_key_then_the_old_master_key_can_go(
    settings, data_dir, school_a, school_b, la, member, in_schema
):
    senco_a, senco_b = member(school_a, "senco"), member(school_b, "senco")
    document_a = _upload(school_a, senco_a, in_schema)
    document_b = _upload(school_b, senco_b, in_schema)
    _make_legacy(document_b, school_b, in_schema)
    envelope = exchange.send_envelope(
        sender=school_a,
        recipient=la,
        kind="ehc_request",
        subject="EHC request 2026-031",
        payload={"summary": "marker 6621"},
        documents=[("Educational psychology report", io.BytesIO(PDF))],
        sent_by=senco_a,
    )
    export = write_export(data_dir / "exports" / "closed-school.cairn-export", {"records": ["marker 6622"]})
    device = new_device(senco_a)
    secret = device_secret(device)

    _rotate(settings)
    output = _rewrap()

    assert f"master key {crypto.current_master_key().label}" in output
    assert f"{school_a.schema_name} ({school_a.name}): documents: 1 re-wrapped, 0 already current" in output
    assert "exchange keys: 2 re-wrapped" in output  # the envelope's and its document's, on each side
    assert f"{school_b.schema_name} ({school_b.name}): documents: 1 re-wrapped" in output
    assert "Off-boarding exports: 1 re-wrapped, 0 already current" in output
    assert "Authenticator apps: 1 re-wrapped, 0 already current" in output
    assert "COULD NOT BE OPENED" not in output

    # The old key is no longer needed by anything.
    settings.CAIRN_MASTER_KEYS_OLD = []
    assert _read(document_a, school_a, in_schema) == PDF
    assert _read(document_b, school_b, in_schema) == PDF
    envelope.refresh_from_db()
    for organisation, wrapped in ((school_a, envelope.wrapped_key_sender), (la, envelope.wrapped_key_recipient)):
        payload = sealing.open_payload(
            envelope.payload_sealed,
            wrapped,
            reference=envelope.reference,
            payload_version=envelope.payload_version,
            schema_name=organisation.schema_name,
        )
        assert payload["summary"] == "marker 6621"
    (stored,) = envelope.documents.all()
    assert b"marker 6620" in b"".join(
        sealing.document_chunks(
            stored.storage_name, stored.wrapped_key_recipient, stored.sha256, schema_name=la.schema_name
        )
    )
    assert read_export(export) == {"records": ["marker 6622"]}
    device.refresh_from_db()
    assert device_secret(device) == secret

    # Every legacy key of school B has moved, so it stops reading that wrapping altogether.
    school_b.refresh_from_db()
    assert school_b.reads_unsalted_keys is False
    # And a key stays its own organisation's: school B cannot open school A's document.
    with in_schema(school_a):
        document_a.refresh_from_db()
    with pytest.raises(crypto.DocumentIntegrityError):
        crypto.unwrap_key(bytes(document_a.wrapped_key), school_b.schema_name)

    # Run again: nothing left to do.
    again = _rewrap()
    assert "Total: 0 re-wrapped" in again


def test_each_organisation_records_the_rewrap_in_its_own_trail(settings, school_a, member, in_schema):
    from send_platform.audit.models import AuditEvent

    _upload(school_a, member(school_a, "senco"), in_schema)
    _rotate(settings)
    _rewrap()
    with in_schema(school_a):
        (event,) = AuditEvent.objects.filter(object_type="master_key")
        assert event.object_id == crypto.current_master_key().label
        assert event.detail["documents"]["rewrapped"] == 1


def test_an_interrupted_run_resumes_where_it_stopped(settings, school_a, member, in_schema, monkeypatch):
    from send_core.services import rewrapping

    senco = member(school_a, "senco")
    first, second = _upload(school_a, senco, in_schema), _upload(school_a, senco, in_schema)
    _rotate(settings)
    real, calls = rewrapping.rewrap_key, []

    def stop_on_the_second(wrapped, schema_name):
        calls.append(schema_name)
        if len(calls) == 2:
            raise KeyboardInterrupt  # the operator pressed Ctrl-C
        return real(wrapped, schema_name)

    monkeypatch.setattr(rewrapping, "rewrap_key", stop_on_the_second)
    with pytest.raises(KeyboardInterrupt):
        _rewrap()
    monkeypatch.setattr(rewrapping, "rewrap_key", real)

    output = _rewrap()
    assert f"{school_a.schema_name} ({school_a.name}): documents: 1 re-wrapped, 1 already current" in output
    settings.CAIRN_MASTER_KEYS_OLD = []
    assert _read(first, school_a, in_schema) == PDF
    assert _read(second, school_a, in_schema) == PDF


def test_a_key_that_cannot_be_opened_stops_the_old_key_being_dropped(settings, school_b, member, in_schema):
    document = _upload(school_b, member(school_b, "senco"), in_schema)
    _make_legacy(document, school_b, in_schema)
    with in_schema(school_b):
        before = bytes(Document.objects.get(pk=document.pk).wrapped_key)
    _rotate(settings, keep_old=False)  # the old key was forgotten

    with pytest.raises(CommandError, match="could not be opened"):
        _rewrap()
    with in_schema(school_b):
        assert bytes(Document.objects.get(pk=document.pk).wrapped_key) == before  # nothing lost
    school_b.refresh_from_db()
    assert school_b.reads_unsalted_keys is True

    settings.CAIRN_MASTER_KEYS_OLD = [OLD]  # put back, and run again
    assert "documents: 1 re-wrapped" in _rewrap()
    settings.CAIRN_MASTER_KEYS_OLD = []
    assert _read(document, school_b, in_schema) == PDF


def test_a_held_mis_import_is_rewrapped_too(settings, school_a, school_b, member, in_schema):
    from send_core.services.held_imports import hold_pupil_import, read_held_import

    senco = member(school_a, "senco")
    roll = b"UPN,Surname,Forename\nA123456789012,Marker,Roll 5530\n"
    with in_schema(school_a):
        held = hold_pupil_import(roll, "roll.csv", uploaded_by=senco)
    _rotate(settings)
    output = _rewrap()
    assert f"{school_a.schema_name} ({school_a.name}): documents: 0 re-wrapped, 0 already current; " in output
    assert "pending imports: 1 re-wrapped" in output
    settings.CAIRN_MASTER_KEYS_OLD = []
    with in_schema(school_a):
        assert read_held_import(held.pk, user=senco) == ("roll.csv", roll)
    # Another school's schema holds no such row, and its key would not open this one.
    with in_schema(school_b):
        from send_core.models import PendingImport

        assert not PendingImport.objects.filter(pk=held.pk).exists()
    with in_schema(school_a):
        wrapped = bytes(PendingImport.objects.get(pk=held.pk).wrapped_key)
    with pytest.raises(crypto.DocumentIntegrityError):
        crypto.unwrap_key(wrapped, school_b.schema_name)
