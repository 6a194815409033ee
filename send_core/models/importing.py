"""An MIS export held between upload and import, sealed in the school's own schema.

The file is the school's whole roll (names, dates of birth, UPNs), so it is never kept in the
shared session table or in clear: the bytes are sealed under a random key wrapped with the
school's key (send_platform.crypto), the session holds only this row's id, and the row is deleted
once imported or when it expires (swept by beat).
"""

from __future__ import annotations

import uuid

from django.db import models

from .base import staff_reference


class PendingImport(models.Model):
    # A random id: it travels in the session and must not be guessable from another's.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    file_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField(help_text="Bytes of the uploaded file.")
    wrapped_key = models.BinaryField(help_text="The file's data key, wrapped under the school's key.")
    sealed = models.BinaryField(help_text="Nonce, then the file sealed with AES-GCM under the data key.")
    uploaded_by = staff_reference("uploaded by")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"MIS import held until {self.expires_at:%H:%M}"
