"""An uploaded MIS export is held sealed in the school's own schema for an hour, never in the session."""

from __future__ import annotations

import base64
import datetime

import pytest
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from send_core import tasks
from send_core.models import PendingImport, Pupil
from send_core.services.held_imports import (
    EXPIRED_MESSAGE,
    HeldImportUnavailable,
    hold_pupil_import,
    read_held_import,
    sweep_held_imports,
)
from send_core.services.importing import DEFAULT_MAPPING
from send_core.upn import make_upn
from tenants import tasks as tenant_tasks

HEADER = "UPN,Legal Forename,Preferred Forename,Legal Surname,DOB,Gender,Year,Reg Group,Admission Date,EAL,Pupil Premium,Looked After\n"
UPN = make_upn("881", "2101", 25, 731)
ROW = f"{UPN},Zephyrine,,Quillfeather,04/03/2017,F,3,3 Owls,01/09/2021,N,Y,N\n"
CSV = (HEADER + ROW).encode()


def upload(client):
    return client.post("/pupils/import/", {"file": SimpleUploadedFile("roll.csv", CSV, content_type="text/csv")})


def all_session_data() -> str:
    connection.set_schema_to_public()
    return "".join(str(session.get_decoded()) + session.session_data for session in Session.objects.all())


def test_the_session_holds_only_an_id_and_the_stored_bytes_are_sealed(school, in_schema):
    client = school.client("senco")
    assert upload(client).status_code == 302
    assert "Quillfeather" not in all_session_data() and UPN not in all_session_data()
    assert "UPN,Legal" not in all_session_data()
    assert base64.b64encode(CSV).decode()[:40] not in all_session_data()  # not even encoded
    assert len(str(client.session["cairn_pupil_import"])) == 36  # a row id, nothing more
    held_id = client.session["cairn_pupil_import"]
    with in_schema(school.organisation):
        held = PendingImport.objects.get(pk=held_id)
        stored = bytes(held.sealed) + bytes(held.wrapped_key)
        assert b"Quillfeather" not in stored and UPN.encode() not in stored and b"UPN,Legal" not in stored
        assert held.uploaded_by == school.people["senco"]
        assert datetime.timedelta(minutes=59) < held.expires_at - held.created_at <= datetime.timedelta(hours=1)
    assert "Quillfeather" in client.post("/pupils/import/columns/", DEFAULT_MAPPING).content.decode()
    assert client.post("/pupils/import/confirm/", DEFAULT_MAPPING).status_code == 302
    with in_schema(school.organisation):
        assert Pupil.objects.filter(upn=UPN).exists()
        assert not PendingImport.objects.exists()  # deleted once imported


def test_another_school_cannot_read_the_held_file(school, school_b, member, client_for, in_schema):
    client = school.client("senco")
    upload(client)
    held_id = client.session["cairn_pupil_import"]
    with in_schema(school.organisation):
        held = PendingImport.objects.get(pk=held_id)
    # The row is not in school B's schema, so B's SENCO holding A's id reaches nothing.
    other_senco = member(school_b, "senco")
    other = client_for(other_senco, school_b)
    session = other.session
    session["cairn_pupil_import"] = held_id
    session.save()
    response = other.get("/pupils/import/columns/")
    assert response.status_code == 302 and response["Location"] == "/pupils/import/"
    # Even a copy of the row in B's schema cannot be opened there: the key is wrapped for A.
    with in_schema(school_b):
        PendingImport.objects.create(
            id=held.id,
            file_name=held.file_name,
            size=held.size,
            wrapped_key=held.wrapped_key,
            sealed=held.sealed,
            uploaded_by=other_senco,
            expires_at=held.expires_at,
        )
        with pytest.raises(HeldImportUnavailable):
            read_held_import(held_id, user=other_senco)
        assert not Pupil.objects.filter(upn=UPN).exists()


def test_only_the_uploader_reads_it(school, in_schema):
    with in_schema(school.organisation):
        held = hold_pupil_import(CSV, "roll.csv", uploaded_by=school.people["senco"])
        assert read_held_import(held.pk, user=school.people["senco"]) == ("roll.csv", CSV)
        with pytest.raises(HeldImportUnavailable):
            read_held_import(held.pk, user=school.people["headteacher"])


def test_an_expired_file_is_refused_with_a_clear_message_and_swept(school, in_schema):
    client = school.client("senco")
    upload(client)
    with in_schema(school.organisation):
        PendingImport.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
        fresh = hold_pupil_import(CSV, "later.csv", uploaded_by=school.people["headteacher"])
    response = client.post("/pupils/import/confirm/", DEFAULT_MAPPING, follow=True)
    assert response.redirect_chain[-1][0] == "/pupils/import/"
    assert "a checked file is held for an hour, and this one has expired" in response.content.decode()
    assert EXPIRED_MESSAGE.startswith("Upload the file again")
    with in_schema(school.organisation):
        assert not Pupil.objects.filter(upn=UPN).exists()
        assert sweep_held_imports() == 1
        assert list(PendingImport.objects.values_list("pk", flat=True)) == [fresh.pk]


def test_beat_sweeps_every_school_in_its_own_schema_and_clears_sessions(school_a, school_b, la, monkeypatch):
    sent = []
    monkeypatch.setattr(
        tasks.sweep_held_imports_task, "apply_async", lambda *, countdown: sent.append(connection.schema_name)
    )
    connection.set_schema_to_public()
    assert tasks.sweep_held_imports_everywhere() == len(sent)
    assert {school_a.schema_name, school_b.schema_name} <= set(sent) and la.schema_name not in sent
    assert len(set(sent)) == len(sent)

    old = Session.objects.create(
        session_key="x" * 32, session_data="e30:", expire_date=timezone.now() - datetime.timedelta(days=1)
    )
    live = Session.objects.create(
        session_key="y" * 32, session_data="e30:", expire_date=timezone.now() + datetime.timedelta(days=1)
    )
    tenant_tasks.clear_expired_sessions_task()
    assert not Session.objects.filter(pk=old.pk).exists() and Session.objects.filter(pk=live.pk).exists()


def test_beat_runs_both_sweeps(settings):
    tasks_scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"send_core.sweep_held_imports_everywhere", "tenants.clear_expired_sessions"} <= tasks_scheduled
