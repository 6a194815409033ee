"""Off-boarding exports: everything an organisation held, sealed so that only Cairn's master key opens it.

An export holds children's records and documents, so it is never written in the clear. Each
export has its own data key (AES-256-GCM); that key is kept only wrapped under an export key
derived from `CAIRN_MASTER_KEY` (HKDF-SHA256). The file is created readable by the service
account alone. `python manage.py open_export <file>` gives the contents back to an operator.

File layout: MAGIC, the wrapping nonce (12 bytes), the wrapped data key (48 bytes), the content
nonce (12 bytes), then the gzip-compressed JSON, sealed; MAGIC is bound into both seals.
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

MAGIC = b"CAIRN-EXPORT-1\n"
_NONCE = 12
_WRAPPED = 32 + 16


class ExportUnreadable(Exception):
    """The file is not a Cairn export, was altered, or was sealed under another master key."""


def _export_key() -> bytes:
    master = getattr(settings, "CAIRN_MASTER_KEY", None)
    if not isinstance(master, str) or not master:
        raise ImproperlyConfigured("CAIRN_MASTER_KEY must be set: exports are sealed under it.")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"cairn organisation export v1").derive(
        master.encode("utf-8")
    )


def write_export(path: Path, content: dict[str, Any]) -> Path:
    """Seal `content` (JSON-serialisable) into a new file at `path`, mode 0600; refuses to overwrite."""
    data_key = AESGCM.generate_key(bit_length=256)
    wrap_nonce, content_nonce = os.urandom(_NONCE), os.urandom(_NONCE)
    wrapped = AESGCM(_export_key()).encrypt(wrap_nonce, data_key, MAGIC)
    plaintext = gzip.compress(json.dumps(content, separators=(",", ":")).encode("utf-8"))
    sealed = AESGCM(data_key).encrypt(content_nonce, plaintext, MAGIC)
    descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(descriptor, "wb") as fh:
        fh.write(MAGIC + wrap_nonce + wrapped + content_nonce + sealed)
        fh.flush()
        os.fsync(fh.fileno())
    return path


def read_export(path: Path) -> dict[str, Any]:
    """The contents of an export written by `write_export`; `ExportUnreadable` if it cannot be opened whole."""
    data = Path(path).read_bytes()
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + _NONCE + _WRAPPED + _NONCE + 16:
        raise ExportUnreadable("This is not a Cairn export.")
    rest = data[len(MAGIC) :]
    wrap_nonce, wrapped = rest[:_NONCE], rest[_NONCE : _NONCE + _WRAPPED]
    content_nonce, sealed = rest[_NONCE + _WRAPPED : 2 * _NONCE + _WRAPPED], rest[2 * _NONCE + _WRAPPED :]
    try:
        data_key = AESGCM(_export_key()).decrypt(wrap_nonce, wrapped, MAGIC)
        plaintext = AESGCM(data_key).decrypt(content_nonce, sealed, MAGIC)
    except InvalidTag:
        raise ExportUnreadable("The export was altered, or was sealed under another master key.") from None
    return json.loads(gzip.decompress(plaintext))
