"""The kinds of record a pupil can have, each registered once by the app that owns it.

A record kind says which models hold it and what the other parts of Cairn do with it: whether the
transition file hands it on (and, for a kind owned by a domain app, how it is written into the file
and read back), or why it stays with the school; and what it adds to an EHC request's evidence.
The pupil record keeps this registry; domain apps (provision, EHC) register their kinds from their
AppConfig.ready(), so the record and the transition file never import them.

A test walks every model that belongs to a pupil and fails if no kind holds it, so a new record
cannot silently stay out of a transition file: its kind must say where it goes, or why not.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Model


@dataclass(frozen=True)
class ImportedPart:
    """What reading one kind back from a transition file did: rows added by label, and what was left out."""

    added: dict[str, int] = field(default_factory=dict)
    skipped: tuple[str, ...] = ()


# (pupil) -> the kind's part of a transition file as plain JSON data, or None when the pupil has none.
FileWriter = Callable[[Any], Any]
# (pupil, the part from the file, the sending school's name, who imports) -> what was done.
FileReader = Callable[[Any, Any, str, Any], ImportedPart]
# (pupil, today) -> the pupil's costed provision over the last year, or None where it is not mapped.
AnnualCost = Callable[[Any, datetime.date], Decimal | None]


@dataclass(frozen=True)
class RecordSection:
    """The kind's page in a pupil's record: its navigation label, URL name and place (lower comes first)."""

    key: str
    label: str  # "" where the toolkit names it (the plan)
    url_name: str
    order: int


@dataclass(frozen=True)
class RecordKind:
    key: str
    label: str
    models: tuple[type[Model], ...]
    # The transition-file section that carries this kind (a key of transition.records.SECTIONS) ...
    transition_section: str | None = None
    # ... or, when it does not travel, why it stays with the school (said in words, for the next person).
    stays_with_school: str = ""
    # For a kind owned by a domain app: how it is written into the transition file and read back.
    write_to_file: FileWriter | None = None
    read_from_file: FileReader | None = None
    # What the kind adds to an EHC request's evidence.
    annual_cost: AnnualCost | None = None
    # Its page in the pupil's record, where it has one of its own.
    section: RecordSection | None = None

    def __post_init__(self) -> None:
        if bool(self.transition_section) == bool(self.stays_with_school):
            raise ValueError(f"Record kind {self.key!r}: name its transition section or say why it stays.")
        if (self.write_to_file is None) != (self.read_from_file is None):
            raise ValueError(f"Record kind {self.key!r}: a kind written into the file must be read back too.")


_KINDS: dict[str, RecordKind] = {}


def register_record_kind(kind: RecordKind) -> None:
    """Add a kind of record on a pupil (once; registering the same key again replaces it)."""
    _KINDS[kind.key] = kind


def record_kinds() -> tuple[RecordKind, ...]:
    return tuple(_KINDS.values())


def record_kind(key: str) -> RecordKind | None:
    return _KINDS.get(key)


def kinds_in_section(section: str) -> tuple[RecordKind, ...]:
    """The kinds a transition-file section carries."""
    return tuple(kind for kind in _KINDS.values() if kind.transition_section == section)


def record_sections() -> tuple[RecordSection, ...]:
    """The record's pages the kinds contribute, in order, each once."""
    by_key = {kind.section.key: kind.section for kind in _KINDS.values() if kind.section is not None}
    return tuple(sorted(by_key.values(), key=lambda section: section.order))


def kind_for_model(model: type[Model]) -> RecordKind | None:
    return next((kind for kind in _KINDS.values() if model in kind.models), None)
