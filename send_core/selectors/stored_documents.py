"""Every document a school stored, decrypted and checked, for the organisation's off-boarding export
(registered with `tenants.ports.register_stored_files`)."""

from __future__ import annotations

import base64
from typing import Any

from send_platform.crypto import open_decrypted

from ..models import Document


def documents_for_export(schema_name: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Every document in the schema (base64, checked against its hash) and the storage names of their files."""
    documents, storage_names = [], []
    for document in Document.objects.order_by("pk"):
        storage_names.append(document.storage_name)
        content = b"".join(
            open_decrypted(document.storage_name, bytes(document.wrapped_key), document.sha256, schema_name=schema_name)
        )
        documents.append(
            {
                "id": document.pk,
                "pupil_id": document.pupil_id,
                "title": document.title,
                "original_filename": document.original_filename,
                "content_type": document.content_type,
                "sha256": document.sha256,
                "content_base64": base64.b64encode(content).decode("ascii"),
            }
        )
    return documents, storage_names
