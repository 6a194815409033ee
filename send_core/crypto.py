"""Documents encrypted at rest, a chunk at a time, so no document is ever held whole in memory.

Keys
    Each organisation has its own key-encryption key, derived with HKDF-SHA256 from
    `settings.CAIRN_MASTER_KEY` and the organisation's schema name. Each document has its own
    random 256-bit data key, stored only wrapped (AES-GCM) under its organisation's key, so a
    document key taken from one organisation cannot be unwrapped in another.

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

from send_core.uploads import ALLOWED_DOCUMENT_TYPES, too_large_message

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
_WRAP_VERSION = b"\x01"
_WRAP_NONCE_BYTES = 12
_WRAP_AAD = b"cairn/data-key/v1/"
_WRAPPED_KEY_BYTES = len(_WRAP_VERSION) + _WRAP_NONCE_BYTES + KEY_BYTES + TAG_BYTES
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


def organisation_key(schema_name: str) -> bytes:
    """The organisation's 256-bit key-encryption key (HKDF-SHA256 from the master key)."""
    info = _ORGANISATION_KEY_INFO + _schema_bytes(schema_name)
    master = getattr(settings, "CAIRN_MASTER_KEY", None)
    if not isinstance(master, str) or not master:
        raise ImproperlyConfigured("CAIRN_MASTER_KEY must be set: documents are encrypted under it.")
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=info).derive(master.encode("utf-8"))


def wrap_key(data_key: bytes, schema_name: str) -> bytes:
    """`data_key` sealed under the organisation's key: version byte, nonce, ciphertext and tag."""
    if len(data_key) != KEY_BYTES:
        raise ValueError("A document key is 32 bytes.")
    schema = _schema_bytes(schema_name)
    nonce = os.urandom(_WRAP_NONCE_BYTES)
    sealed = AESGCM(organisation_key(schema_name)).encrypt(nonce, bytes(data_key), _WRAP_AAD + schema)
    return _WRAP_VERSION + nonce + sealed


def unwrap_key(wrapped: bytes, schema_name: str) -> bytes:
    """The data key from `wrap_key`; `DocumentIntegrityError` if it was wrapped for another organisation."""
    schema = _schema_bytes(schema_name)
    wrapped = bytes(wrapped)  # the database may hand back a memoryview
    if len(wrapped) != _WRAPPED_KEY_BYTES or wrapped[:1] != _WRAP_VERSION:
        raise DocumentIntegrityError("This is not a Cairn document key.")
    nonce = wrapped[1 : 1 + _WRAP_NONCE_BYTES]
    sealed = wrapped[1 + _WRAP_NONCE_BYTES :]
    try:
        return AESGCM(organisation_key(schema_name)).decrypt(nonce, sealed, _WRAP_AAD + schema)
    except InvalidTag:
        raise DocumentIntegrityError(
            "The document key does not belong to this organisation, or it has been altered."
        ) from None


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
