"""Encryption for the exchange, built on `send_platform.crypto`: one data key, wrapped for two organisations.

Payloads
    An envelope's payload (JSON) is sealed with AES-GCM under the envelope's own random data key.
    The sealed form is a version byte, a 12-byte nonce, the ciphertext and its tag. The
    associated data binds it to the envelope's reference and payload version, so a payload
    cannot be moved to another envelope or relabelled. The data key is kept only wrapped
    (`send_platform.crypto.wrap_key`) under the sender's key and under the recipient's key.

Subjects and document names
    What a person typed (an envelope's subject, a document's title and file name) may name a
    child, so it is sealed too: the subject under the envelope's data key, a document's names
    under the document's own data key, each bound to its envelope or stored file. The clear
    columns hold only neutral words ("Document 1"); `reveal_*` in the selectors opens them for
    the organisation that is reading.

Documents
    A document is encrypted once, in chunks, by `send_platform.crypto.encrypt_to_storage` under the
    exchange's own storage namespace (`documents/exchange/…`), which is no organisation's schema.
    Its data key is unwrapped at once and wrapped again for the sender and for the recipient; the
    namespace's own wrapping is never kept. To read, the reading organisation unwraps its copy
    with its own key and `send_platform.crypto.open_decrypted` checks every chunk and the SHA-256.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.files.storage import Storage
from django.core.serializers.json import DjangoJSONEncoder
from send_platform.crypto import (
    KEY_BYTES,
    DocumentIntegrityError,
    encrypt_to_storage,
    open_decrypted,
    unwrap_key,
    verify_stored,
    wrap_key,
)

# Storage namespace for exchange documents. Organisation schemas are all `org_…`, so no
# organisation's key can ever be the namespace's key.
EXCHANGE_NAMESPACE = "exchange"

_PAYLOAD_FORMAT = b"\x01"
_NONCE_BYTES = 12
_PAYLOAD_AAD = b"cairn/exchange-payload/v1/"


class ExchangeIntegrityError(DocumentIntegrityError):
    """An envelope's payload or document, or a key to it, is missing or has been altered."""


_TEXT_FORMAT = b"\x01"
_SUBJECT_AAD = b"cairn/exchange-subject/v1/"
_NAMES_AAD = b"cairn/exchange-document-names/v1/"


@dataclass(frozen=True)
class SealedPayload:
    sealed: bytes = field(repr=False)
    wrapped_key_sender: bytes = field(repr=False)
    wrapped_key_recipient: bytes = field(repr=False)
    subject_sealed: bytes = field(default=b"", repr=False)


def _seal_text(data_key: bytes, text: str, aad: bytes) -> bytes:
    nonce = os.urandom(_NONCE_BYTES)
    return _TEXT_FORMAT + nonce + AESGCM(data_key).encrypt(nonce, text.encode("utf-8"), aad)


def _open_text(sealed: bytes, wrapped_key: bytes, aad: bytes, schema_name: str) -> str:
    sealed = bytes(sealed)
    if len(sealed) < 1 + _NONCE_BYTES + 16 or sealed[:1] != _TEXT_FORMAT:
        raise ExchangeIntegrityError("A sealed name is damaged: it is not in a format Cairn recognises.")
    try:
        data_key = unwrap_key(wrapped_key, schema_name)
        return AESGCM(data_key).decrypt(sealed[1 : 1 + _NONCE_BYTES], sealed[1 + _NONCE_BYTES :], aad).decode("utf-8")
    except (InvalidTag, DocumentIntegrityError):
        raise ExchangeIntegrityError("A sealed name is damaged or has been altered.") from None


def open_subject(sealed: bytes, wrapped_key: bytes, *, reference: UUID, schema_name: str) -> str:
    return _open_text(sealed, wrapped_key, _SUBJECT_AAD + reference.bytes, schema_name)


def open_document_names(sealed: bytes, wrapped_key: bytes, *, storage_name: str, schema_name: str) -> dict[str, str]:
    names = json.loads(_open_text(sealed, wrapped_key, _NAMES_AAD + storage_name.encode("utf-8"), schema_name))
    return {"title": str(names.get("title", "")), "original_filename": str(names.get("original_filename", ""))}


@dataclass(frozen=True)
class StoredDocument:
    storage_name: str
    size: int
    sha256: str
    content_type: str
    wrapped_key_sender: bytes = field(repr=False)
    wrapped_key_recipient: bytes = field(repr=False)
    names_sealed: bytes = field(default=b"", repr=False)


def encode_payload(payload: dict[str, Any]) -> bytes:
    """The payload as compact JSON, in its own field order (dates and decimals as strings)."""
    return json.dumps(payload, cls=DjangoJSONEncoder, separators=(",", ":")).encode("utf-8")


def _payload_aad(reference: UUID, payload_version: int) -> bytes:
    return _PAYLOAD_AAD + reference.bytes + payload_version.to_bytes(2, "big")


