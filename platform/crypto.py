"""Documents encrypted at rest, a chunk at a time, so no document is ever held whole in memory.

Why not Google Tink: `tink` (1.16 on PyPI, wheels for Python 3.11) was considered for its
streaming AEAD and keysets. We keep this format because it is already the same construction as
Tink's streaming AEAD (per-file random key, nonce = prefix + chunk index, a final-chunk flag in
the associated data), every stored document and test already relies on it, and Tink would add a
large native dependency while still leaving us to write the master-key ring, the per-organisation
salt and the re-wrapping, which is the part rotation needs. The tests pin what Tink would give:
reordered, truncated, extended and cross-file chunks all fail (tests/send_core/test_crypto.py).

Keys
    Each organisation has its own key-encryption key, derived with HKDF-SHA256 from a master key,
    the organisation's random `key_salt` (tenants.Organisation) and its schema name, so an
    organisation created later under a reused schema name derives another key. Each document
    has its own random 256-bit data key, stored only wrapped (AES-GCM) under its organisation's
    key, so a document key taken from one organisation cannot be unwrapped in another.

Master keys and rotation
    `CAIRN_MASTER_KEY` is the current master key and `CAIRN_MASTER_KEYS_OLD` (comma-separated)
    the older ones still needed for reading. Each master key has an 8-byte id derived from it
    (HKDF, so the id reveals nothing of the key). A wrapped key (format 2) is the version byte
    0x02, the master key's id, a 12-byte nonce and the sealed data key; its associated data binds
    the id and the schema name, and unwrapping picks the master key by id. Format 1 (version byte
    0x01, no id, no salt) is the legacy wrapping: it is still read, under any key of the ring,
    but only for organisations whose `reads_unsalted_keys` is set (those that existed before the
    salt). `python manage.py rewrap_keys` moves everything to the current key and format 2.

Stored format (version 1)
    An 18-byte header: the magic b"CAIRN1", the chunk size as a 4-byte big-endian integer and an
    8-byte random nonce prefix. Then the plaintext in chunks of exactly `chunk size` bytes (the
    last one may be shorter, or empty for an empty document), each sealed with AES-GCM under the
    data key and stored as ciphertext followed by its 16-byte tag. A chunk's 12-byte nonce is
    the nonce prefix followed by the chunk's index as a 4-byte big-endian integer; its
    associated data is the whole header, the index and a final-chunk flag, so altering the
    header, reordering or dropping chunks, cutting the document short or appending to it all
    make decryption fail.

Streaming out
    `open_decrypted` checks each chunk's tag before yielding it, so it never releases a byte
    that was not written by Cairn under this document's key. Damage is only found when the
    reading reaches it, though: a response streaming `open_decrypted` may already have sent the
    chunks before a damaged one, and then stops short. A download view that must never send a
    partial document calls `verify_stored` first (which reads the whole document through without
    keeping it) and only then streams `open_decrypted`. Either way, serve the stored
    `content_type` (never one taken from the file name), as an attachment.
"""

from __future__ import annotations

import codecs
import contextlib
import functools
import hashlib
import hmac
import os
import re
import struct
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import BinaryIO
from uuid import uuid4

import filetype
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import connection
from django_tenants.utils import get_tenant_model
from send_platform.uploads import ALLOWED_DOCUMENT_TYPES, too_large_message

MAGIC = b"CAIRN1"
HEADER = struct.Struct(">6sI8s")  # magic, chunk size, nonce prefix
TAG_BYTES = 16
KEY_BYTES = 32
DEFAULT_CHUNK_SIZE = 64 * 1024
MIN_CHUNK_SIZE = 256
MAX_CHUNK_SIZE = 16 * 1024 * 1024
MAX_CHUNKS = 2**32  # the chunk index is four bytes of the nonce
# Enough of the start of a file for `filetype` to recognise every type it knows.
SNIFF_BYTES = 8192
OCTET_STREAM = "application/octet-stream"
TEXT_PLAIN = "text/plain"

_ORGANISATION_KEY_INFO = b"cairn/organisation-key/v1/"
_MASTER_KEY_ID_INFO = b"cairn/master-key-id/v1"
KEY_ID_BYTES = 8
LEGACY_KEY_ID = "legacy"  # how format 1 (no key id, no salt) is named in reports
_WRAP_NONCE_BYTES = 12
_LEGACY_WRAP_VERSION = b"\x01"
_LEGACY_WRAP_AAD = b"cairn/data-key/v1/"
_LEGACY_WRAPPED_KEY_BYTES = 1 + _WRAP_NONCE_BYTES + KEY_BYTES + TAG_BYTES
_WRAP_VERSION = b"\x02"
_WRAP_AAD = b"cairn/data-key/v2/"
_WRAPPED_KEY_BYTES = 1 + KEY_ID_BYTES + _WRAP_NONCE_BYTES + KEY_BYTES + TAG_BYTES
# Stricter than PostgreSQL: schema names also become folder names in storage.
_SCHEMA_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


