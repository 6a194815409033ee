"""What organisations need from the apps built on them, declared here and filled in by them.

`tenants` sits below the SEND record and never imports it. Two things it does touch what the
record keeps: an organisation's home page shows the school's SEND dashboard, and off-boarding must
export and then delete the files the organisation stored. The record registers both from its
AppConfig.ready(); with nothing registered, the home page shows no section and there are no files.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

# A part of a school's home page: built from the request by its view code, handed over drawn.
SchoolHomeSection = Callable[[HttpRequest], str]

# Every file the organisation stored, read in its schema (`schema_name`) for the off-boarding export:
# the export's entries (contents decrypted and checked, base64) and the files' storage names.
StoredFiles = Callable[[str], tuple[list[dict[str, Any]], list[str]]]

SCHOOL_HOME_SECTIONS: list[SchoolHomeSection] = []
STORED_FILES: list[StoredFiles] = []


def register_school_home_section(section: SchoolHomeSection) -> None:
    """Add a section to a school's home page, below its name (the SEND dashboard)."""
    if section not in SCHOOL_HOME_SECTIONS:
        SCHOOL_HOME_SECTIONS.append(section)


def school_home_sections(request: HttpRequest) -> list[str]:
    return [section(request) for section in SCHOOL_HOME_SECTIONS]


def register_stored_files(files: StoredFiles) -> None:
    """Add a kind of stored file (pupils' documents) that off-boarding exports and then deletes."""
    if files not in STORED_FILES:
        STORED_FILES.append(files)


def stored_files(schema_name: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Every registered kind of stored file in the organisation's schema: export entries and storage names."""
    entries: list[dict[str, Any]] = []
    names: list[str] = []
    for files in STORED_FILES:
        more_entries, more_names = files(schema_name)
        entries += more_entries
        names += more_names
    return entries, names
