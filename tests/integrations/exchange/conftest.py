"""Fixtures for the exchange: storage in a temporary folder, people in each organisation, envelopes."""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace

import pytest

from integrations.exchange import services

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
# Text that must never be found at rest: it stands for a child's personal data.
SECRET_IN_DOCUMENT = b"Psychologist's observations of the child in class: plaintext marker 7731"
SECRET_IN_PAYLOAD = "Reading age 6y2m; needs a quiet space for assessments (marker 5519)"


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def upload(content: bytes, name: str = "report.pdf") -> io.BytesIO:
    handle = io.BytesIO(content)
    handle.name = name
    return handle


def pdf(name: str = "report.pdf", extra: bytes = SECRET_IN_DOCUMENT) -> io.BytesIO:
    return upload(PDF + extra + b"\n%%EOF\n", name)


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    """Documents go to a fresh folder per test; the default scanner is the type check."""
    root = tmp_path / "media"
    root.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(root)}},
    }
    settings.CAIRN_DOCUMENT_SCANNER = "integrations.exchange.scanning.RefuseUnknownTypesScanner"
    return root


@pytest.fixture
def people(member, school_a, school_b, secondary, la, trust):
    return SimpleNamespace(
        senco_a=member(school_a, "senco"),
        head_a=member(school_a, "headteacher"),
        teacher_a=member(school_a, "teacher"),
        governor_a=member(school_a, "governor"),
        senco_b=member(school_b, "senco"),
        senco_secondary=member(secondary, "senco"),
        caseworker=member(la, "caseworker"),
        manager=member(la, "sen_manager"),
        lead=member(trust, "send_lead"),
    )


@pytest.fixture
def send(people, school_a, la):
    """`send(**overrides)`: an EHC request from school A to the LA, with a PDF and a payload."""

    def make(**overrides):
        options = dict(
            sender=school_a,
            recipient=la,
            kind="ehc_request",
            subject="EHC request 2026-014",
            payload={"summary": SECRET_IN_PAYLOAD, "outcomes": ["Read at age level", "Join in group work"]},
            documents=[("Educational psychology report", pdf())],
            sent_by=people.senco_a,
            sender_pupil_id=4242,
        )
        options.update(overrides)
        return services.send_envelope(**options)

    return make


@pytest.fixture
def ehc_request(send):
    return send()