class DocumentError(Exception):
    """Base class for the document errors below."""


class DocumentRefused(DocumentError):
    """The upload is not accepted; the message says why and can be shown to the person uploading."""


class DocumentIntegrityError(DocumentError):
    """A stored document or its key is missing, altered, or belongs to another organisation."""


@dataclass(frozen=True)
class EncryptedBlob:
    storage_name: str
    size: int
    sha256: str  # hex SHA-256 of the plaintext
    wrapped_key: bytes = field(repr=False)
    content_type: str


# --- Keys --------------------------------------------------------------------------------


def _schema_bytes(schema_name: str) -> bytes:
    if not isinstance(schema_name, str) or not _SCHEMA_NAME.fullmatch(schema_name):
        raise ValueError(f"Not a valid organisation schema name: {schema_name!r}")
    return schema_name.encode("ascii")


@dataclass(frozen=True)
class MasterKey:
    key_id: bytes
    secret: bytes = field(repr=False)

    @property
    def label(self) -> str:
        return self.key_id.hex()


@functools.lru_cache(maxsize=16)
def _master_key(secret: str) -> MasterKey:
    raw = secret.encode("utf-8")
    key_id = HKDF(algorithm=hashes.SHA256(), length=KEY_ID_BYTES, salt=None, info=_MASTER_KEY_ID_INFO).derive(raw)
    return MasterKey(key_id=key_id, secret=raw)


def master_keys() -> list[MasterKey]:
    """The key ring: the current master key first, then the older ones kept for reading."""
    current = getattr(settings, "CAIRN_MASTER_KEY", None)
    if not isinstance(current, str) or not current:
        raise ImproperlyConfigured("CAIRN_MASTER_KEY must be set: documents are encrypted under it.")
    ring = [_master_key(current)]
    for old in getattr(settings, "CAIRN_MASTER_KEYS_OLD", None) or []:
        key = _master_key(old)
        if key.key_id not in {k.key_id for k in ring}:
            ring.append(key)
    return ring


def current_master_key() -> MasterKey:
    return master_keys()[0]


def _organisation_keying(schema_name: str) -> tuple[bytes | None, bool]:
    """The organisation's salt and whether it still reads legacy (format 1) keys.

    The request's own organisation is already loaded; any other is looked up. A schema that is
    no organisation's (the exchange's storage namespace) has no salt and reads no legacy key.
    """
    tenant = getattr(connection, "tenant", None)
    if getattr(tenant, "schema_name", None) == schema_name and getattr(tenant, "key_salt", None):
        return bytes(tenant.key_salt), bool(tenant.reads_unsalted_keys)
    row = (
        get_tenant_model()
        .objects.filter(schema_name=schema_name)
        .values_list("key_salt", "reads_unsalted_keys")
        .first()
    )
    if row is None or not row[0]:
        return None, False
    return bytes(row[0]), bool(row[1])


def _derive(master: MasterKey, schema: bytes, salt: bytes | None) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt, info=_ORGANISATION_KEY_INFO + schema).derive(
        master.secret
    )


def organisation_key(schema_name: str) -> bytes:
    """The organisation's 256-bit key-encryption key under the current master key (HKDF-SHA256, salted)."""
    schema = _schema_bytes(schema_name)
    master = current_master_key()
    salt, _legacy = _organisation_keying(schema_name)
    return _derive(master, schema, salt)


def wrap_key(data_key: bytes, schema_name: str) -> bytes:
    """`data_key` sealed under the organisation's key: version byte, master key id, nonce, ciphertext and tag."""
    if len(data_key) != KEY_BYTES:
        raise ValueError("A document key is 32 bytes.")
    schema = _schema_bytes(schema_name)
    master = current_master_key()
    salt, _legacy = _organisation_keying(schema_name)
    nonce = os.urandom(_WRAP_NONCE_BYTES)
    aad = _WRAP_AAD + master.key_id + schema
    sealed = AESGCM(_derive(master, schema, salt)).encrypt(nonce, bytes(data_key), aad)
    return _WRAP_VERSION + master.key_id + nonce + sealed


