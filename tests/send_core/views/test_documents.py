"""Documents: stored encrypted, refused whole when too large or of the wrong type, downloaded only after checking."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from send_platform.audit.models import AuditEvent

from send_core.models import Document

LIMIT = 2000
PLAINTEXT = b"Speech and language therapy report: Amara understands two-part instructions.\n" * 10


@pytest.fixture
def storage(settings, tmp_path):
    """Documents go to an empty folder of their own, with a small size limit."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    settings.CAIRN_DOCUMENT_MAX_BYTES = LIMIT
    return tmp_path


def stored_files(folder):
    return [path for path in folder.rglob("*") if path.is_file()]


def documents_in(school):
    connection.set_tenant(school.organisation)
    try:
        return list(Document.objects.filter(pupil=school.pupil).exclude(storage_name__startswith="documents/0"))
    finally:
        connection.set_schema_to_public()


def upload(school, role, content: bytes, name: str = "report.txt"):
    return school.client(role).post(
        school.url("/pupils/{pupil}/documents/new/"),
        {"title": "SALT report", "kind": "report", "file": SimpleUploadedFile(name, content)},
    )


def test_a_document_is_stored_encrypted_and_downloaded_whole_and_audited(school, storage):
    response = upload(school, "teacher", PLAINTEXT)
    assert response.status_code == 302
    [document] = documents_in(school)
    assert document.content_type == "text/plain" and document.size == len(PLAINTEXT)
    [stored] = stored_files(storage)
    assert PLAINTEXT[:40] not in stored.read_bytes()
    assert b"two-part instructions" not in stored.read_bytes()

    response = school.client("senco").get(f"/documents/{document.pk}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PLAINTEXT
    assert response["Content-Type"] == "text/plain"
    assert "attachment" in response["Content-Disposition"] and "report.txt" in response["Content-Disposition"]
    connection.set_tenant(school.organisation)
    assert AuditEvent.objects.filter(action="download", pupil_id=school.pupil.pk, object_id=str(document.pk)).exists()


def test_a_file_over_the_limit_is_refused_and_nothing_is_stored(school, storage):
    response = upload(school, "senco", b"x" * (LIMIT + 500))
    assert response.status_code == 400
    body = response.content.decode()
    assert "The file is larger than the" in body and "limit" in body
    assert 'value="SALT report"' in body  # the title is kept
    assert stored_files(storage) == []
    assert documents_in(school) == []


def test_a_file_of_a_type_not_accepted_is_refused_and_nothing_is_stored(school, storage):
    gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x00\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
    response = upload(school, "senco", gif, name="report.pdf")
    assert response.status_code == 400
    assert "is not a file type Cairn accepts" in response.content.decode()
    assert stored_files(storage) == []
    assert documents_in(school) == []


def test_a_damaged_document_is_not_sent_at_all(school, storage):
    upload(school, "senco", PLAINTEXT)
    [document] = documents_in(school)
    [stored] = stored_files(storage)
    data = bytearray(stored.read_bytes())
    data[-5] ^= 0xFF
    stored.write_bytes(bytes(data))
    response = school.client("senco").get(f"/documents/{document.pk}/download/")
    assert response.status_code == 500
    assert "failed its integrity check" in response.content.decode()
    assert b"two-part" not in response.content


def test_only_those_who_may_see_the_record_download_or_upload(school, storage):
    upload(school, "senco", PLAINTEXT)
    [document] = documents_in(school)
    for role in ("other_teacher", "governor", "school_admin"):
        assert school.client(role).get(f"/documents/{document.pk}/download/").status_code == 403, role
        assert upload(school, role, PLAINTEXT).status_code == 403, role
    assert len(documents_in(school)) == 1
