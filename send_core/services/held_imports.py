"""Holding an uploaded MIS export between checking and importing, sealed in the school's schema.

The export is the school's whole roll, so it never goes into the shared session table and is
never stored in clear: each file gets a random 256-bit key, the bytes are sealed with AES-GCM
under it, and the key is kept only wrapped under the school's own key (send_platform.crypto), so a
row copied into another school's schema cannot be opened there. The row expires after
`HOLD_FOR`; an expired one is refused and swept by beat (`send_core.sweep_held_imports`).
"""

from __future__ import annotations

import datetime
import os
import uuid
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.db import connection, transaction
from django.utils import timezone
from send_platform.crypto import KEY_BYTES, DocumentIntegrityError, unwrap_key, wrap_key

from ..models import PendingImport
from ..permissions import require_edit_pupil_details
from ..selectors.organisation import current_organisation
from .base import AuditAction, acting_roles, record_event

HOLD_FOR = datetime.timedelta(hours=1)
_NONCE_BYTES = 12
_AAD = b"cairn/pending-import/v1/"

EXPIRED_MESSAGE = "Upload the file again: a checked file is held for an hour, and this one has expired."
MISSING_MESSAGE = "Upload the file again: the checked file is no longer held."


class HeldImportUnavailable(Exception):
    """The held file has gone, expired, or is not this person's; the message says what to do."""


def _aad(row_id: uuid.UUID) -> bytes:
    # Bind the sealed bytes to their schema and row, so they cannot be moved to another row or school.
    return _AAD + connection.schema_name.encode("ascii") + b"/" + str(row_id).encode("ascii")


def hold_pupil_import(data: bytes, file_name: str, *, uploaded_by: Any) -> PendingImport:
    """Seal an uploaded MIS export in this school's schema for an hour; the session keeps only the id."""
    require_edit_pupil_details(acting_roles(uploaded_by))
    row_id = uuid.uuid4()
    data_key = AESGCM.generate_key(bit_length=KEY_BYTES * 8)
    nonce = os.urandom(_NONCE_BYTES)
    sealed = nonce + AESGCM(data_key).encrypt(nonce, bytes(data), _aad(row_id))
    with transaction.atomic(durable=True):
        held = PendingImport.objects.create(
            id=row_id,
            file_name=file_name[:255],
            size=len(data),
            wrapped_key=wrap_key(data_key, connection.schema_name),
            sealed=sealed,
            uploaded_by=uploaded_by,
            expires_at=timezone.now() + HOLD_FOR,
        )
        record_event(
            actor=uploaded_by,
            action=AuditAction.CREATE,
            object_type="pending_import",
            object_id=str(held.pk),
            acting_organisation=current_organisation(),
            summary="MIS export uploaded for checking",
            detail={"size": len(data)},
        )
    return held


def _uuid(held_id: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(held_id))
    except (ValueError, TypeError, AttributeError):
        return None


def _held_for(held_id: Any, user: Any) -> PendingImport:
    row_id = _uuid(held_id)
    held = None
    if row_id is not None:
        held = PendingImport.objects.filter(pk=row_id, uploaded_by_id=getattr(user, "pk", None)).first()
    if held is None:
        raise HeldImportUnavailable(MISSING_MESSAGE)
    if held.expires_at <= timezone.now():
        raise HeldImportUnavailable(EXPIRED_MESSAGE)
    return held


def read_held_import(held_id: Any, *, user: Any) -> tuple[str, bytes]:
    """The file name and bytes of an unexpired held export uploaded by `user` in this school."""
    held = _held_for(held_id, user)
    sealed = bytes(held.sealed)
    try:
        data_key = unwrap_key(bytes(held.wrapped_key), connection.schema_name)
        data = AESGCM(data_key).decrypt(sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:], _aad(held.pk))
    except (DocumentIntegrityError, InvalidTag):
        raise HeldImportUnavailable(MISSING_MESSAGE) from None
    return held.file_name, data


def discard_held_import(held_id: Any) -> None:
    """Delete a held export (after importing it, or when a new file replaces it)."""
    row_id = _uuid(held_id)
    if row_id is not None:
        PendingImport.objects.filter(pk=row_id).delete()


def sweep_held_imports(now: datetime.datetime | None = None) -> int:
    """Delete every held export in this school's schema whose hour has passed; returns how many."""
    deleted, _ = PendingImport.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