def wrapped_key_id(wrapped: bytes) -> str:
    """The id (hex) of the master key `wrapped` was made under, or LEGACY_KEY_ID for format 1."""
    wrapped = bytes(wrapped)
    if len(wrapped) == _LEGACY_WRAPPED_KEY_BYTES and wrapped[:1] == _LEGACY_WRAP_VERSION:
        return LEGACY_KEY_ID
    if len(wrapped) == _WRAPPED_KEY_BYTES and wrapped[:1] == _WRAP_VERSION:
        return wrapped[1 : 1 + KEY_ID_BYTES].hex()
    raise DocumentIntegrityError("This is not a Cairn document key.")


def unwrap_key(wrapped: bytes, schema_name: str) -> bytes:
    """The data key from `wrap_key`; `DocumentIntegrityError` if it was wrapped for another organisation."""
    schema = _schema_bytes(schema_name)
    wrapped = bytes(wrapped)  # the database may hand back a memoryview
    key_id = wrapped_key_id(wrapped)
    salt, reads_legacy = _organisation_keying(schema_name)
    refused = DocumentIntegrityError("The document key does not belong to this organisation, or it has been altered.")
    if key_id == LEGACY_KEY_ID:
        # Unsalted: only organisations that existed before the salt may still read these.
        if not reads_legacy:
            raise refused
        nonce, sealed = wrapped[1 : 1 + _WRAP_NONCE_BYTES], wrapped[1 + _WRAP_NONCE_BYTES :]
        for master in master_keys():
            with contextlib.suppress(InvalidTag):
                return AESGCM(_derive(master, schema, None)).decrypt(nonce, sealed, _LEGACY_WRAP_AAD + schema)
        raise refused
    by_id = {master.key_id: master for master in master_keys()}
    master = by_id.get(wrapped[1 : 1 + KEY_ID_BYTES])
    if master is None:
        raise DocumentIntegrityError(
            f"The document key was wrapped under master key {key_id}, which this server does not hold "
            "(add it to CAIRN_MASTER_KEYS_OLD), or it has been altered."
        )
    start = 1 + KEY_ID_BYTES
    nonce, sealed = wrapped[start : start + _WRAP_NONCE_BYTES], wrapped[start + _WRAP_NONCE_BYTES :]
    try:
        return AESGCM(_derive(master, schema, salt)).decrypt(nonce, sealed, _WRAP_AAD + master.key_id + schema)
    except InvalidTag:
        raise refused from None


def needs_rewrap(wrapped: bytes) -> bool:
    """Whether `wrapped` is in the legacy format or under a master key other than the current one."""
    return wrapped_key_id(wrapped) != current_master_key().label


def rewrap_key(wrapped: bytes, schema_name: str) -> bytes:
    """The same data key wrapped under the current master key and the organisation's salt (format 2)."""
    return wrap_key(unwrap_key(wrapped, schema_name), schema_name)


# --- Chunks ------------------------------------------------------------------------------


def _nonce(prefix: bytes, index: int) -> bytes:
    return prefix + struct.pack(">I", index)


def _associated_data(header: bytes, index: int, final: bool) -> bytes:
    return header + struct.pack(">IB", index, 1 if final else 0)


def _check_chunk_size(chunk_size: int) -> None:
    if not isinstance(chunk_size, int) or not MIN_CHUNK_SIZE <= chunk_size <= MAX_CHUNK_SIZE:
        raise ValueError(f"chunk_size must be between {MIN_CHUNK_SIZE} and {MAX_CHUNK_SIZE} bytes.")


def _chunks(stream: BinaryIO | Iterable[bytes], chunk_size: int) -> Iterator[bytes]:
    """The stream's bytes in pieces of exactly `chunk_size` (the last one may be shorter)."""
    if isinstance(stream, bytes | bytearray | memoryview):
        stream = [stream]
    if hasattr(stream, "read"):
        while True:
            piece = stream.read(chunk_size)
            if not piece:
                return
            while len(piece) < chunk_size:  # a short read is not necessarily the end
                more = stream.read(chunk_size - len(piece))
                if not more:
                    break
                piece += more
            yield bytes(piece)
            if len(piece) < chunk_size:
                return
    buffer = bytearray()
    for item in stream:
        view = memoryview(item).cast("B")
        start = 0
        if buffer:
            start = min(chunk_size - len(buffer), len(view))
            buffer += view[:start]
            if len(buffer) < chunk_size:
                continue
            yield bytes(buffer)
            buffer.clear()
        while len(view) - start >= chunk_size:
            yield bytes(view[start : start + chunk_size])
            start += chunk_size
        buffer += view[start:]
    if buffer:
        yield bytes(buffer)


