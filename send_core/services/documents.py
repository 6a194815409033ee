"""Acts on a pupil's documents: storing an upload encrypted, and opening one to read.

The content never touches storage unencrypted (send_platform.crypto seals it a chunk at a time and
only saves it once the whole file has been accepted); the Document row keeps what it is, who
added it and how to check it. Opening a document reads it all through first (`verify_stored`),
so a damaged document is refused whole rather than sent in part, and every opening is audited.
"""

from __future__ import annotations

import contextlib
import logging
import tempfile
from collections.abc import Callable, Iterable, Iterator
from datetime import timedelta
from typing import Any, BinaryIO

from django.core.exceptions import ValidationError
from django.core.files.storage import Storage, default_storage
from django.db import connection, transaction
from django.utils import timezone
from send_platform.crypto import DocumentRefused, delete_stored, encrypt_to_storage, open_decrypted, verify_stored
from send_platform.uploads import document_max_bytes

from ..models import Document, DocumentKind, Pupil
from ..permissions import require_contribute_to_record, require_view_send_record
from .base import AuditAction, acting_roles, audit, check_choice, require_text

logger = logging.getLogger(__name__)


def _schema_name() -> str:
    return connection.schema_name


def upload_document(
    pupil: Pupil,
    *,
    uploaded_by: Any,
    title: str,
    kind: str,
    content: BinaryIO | Iterable[bytes],
    original_filename: str,
    max_bytes: int | None = None,
) -> Document:
    """Store a document about a pupil, encrypted; a refused file (type or size) raises ValidationError on `file` and stores nothing."""
    require_contribute_to_record(uploaded_by, acting_roles(uploaded_by), pupil)
    check_choice(kind, DocumentKind, "kind", "the kind of document")
    title = require_text(title, "title", "Enter a title for the document.")
    try:
        blob = encrypt_to_storage(
            content, schema_name=_schema_name(), max_bytes=document_max_bytes() if max_bytes is None else max_bytes
        )
    except DocumentRefused as refusal:
        message = str(refusal)
        raise ValidationError({"file": message if message.endswith(".") else f"{message}."}) from None
    try:
        with transaction.atomic():
            document = Document(
                pupil=pupil,
                title=title[:200],
                kind=kind,
                original_filename=(original_filename or "document").rsplit("/", 1)[-1][:255],
                content_type=blob.content_type,
                size=blob.size,
                sha256=blob.sha256,
                wrapped_key=blob.wrapped_key,
                storage_name=blob.storage_name,
                uploaded_by=uploaded_by,
            )
            document.full_clean(validate_constraints=False)
            document.save()
            audit(
                actor=uploaded_by,
                action=AuditAction.CREATE,
                obj=document,
                pupil_id=pupil.pk,
                detail={"kind": kind, "size": blob.size},
            )
    except BaseException:
        # The row was not kept, so neither is the stored file.
        delete_stored(blob.storage_name)
        raise
    return document


def open_document(document: Document, *, opened_by: Any) -> Iterator[bytes]:
    """The document's content, checked whole before the first byte is returned; the opening is audited.

    Raises `send_platform.crypto.DocumentIntegrityError` if the stored file is missing or altered.
    """
    pupil = Pupil.objects.get(pk=document.pupil_id)
    require_view_send_record(opened_by, acting_roles(opened_by), pupil)
    schema_name = _schema_name()
    verify_stored(document.storage_name, bytes(document.wrapped_key), document.sha256, schema_name=schema_name)
    audit(actor=opened_by, action=AuditAction.DOWNLOAD, obj=document, pupil_id=document.pupil_id)
    return open_decrypted(document.storage_name, bytes(document.wrapped_key), document.sha256, schema_name=schema_name)


def sweep_unreferenced_files(
    folder: str, referenced: Callable[[list[str]], Iterable[str]], *, older_than: timedelta, storage: Storage
) -> int:
    """Delete the files in `folder` that `referenced` does not name, once older than `older_than`.

    A worker killed (or a transaction rolled back) between storing a sealed file and committing
    its row leaves a file nobody can open. Only old files go, so a write in progress is never
    touched. A storage that cannot tell a file's age keeps the file rather than guess.
    """
    try:
        _, names = storage.listdir(folder)
    except FileNotFoundError:
        return 0
    cutoff = timezone.now() - older_than
    candidates = [f"{folder}/{name}" for name in names]
    known = set(referenced(candidates))
    removed = 0
    for name in candidates:
        if name in known:
            continue
        try:
            if storage.get_modified_time(name) > cutoff:
                continue
        except (OSError, NotImplementedError):
            continue
        delete_stored(name, storage)
        removed += 1
    return removed


def sweep_orphan_documents(*, older_than: timedelta = timedelta(hours=1), storage: Storage | None = None) -> int:
    """Delete this school's sealed document files that no Document row refers to; returns how many.
    Only the current schema's own folder is looked at."""
    removed = sweep_unreferenced_files(
        f"documents/{_schema_name()}",
        lambda names: Document.objects.filter(storage_name__in=names).values_list("storage_name", flat=True),
        older_than=older_than,
        storage=default_storage if storage is None else storage,
    )
    if removed:
        logger.info("Removed %s document file(s) that no document refers to", removed)
    return removed


class _NamedSpool(tempfile.SpooledTemporaryFile):
    """A spooled temporary file that keeps the document's own file name (readers use `name` for it)."""

    def __init__(self, name: str, **kwargs: Any):
        super().__init__(**kwargs)
        self._document_name = name

    @property
    def name(self) -> str:  # type: ignore[override]
        return self._document_name


SPOOL_IN_MEMORY_BYTES = 1024 * 1024


def documents_as_uploads(documents: Iterable[Document], *, opened_by: Any) -> list[tuple[str, BinaryIO]]:
    """The school's own documents, each opened (checked whole, audited) into a temporary file to send on.

    Returns (title, file) pairs; each file is positioned at its start and named as uploaded. The
    caller closes them. If any document cannot be opened, those already opened are closed.
    """
    files: list[tuple[str, BinaryIO]] = []
    try:
        for document in documents:
            spool = _NamedSpool(document.original_filename, max_size=SPOOL_IN_MEMORY_BYTES)
            files.append((document.title, spool))
            for chunk in open_document(document, opened_by=opened_by):
                spool.write(chunk)
            spool.seek(0)
    except BaseException:
        close_uploads(files)
        raise
    return files


def close_uploads(files: Iterable[tuple[str, BinaryIO]]) -> None:
    for _, fileobj in files:
        with contextlib.suppress(Exception):
            fileobj.close()
