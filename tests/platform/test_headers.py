"""Response headers: nothing holding a child's record is cached; CSP and HSTS are strict."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from send_core.services.documents import upload_document
from tests.send_core.factories import PupilFactory

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def record(school_a, member, client_for, in_schema, settings, tmp_path):
    """A SENCO at school A, a pupil there, and a document about the pupil."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    senco = member(school_a, "senco")
    with in_schema(school_a):
        pupil = PupilFactory(legal_first_name="Amelia", last_name="Thornbury")
        document = upload_document(
            pupil,
            uploaded_by=senco,
            title="SALT report",
            kind="report",
            content=io.BytesIO(b"Amelia understands two-part instructions.\n"),
            original_filename="salt.txt",
        )
    return {"client": client_for(senco, school_a), "pupil": pupil, "document": document}


def test_a_pupils_page_an_api_list_a_csv_and_a_document_are_never_stored(record):
    client = record["client"]
    addresses = [
        f"/pupils/{record['pupil'].pk}/",
        "/api/v1/pupils/",
        "/provision/map.csv?term=autumn-2025",
        f"/documents/{record['document'].pk}/download/",
    ]
    for address in addresses:
        response = client.get(address)
        assert response.status_code == 200, address
        assert "no-store" in response["Cache-Control"].split(", "), address
    page = client.get(addresses[0])
    assert b"Thornbury" in page.content


def test_another_school_sees_neither_the_record_nor_the_document(record, school_b, member, client_for):
    other = client_for(member(school_b, "senco"), school_b)
    assert other.get(f"/pupils/{record['pupil'].pk}/").status_code == 404
    response = other.get(f"/documents/{record['document'].pk}/download/")
    assert response.status_code == 404
    assert b"two-part" not in b"".join(getattr(response, "streaming_content", [response.content]))
    assert response["Cache-Control"] == "no-store"  # refusals are not cached either


def test_static_files_keep_their_own_caching(record):
    response = record["client"].get("/static/cairn/cairn.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_the_content_security_policy_forbids_base_elements(record):
    policy = record["client"].get(f"/pupils/{record['pupil'].pk}/")["Content-Security-Policy"]
    assert "base-uri 'none'" in [directive.strip() for directive in policy.split(";")]


def test_production_sends_hsts_with_preload():
    from tests.platform.test_settings import SAFE_PRODUCTION

    env = {k: v for k, v in os.environ.items() if k not in SAFE_PRODUCTION and k != "SENTRY_DSN"}
    env.update(SAFE_PRODUCTION)
    probe = (
        "import send_platform.settings as s;"
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    # Preload lists require a year or more, sub-domains included, and the preload directive.
    assert result.stdout.split() == ["31536000", "True", "True"]