def _read_exact(fh, size: int) -> bytes:
    """`size` bytes, or fewer only at the end of the file."""
    data = fh.read(size)
    while data and len(data) < size:
        more = fh.read(size - len(data))
        if not more:
            break
        data += more
    return data


# --- What the file is --------------------------------------------------------------------


class _TypeCheck:
    """Decides the content type from the file's own bytes, fed in order.

    A type `filetype` recognises from the first `SNIFF_BYTES` counts if it is allowed. Otherwise
    the file is plain text if all of it is UTF-8 without NUL bytes (text cannot be recognised by
    magic numbers, and text that happens to start like another format is still text); otherwise
    it is `application/octet-stream` if that is allowed and `filetype` recognised nothing.
    Anything else is refused, as soon as that is certain.
    """

    def __init__(self, allowed: Mapping[str, str]):
        self.allowed = allowed
        self.content_type: str | None = None
        self.kind = None
        self._head = bytearray()
        self._text = True
        self._utf8 = codecs.getincrementaldecoder("utf-8")()

    def feed(self, chunk: bytes) -> None:
        if self.content_type in (None, TEXT_PLAIN):
            self._check_text(chunk, final=False)
        if self.content_type is None:
            self._head += chunk[: SNIFF_BYTES - len(self._head)]
            if len(self._head) >= SNIFF_BYTES:
                self._decide()

    def finish(self) -> str:
        if self.content_type in (None, TEXT_PLAIN):
            self._check_text(b"", final=True)
        if self.content_type is None:
            self._decide()
        return self.content_type

    def _check_text(self, chunk: bytes, *, final: bool) -> None:
        if not self._text:
            return
        try:
            if b"\x00" in chunk:
                raise ValueError
            self._utf8.decode(chunk, final)
        except ValueError:  # UnicodeDecodeError is a ValueError
            self._text = False
            if self.content_type == TEXT_PLAIN:
                self.content_type = self._not_text()

    def _decide(self) -> None:
        self.kind = filetype.guess(bytes(self._head))
        self._head = bytearray()
        if self.kind is not None and self.kind.mime in self.allowed:
            self.content_type = self.kind.mime
        elif self._text and TEXT_PLAIN in self.allowed:
            self.content_type = TEXT_PLAIN
        else:
            self.content_type = self._not_text()

    def _not_text(self) -> str:
        if self.kind is None and OCTET_STREAM in self.allowed:
            return OCTET_STREAM
        raise self._refusal()

    def _refusal(self) -> DocumentRefused:
        what = f"This file ({self.kind.extension.upper()})" if self.kind is not None else "This file"
        message = f"{what} is not a file type Cairn accepts."
        labels = [str(label) for label in self.allowed.values()]
        if labels:
            message += " Cairn accepts: " + ", ".join(labels) + "."
        return DocumentRefused(message)


# --- Storing and reading -----------------------------------------------------------------


def _storage(storage: Storage | None) -> Storage:
    return default_storage if storage is None else storage


def encrypt_to_storage(
    stream: BinaryIO | Iterable[bytes],
    *,
    schema_name: str,
    max_bytes: int,
    allowed_types: Mapping[str, str] | None = None,
    storage: Storage | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> EncryptedBlob:
    """Encrypt a document from `stream` (read from its current position) into storage.

    The type is sniffed from the content and the size counted as it streams; a refused document
    raises `DocumentRefused` and leaves nothing in storage, because the ciphertext goes to an
    anonymous temporary file first and is only saved once the whole document has been accepted.
    """
    _schema_bytes(schema_name)
    _check_chunk_size(chunk_size)
    if max_bytes < 0:
        raise ValueError("max_bytes must not be negative.")
    storage = _storage(storage)
    check = _TypeCheck(ALLOWED_DOCUMENT_TYPES if allowed_types is None else allowed_types)

    data_key = AESGCM.generate_key(bit_length=KEY_BYTES * 8)
    aesgcm = AESGCM(data_key)
    prefix = os.urandom(8)
    header = HEADER.pack(MAGIC, chunk_size, prefix)
    digest = hashlib.sha256()
    size = 0

    def seal(index: int, chunk: bytes, final: bool) -> bytes:
        if index >= MAX_CHUNKS:
            raise DocumentRefused(too_large_message(max_bytes))
        return aesgcm.encrypt(_nonce(prefix, index), chunk, _associated_data(header, index, final))

    with tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR) as spool:
        spool.write(header)
        index = 0
        pending: bytes | None = None  # held back until we know whether it is the last chunk
        for chunk in _chunks(stream, chunk_size):
            size += len(chunk)
            if size > max_bytes:
                raise DocumentRefused(too_large_message(max_bytes))
            digest.update(chunk)
            check.feed(chunk)
            if pending is not None:
                spool.write(seal(index, pending, final=False))
                index += 1
            pending = chunk
        content_type = check.finish()
        spool.write(seal(index, pending or b"", final=True))
        spool.flush()
        spool.seek(0)

        name = f"documents/{schema_name}/{uuid4().hex}"
        try:
            stored_name = storage.save(name, File(spool, name=name.rsplit("/", 1)[-1]))
        except BaseException:
            # Never leave a partly written document behind (the name is fresh, so it is ours).
            with contextlib.suppress(Exception):
                storage.delete(name)
            raise

    return EncryptedBlob(
        storage_name=stored_name,
        size=size,
        sha256=digest.hexdigest(),
        wrapped_key=wrap_key(data_key, schema_name),
        content_type=content_type,
    )


