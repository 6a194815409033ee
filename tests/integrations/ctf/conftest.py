"""CTF and transition-file fixtures: the transition scene, and documents stored in a temporary folder."""

from __future__ import annotations

import pytest

from tests.send_core.transition.conftest import move_clock, transition  # noqa: F401


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    root = tmp_path / "media"
    root.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(root)}},
    }
    settings.CAIRN_DOCUMENT_SCANNER = "integrations.exchange.scanning.RefuseUnknownTypesScanner"
    return root
