"""Off-boarding exports: everything an organisation held, sealed so that only Cairn's master key opens it.

An export holds children's records and documents, so it is never written in the clear. Each
export has its own data key (AES-256-GCM); that key is kept only wrapped under an export key
derived from a master key (HKDF-SHA256). The file is created readable by the service account
alone. `python manage.py open_export <file>` gives the contents back to an operator.

File layout (format 2): MAGIC, the id of the master key (8 bytes, send_platform.crypto), the
wrapping nonce (12 bytes), the wrapped data key (48 bytes), the content nonce (12 bytes), then
the gzip-compressed JSON, sealed. The wrapping is bound to MAGIC and the key id, the content to
MAGIC, so `rewrap_export` moves an export to a new master key by rewriting its first 80 bytes.
Format 1 (MAGIC_V1, no key id) is still read, under any key of the ring.
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
from send_platform.crypto import KEY_ID_BYTES, MasterKey, current_master_key, master_keys

MAGIC_V1 = b"CAIRN-EXPORT-1\n"
MAGIC = b"CAIRN-EXPORT-2\n"
_NONCE = 12
_WRAPPED = 32 + 16


class ExportUnreadable(Exception):
    """The file is not a Cairn export, was altered, or was sealed under another master key."""


def _export_key(master: MasterKey) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"cairn organisation export v1").derive(
        master.secret
    )


def _header(master: MasterKey, data_key: bytes) -> bytes:
    wrap_nonce = os.urandom(_NONCE)
    wrapped = AESGCM(_export_key(master)).encrypt(wrap_nonce, data_key, MAGIC + master.key_id)
    return MAGIC + master.key_id + wrap_nonce + wrapped


def _write_new(path: Path, data: bytes) -> None:
    descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(descriptor, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def write_export(path: Path, content: dict[str, Any]) -> Path:
    """Seal `content` (JSON-serialisable) into a new file at `path`, mode 0600; refuses to overwrite."""
    data_key = AESGCM.generate_key(bit_length=256)
    content_nonce = os.urandom(_NONCE)
    plaintext = gzip.compress(json.dumps(content, separators=(",", ":")).encode("utf-8"))
    sealed = AESGCM(data_key).encrypt(content_nonce, plaintext, MAGIC)
    _write_new(path, _header(current_master_key(), data_key) + content_nonce + sealed)
    return path


def _open(data: bytes) -> tuple[str, bytes, bytes]:
    """(key id or "legacy", data key, plaintext) of a whole export file's bytes."""
    if data.startswith(MAGIC) and len(data) >= len(MAGIC) + KEY_ID_BYTES + 2 * _NONCE + _WRAPPED + 16:
        rest = data[len(MAGIC) :]
        key_id, rest = rest[:KEY_ID_BYTES], rest[KEY_ID_BYTES:]
        candidates = [m for m in master_keys() if m.key_id == key_id]
        wrap_aad, content_aad = MAGIC + key_id, MAGIC
        label = key_id.hex()
    elif data.startswith(MAGIC_V1) and len(data) >= len(MAGIC_V1) + 2 * _NONCE + _WRAPPED + 16:
        rest = data[len(MAGIC_V1) :]
        candidates = master_keys()
        wrap_aad = content_aad = MAGIC_V1
        label = "legacy"
    else:
        raise ExportUnreadable("This is not a Cairn export.")
    wrap_nonce, wrapped = rest[:_NONCE], rest[_NONCE : _NONCE + _WRAPPED]
    content_nonce, sealed = rest[_NONCE + _WRAPPED : 2 * _NONCE + _WRAPPED], rest[2 * _NONCE + _WRAPPED :]
    for master in candidates:
        try:
            data_key = AESGCM(_export_key(master)).decrypt(wrap_nonce, wrapped, wrap_aad)
            return label, data_key, AESGCM(data_key).decrypt(content_nonce, sealed, content_aad)
        except InvalidTag:
            continue
    raise ExportUnreadable("The export was altered, or was sealed under another master key.")


def read_export(path: Path) -> dict[str, Any]:
    """The contents of an export written by `write_export`; `ExportUnreadable` if it cannot be opened whole."""
    _label, _key, plaintext = _open(Path(path).read_bytes())
    return json.loads(gzip.decompress(plaintext))


def rewrap_export(path: Path) -> bool:
    """Move an export to the current master key (and format 2); False if it already was there.

    The new file is written beside the old one and then renamed over it, so an interruption
    leaves either the old export or the new one, both whole.
    """
    path = Path(path)
    data = path.read_bytes()
    current = current_master_key()
    label, data_key, plaintext = _open(data)
    if label == current.label:
        return False
    if label == "legacy":  # format 1 bound its content to MAGIC_V1: seal it again
        content_nonce = os.urandom(_NONCE)
        body = content_nonce + AESGCM(data_key).encrypt(content_nonce, plaintext, MAGIC)
    else:
        body = data[len(MAGIC) + KEY_ID_BYTES + _NONCE + _WRAPPED :]
    replacement = path.with_name(path.name + ".rewrap")
    replacement.unlink(missing_ok=True)  # left by an interrupted run
    _write_new(replacement, _header(current, data_key) + body)
    os.replace(replacement, path)
    return True