def seal_payload(
    plaintext: bytes,
    *,
    reference: UUID,
    payload_version: int,
    sender_schema: str,
    recipient_schema: str,
    subject: str = "",
) -> SealedPayload:
    """Seal the encoded payload (and the subject) under a fresh data key wrapped for both organisations."""
    data_key = AESGCM.generate_key(bit_length=KEY_BYTES * 8)
    nonce = os.urandom(_NONCE_BYTES)
    sealed = AESGCM(data_key).encrypt(nonce, plaintext, _payload_aad(reference, payload_version))
    return SealedPayload(
        sealed=_PAYLOAD_FORMAT + nonce + sealed,
        wrapped_key_sender=wrap_key(data_key, sender_schema),
        wrapped_key_recipient=wrap_key(data_key, recipient_schema),
        subject_sealed=_seal_text(data_key, subject, _SUBJECT_AAD + reference.bytes) if subject else b"",
    )


def open_payload(sealed: bytes, wrapped_key: bytes, *, reference: UUID, payload_version: int, schema_name: str) -> dict:
    """The payload, unsealed with the reading organisation's copy of the key."""
    try:
        data_key = unwrap_key(wrapped_key, schema_name)
    except DocumentIntegrityError as error:
        raise ExchangeIntegrityError(f"The envelope's key cannot be opened here: {error}") from None
    sealed = bytes(sealed)
    if len(sealed) < 1 + _NONCE_BYTES + 16 or sealed[:1] != _PAYLOAD_FORMAT:
        raise ExchangeIntegrityError("The envelope's contents are damaged: they are not in a format Cairn recognises.")
    nonce, body = sealed[1 : 1 + _NONCE_BYTES], sealed[1 + _NONCE_BYTES :]
    try:
        plaintext = AESGCM(data_key).decrypt(nonce, body, _payload_aad(reference, payload_version))
    except InvalidTag:
        raise ExchangeIntegrityError("The envelope's contents are damaged or have been altered.") from None
    payload = json.loads(plaintext.decode("utf-8"))
    if not isinstance(payload, dict):
        raise ExchangeIntegrityError("The envelope's contents are not a structured payload.")
    return payload


def store_document(
    stream: BinaryIO | Iterable[bytes],
    *,
    sender_schema: str,
    recipient_schema: str,
    max_bytes: int,
    storage: Storage | None = None,
    title: str = "",
    original_filename: str = "",
) -> StoredDocument:
    """Encrypt a document once into storage; its data key wrapped for both organisations, its names sealed under it.

    Raises `send_platform.crypto.DocumentRefused` (too large, or a type Cairn does not accept), in
    which case nothing is stored.
    """
    blob = encrypt_to_storage(stream, schema_name=EXCHANGE_NAMESPACE, max_bytes=max_bytes, storage=storage)
    data_key = unwrap_key(blob.wrapped_key, EXCHANGE_NAMESPACE)
    return StoredDocument(
        storage_name=blob.storage_name,
        size=blob.size,
        sha256=blob.sha256,
        content_type=blob.content_type,
        wrapped_key_sender=wrap_key(data_key, sender_schema),
        wrapped_key_recipient=wrap_key(data_key, recipient_schema),
        names_sealed=_seal_text(
            data_key,
            json.dumps({"title": title, "original_filename": original_filename}),
            _NAMES_AAD + blob.storage_name.encode("utf-8"),
        ),
    )


def _namespace_key(wrapped_key: bytes, schema_name: str) -> bytes:
    """The reading organisation's copy of the key, re-wrapped (in memory only) for the namespace."""
    try:
        data_key = unwrap_key(wrapped_key, schema_name)
    except DocumentIntegrityError as error:
        raise ExchangeIntegrityError(f"The document's key cannot be opened here: {error}") from None
    return wrap_key(data_key, EXCHANGE_NAMESPACE)


def verify_document(
    storage_name: str, wrapped_key: bytes, sha256: str, *, schema_name: str, storage: Storage | None = None
) -> None:
    """Read the whole document through, keeping none of it; `ExchangeIntegrityError` if anything is wrong."""
    key = _namespace_key(wrapped_key, schema_name)
    try:
        verify_stored(storage_name, key, sha256, schema_name=EXCHANGE_NAMESPACE, storage=storage)
    except DocumentIntegrityError as error:
        raise ExchangeIntegrityError(str(error)) from None


def document_chunks(
    storage_name: str, wrapped_key: bytes, sha256: str, *, schema_name: str, storage: Storage | None = None
) -> Iterator[bytes]:
    """The document's plaintext, chunk by chunk, each chunk checked before it is yielded."""
    key = _namespace_key(wrapped_key, schema_name)
    return open_decrypted(storage_name, key, sha256, schema_name=EXCHANGE_NAMESPACE, storage=storage)
