"""A document upload never puts plaintext on disk, and sealed files left without a row are swept."""

from __future__ import annotations

import io
import os
import time

import pytest
from django.core.files.uploadedfile import InMemoryUploadedFile, SimpleUploadedFile
from django.db import connection
from django.http.multipartparser import MultiPartParser
from django.test import RequestFactory
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from send_platform.crypto import encrypt_to_storage
from send_platform.uploads import InMemoryUploadHandler, limit_uploads, too_large_message

from send_core import tasks
from send_core.models import Document
from send_core.services import documents as document_services

LIMIT = 3 * 1024 * 1024
LARGE = b"Educational psychologist's report: Amara's working memory is a relative weakness.\n" * 25_000  # ~2 MB
TWO_HOURS_AGO = time.time() - 2 * 3600


@pytest.fixture
def spool_dir(tmp_path, settings):
    """Django's temporary upload folder, where a spooled upload would appear; spooling starts at 1 KB."""
    path = tmp_path / "spool"
    path.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(path)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    settings.CAIRN_DOCUMENT_MAX_BYTES = LIMIT
    return path


@pytest.fixture
def storage(settings, tmp_path):
    path = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(path)}},
    }
    return path


def stored_files(folder):
    return sorted(path for path in folder.rglob("*") if path.is_file())


def upload(school, content: bytes, name: str = "report.txt"):
    return school.client("senco").post(
        school.url("/pupils/{pupil}/documents/new/"),
        {"title": "EP report", "kind": "report", "file": SimpleUploadedFile(name, content)},
    )


def documents_in(school):
    connection.set_tenant(school.organisation)
    try:
        return list(Document.objects.filter(pupil=school.pupil).exclude(storage_name__startswith="documents/0"))
    finally:
        connection.set_schema_to_public()


# --- Uploads stay in memory --------------------------------------------------------------


def test_a_large_upload_never_creates_a_file_in_the_upload_temp_dir(school, spool_dir, storage, monkeypatch):
    seen_while_storing = []
    real_encrypt = document_services.encrypt_to_storage

    def encrypt_and_look(content, **kwargs):
        # The upload has been parsed by now: any spooled copy would be in the folder.
        seen_while_storing.append(list(spool_dir.iterdir()))
        return real_encrypt(content, **kwargs)

    monkeypatch.setattr(document_services, "encrypt_to_storage", encrypt_and_look)
    response = upload(school, LARGE)
    assert response.status_code == 302
    assert seen_while_storing == [[]]
    assert list(spool_dir.iterdir()) == []
    [document] = documents_in(school)
    assert document.size == len(LARGE)
    [stored] = stored_files(storage)
    assert b"working memory" not in stored.read_bytes()


def test_an_over_limit_upload_is_refused_before_anything_is_stored(school, spool_dir, storage, monkeypatch):
    calls = []
    monkeypatch.setattr(document_services, "encrypt_to_storage", lambda *args, **kwargs: calls.append(args))
    response = upload(school, b"x" * (LIMIT + 1))
    assert response.status_code == 400
    assert "The file is larger than the 3 MB limit" in response.content.decode()
    assert calls == []
    assert list(spool_dir.iterdir()) == [] and stored_files(storage) == []
    assert documents_in(school) == []


def parse_alone(body: bytes, request):
    meta = {"CONTENT_TYPE": MULTIPART_CONTENT, "CONTENT_LENGTH": str(len(body))}
    return MultiPartParser(meta, io.BytesIO(body), [InMemoryUploadHandler(request)]).parse()


class FakeRequest:
    upload_refused = None


def test_the_memory_handler_alone_refuses_past_the_document_limit_without_spooling(spool_dir):
    # A view with no limit of its own (the CTF upload, the API) still never spools or holds more.
    request = FakeRequest()
    body = encode_multipart(BOUNDARY, {"note": "x", "document": SimpleUploadedFile("p.pdf", b"a" * (LIMIT + 1))})
    post, files = parse_alone(body, request)
    assert "document" not in files and post["note"] == "x"
    assert request.upload_refused == too_large_message(LIMIT)
    assert list(spool_dir.iterdir()) == []

    request = FakeRequest()
    body = encode_multipart(BOUNDARY, {"document": SimpleUploadedFile("p.pdf", b"a" * LIMIT)})
    post, files = parse_alone(body, request)
    assert isinstance(files["document"], InMemoryUploadedFile) and files["document"].size == LIMIT
    assert request.upload_refused is None
    assert list(spool_dir.iterdir()) == []


def test_settings_use_only_the_memory_handler_and_a_views_own_limit_holds_in_it(settings, spool_dir):
    assert settings.FILE_UPLOAD_HANDLERS == ["send_platform.uploads.InMemoryUploadHandler"]
    request = RequestFactory().post("/x", data={"document": SimpleUploadedFile("p.pdf", b"a" * (LIMIT + 10))})
    limit_uploads(request, LIMIT + 10)  # a view allowing more than the default document limit
    assert request.FILES["document"].size == LIMIT + 10
    assert list(spool_dir.iterdir()) == []


# --- Orphaned sealed files are swept -----------------------------------------------------


def seal(schema_name: str, text: bytes = b"Referral letter to CAMHS.\n", *, age: float | None = None):
    blob = encrypt_to_storage(io.BytesIO(text), schema_name=schema_name, max_bytes=LIMIT)
    if age is not None:
        path = storage_path(blob.storage_name)
        os.utime(path, (age, age))
    return blob.storage_name


def storage_path(name: str):
    from django.core.files.storage import default_storage

    return default_storage.path(name)


def test_an_hour_old_file_with_no_document_row_is_swept_in_its_own_school_only(school, school_b, storage, in_schema):
    response = upload(school, b"Annual review notes.\n")
    assert response.status_code == 302
    [document] = documents_in(school)
    os.utime(storage_path(document.storage_name), (TWO_HOURS_AGO, TWO_HOURS_AGO))  # old, but has a row
    orphan = seal(school.organisation.schema_name, age=TWO_HOURS_AGO)
    recent = seal(school.organisation.schema_name, age=time.time() - 50 * 60)  # 50 minutes: may be in progress
    other_school = seal(school_b.schema_name, age=TWO_HOURS_AGO)

    with in_schema(school.organisation):
        assert tasks.sweep_orphan_documents_task() == 1
    assert not os.path.exists(storage_path(orphan))
    for kept in (document.storage_name, recent, other_school):
        assert os.path.exists(storage_path(kept)), kept

    with in_schema(school_b):
        assert tasks.sweep_orphan_documents_task() == 1
    assert not os.path.exists(storage_path(other_school))
    assert os.path.exists(storage_path(document.storage_name)) and os.path.exists(storage_path(recent))


def test_a_school_with_no_documents_folder_sweeps_nothing(school_a, storage, in_schema):
    with in_schema(school_a):
        assert tasks.sweep_orphan_documents_task() == 0


def test_beat_sweeps_each_organisation_in_its_own_schema(school_a, school_b, la, settings, monkeypatch):
    sent = []
    monkeypatch.setattr(
        tasks.sweep_orphan_documents_task, "apply_async", lambda *, countdown: sent.append(connection.schema_name)
    )
    connection.set_schema_to_public()
    assert tasks.sweep_orphan_documents_everywhere() == len(sent)
    assert {school_a.schema_name, school_b.schema_name, la.schema_name} <= set(sent)
    assert "public" not in sent and len(set(sent)) == len(sent)
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "send_core.sweep_orphan_documents_everywhere" in scheduled