def open_decrypted(
    storage_name: str,
    wrapped_key: bytes,
    sha256: str,
    *,
    schema_name: str,
    storage: Storage | None = None,
) -> Iterator[bytes]:
    """The document's plaintext, chunk by chunk, each one checked before it is yielded.

    The key and the organisation are checked at once; damage to the stored document raises
    `DocumentIntegrityError` when the reading reaches it (see the module notes on streaming).
    The last chunk is only yielded once the SHA-256 of the whole plaintext matches `sha256`.
    """
    if not isinstance(storage_name, str) or not storage_name.startswith(f"documents/{schema_name}/"):
        raise DocumentIntegrityError("This stored document does not belong to this organisation.")
    data_key = unwrap_key(wrapped_key, schema_name)
    expected = sha256.lower() if isinstance(sha256, str) else ""
    if not _SHA256_HEX.fullmatch(expected):
        raise ValueError("sha256 must be 64 hexadecimal digits.")
    return _decrypt(_storage(storage), storage_name, data_key, expected)


def _decrypt(storage: Storage, storage_name: str, data_key: bytes, expected_sha256: str) -> Iterator[bytes]:
    aesgcm = AESGCM(data_key)
    try:
        fh = storage.open(storage_name, "rb")
    except FileNotFoundError:
        raise DocumentIntegrityError("The stored document is missing.") from None
    with fh:
        header = _read_exact(fh, HEADER.size)
        if len(header) != HEADER.size:
            raise DocumentIntegrityError("The stored document is damaged: its header is incomplete.")
        magic, chunk_size, prefix = HEADER.unpack(header)
        if magic != MAGIC:
            raise DocumentIntegrityError("The stored document is not in a format Cairn recognises.")
        if not MIN_CHUNK_SIZE <= chunk_size <= MAX_CHUNK_SIZE:
            raise DocumentIntegrityError("The stored document is damaged: its header has been altered.")

        block_size = chunk_size + TAG_BYTES
        digest = hashlib.sha256()
        current = _read_exact(fh, block_size)
        if not current:
            raise DocumentIntegrityError("The stored document is damaged: it has been cut short.")
        index = 0
        while True:
            following = _read_exact(fh, block_size) if len(current) == block_size else b""
            final = not following
            if len(current) < TAG_BYTES or index >= MAX_CHUNKS:
                raise DocumentIntegrityError("The stored document is damaged: it has been cut short.")
            try:
                plaintext = aesgcm.decrypt(_nonce(prefix, index), current, _associated_data(header, index, final))
            except InvalidTag:
                raise DocumentIntegrityError(
                    "The stored document is damaged or has been altered (a part of it failed its check)."
                ) from None
            digest.update(plaintext)
            if final:
                if not hmac.compare_digest(digest.hexdigest(), expected_sha256):
                    raise DocumentIntegrityError("The stored document does not match its recorded checksum.")
                if plaintext:
                    yield plaintext
                return
            yield plaintext
            current = following
            index += 1


def verify_stored(
    storage_name: str,
    wrapped_key: bytes,
    sha256: str,
    *,
    schema_name: str,
    storage: Storage | None = None,
) -> None:
    """Read the whole document through, keeping none of it; `DocumentIntegrityError` if anything is wrong."""
    for _chunk in open_decrypted(storage_name, wrapped_key, sha256, schema_name=schema_name, storage=storage):
        pass


def delete_stored(storage_name: str, storage: Storage | None = None) -> None:
    """Remove a stored document; removing one that is already gone is not an error."""
    _storage(storage).delete(storage_name)
