"""Documents at rest: encrypted in chunks, bound to their organisation, refused before storage."""

from __future__ import annotations

import hashlib
import hmac
import io
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from send_platform import crypto
from send_platform.crypto import (
    HEADER,
    MAGIC,
    TAG_BYTES,
    DocumentIntegrityError,
    DocumentRefused,
    EncryptedBlob,
    delete_stored,
    encrypt_to_storage,
    open_decrypted,
    organisation_key,
    unwrap_key,
    verify_stored,
    wrap_key,
)
from send_platform.uploads import ALLOWED_DOCUMENT_TYPES

# Keys are salted per organisation, looked up in the public schema (these schema names have no
# organisation, so they are the unsalted case that the RFC 5869 check below pins).
pytestmark = pytest.mark.django_db

MASTER_KEY = "test master key: not for production use, ever"
SCHEMA_A = "org_ashgrove"
SCHEMA_B = "org_birchwood"
CHUNK = 64 * 1024
LIMIT = 60 * 1024 * 1024
PDF_HEAD = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"


@pytest.fixture(autouse=True)
def _master_key(settings):
    settings.CAIRN_MASTER_KEY = MASTER_KEY


@pytest.fixture
def media(tmp_path) -> Path:
    path = tmp_path / "media"
    path.mkdir()
    return path


@pytest.fixture
def storage(media) -> FileSystemStorage:
    return FileSystemStorage(location=str(media))


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def store(data: bytes | list[bytes], storage, *, schema=SCHEMA_A, **options) -> EncryptedBlob:
    options.setdefault("max_bytes", LIMIT)
    source = data if isinstance(data, list) else [data]
    return encrypt_to_storage(source, schema_name=schema, storage=storage, **options)


def read_back(blob: EncryptedBlob, storage, *, schema=SCHEMA_A) -> bytes:
    return b"".join(
        open_decrypted(blob.storage_name, blob.wrapped_key, blob.sha256, schema_name=schema, storage=storage)
    )


def text_of(size: int) -> bytes:
    line = b"Pupil passport, review notes and provision map.\n"
    return (line * (size // len(line) + 1))[:size]


def zipped(*entries: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries:
            # OpenDocument requires `mimetype` first and uncompressed; real files do exactly that.
            archive.writestr(name, content, compress_type=zipfile.ZIP_STORED if name == "mimetype" else None)
    return buffer.getvalue()


class AnyType(dict):
    """An `allowed_types` that lets every type through, for the property tests."""

    def __contains__(self, key):
        return True


# --- Keys --------------------------------------------------------------------------------


def _rfc5869_hkdf_sha256(ikm: bytes, info: bytes, length: int = 32, salt: bytes = b"\x00" * 32) -> bytes:
    """RFC 5869 written out with the standard library, to pin the derivation independently."""
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    okm, block, counter = b"", b"", 1
    while len(okm) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        okm += block
        counter += 1
    return okm[:length]


def test_organisation_key_is_hkdf_sha256_of_the_master_key_the_organisations_salt_and_schema():
    from tenants.models import Organisation

    salt = bytes(Organisation.objects.get(schema_name=SCHEMA_A).key_salt)
    assert len(salt) == 32
    key = organisation_key(SCHEMA_A)
    assert len(key) == 32
    assert key == _rfc5869_hkdf_sha256(
        MASTER_KEY.encode(), b"cairn/organisation-key/v1/" + SCHEMA_A.encode(), salt=salt
    )
    assert organisation_key(SCHEMA_A) == key
    assert organisation_key(SCHEMA_B) != key


def test_a_schema_that_is_no_organisations_has_no_salt():
    # The exchange's storage namespace: HKDF with no salt (RFC 5869: a string of zeros).
    assert organisation_key("exchange") == _rfc5869_hkdf_sha256(MASTER_KEY.encode(), b"cairn/organisation-key/v1/exchange")


def test_organisation_key_changes_with_the_master_key(settings):
    before = organisation_key(SCHEMA_A)
    settings.CAIRN_MASTER_KEY = MASTER_KEY + "!"
    assert organisation_key(SCHEMA_A) != before


@pytest.mark.parametrize("bad", ["", "../org_a", "org/a", "org a", "1org", "a" * 64, "org_ä"])
def test_schema_names_that_could_escape_their_folder_are_rejected(bad):
    with pytest.raises(ValueError):
        organisation_key(bad)


def test_a_missing_master_key_is_a_configuration_error(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.CAIRN_MASTER_KEY = ""
    with pytest.raises(ImproperlyConfigured):
        organisation_key(SCHEMA_A)


def test_wrapped_key_round_trips_and_is_randomised():
    data_key = bytes(range(32))
    first, second = wrap_key(data_key, SCHEMA_A), wrap_key(data_key, SCHEMA_A)
    assert first != second
    assert data_key not in first
    assert unwrap_key(first, SCHEMA_A) == data_key
    assert unwrap_key(memoryview(second), SCHEMA_A) == data_key


def test_a_key_wrapped_for_one_organisation_does_not_unwrap_in_another():
    wrapped = wrap_key(bytes(32), SCHEMA_A)
    with pytest.raises(DocumentIntegrityError, match="does not belong to this organisation"):
        unwrap_key(wrapped, SCHEMA_B)


def test_a_key_wrapped_under_another_master_key_does_not_unwrap(settings):
    wrapped = wrap_key(bytes(32), SCHEMA_A)
    settings.CAIRN_MASTER_KEY = "another master key altogether"
    with pytest.raises(DocumentIntegrityError):
        unwrap_key(wrapped, SCHEMA_A)


@pytest.mark.parametrize("position", [0, 1, 20, -1])
def test_an_altered_wrapped_key_is_detected(position):
    wrapped = bytearray(wrap_key(bytes(32), SCHEMA_A))
    wrapped[position] ^= 0x01
    with pytest.raises(DocumentIntegrityError):
        unwrap_key(bytes(wrapped), SCHEMA_A)


def test_only_256_bit_keys_are_wrapped():
    with pytest.raises(ValueError):
        wrap_key(bytes(16), SCHEMA_A)


# --- Round trips -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "size",
    [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 200 * 1024],
    ids=["empty", "one-byte", "chunk-less-one", "one-chunk", "chunk-plus-one", "two-chunks", "200KB"],
)
def test_round_trip_preserves_bytes_size_and_sha256(size, storage, media):
    data = text_of(size)
    blob = store(data, storage)
    assert blob.size == size
    assert blob.sha256 == hashlib.sha256(data).hexdigest()
    assert blob.content_type == "text/plain"
    assert read_back(blob, storage) == data
    chunks = max(1, -(-size // CHUNK))
    assert (media / blob.storage_name).stat().st_size == HEADER.size + size + chunks * TAG_BYTES
    verify_stored(blob.storage_name, blob.wrapped_key, blob.sha256, schema_name=SCHEMA_A, storage=storage)


def test_plaintext_comes_back_in_chunks_no_larger_than_the_chunk_size(storage):
    data = text_of(200 * 1024)
    blob = store(data, storage)
    pieces = list(
        open_decrypted(blob.storage_name, blob.wrapped_key, blob.sha256, schema_name=SCHEMA_A, storage=storage)
    )
    assert [len(p) for p in pieces] == [CHUNK, CHUNK, CHUNK, 200 * 1024 - 3 * CHUNK]


def test_an_empty_document_decrypts_to_nothing(storage):
    blob = store(b"", storage)
    assert (
        list(open_decrypted(blob.storage_name, blob.wrapped_key, blob.sha256, schema_name=SCHEMA_A, storage=storage))
        == []
    )


@pytest.mark.parametrize(
    "source",
    [
        lambda data: io.BytesIO(data),
        lambda data: ContentFile(data, name="notes.txt"),
        lambda data: [data[:1], data[1:70_000], b"", data[70_000:70_001], data[70_001:]],
        lambda data: (data[i : i + 1000] for i in range(0, len(data), 1000)),
    ],
    ids=["file-object", "django-file", "uneven-pieces", "generator"],
)
def test_files_and_iterables_of_any_piece_sizes_are_accepted(source, storage):
    data = text_of(150_000)
    blob = encrypt_to_storage(source(data), schema_name=SCHEMA_A, max_bytes=LIMIT, storage=storage)
    assert read_back(blob, storage) == data


def test_a_multibyte_character_split_across_chunks_is_still_text(storage):
    data = b"a" * 255 + "é".encode() + "Ünïcödé ✓ ".encode() * 100
    blob = store(data, storage, chunk_size=256)
    assert blob.content_type == "text/plain"
    assert read_back(blob, storage) == data


def test_documents_are_stored_under_the_organisation_with_a_random_name(storage):
    blob = store(b"plan", storage)
    folder, schema, name = blob.storage_name.split("/")
    assert (folder, schema) == ("documents", SCHEMA_A)
    assert len(name) == 32 and int(name, 16) >= 0
    assert store(b"plan", storage).storage_name != blob.storage_name


def test_stored_bytes_are_ciphertext(storage, media):
    marker = b"MARKER-Jamie-Smith-EHCP-needs-assessment"
    data = (marker + b" " + text_of(1000)) * 300
    blob = store(data, storage)
    on_disk = (media / blob.storage_name).read_bytes()
    assert on_disk.startswith(MAGIC)
    assert on_disk != data
    assert marker not in on_disk
    assert b"EHCP" not in on_disk
    again = store(data, storage)
    assert (media / again.storage_name).read_bytes()[HEADER.size :] != on_disk[HEADER.size :]
    assert again.wrapped_key != blob.wrapped_key


def test_encrypted_blob_is_immutable_and_keeps_its_key_out_of_repr(storage):
    blob = store(b"x", storage)
    with pytest.raises(AttributeError):
        blob.size = 2
    assert "wrapped_key" not in repr(blob)


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (PDF_HEAD + b"1 0 obj << >> endobj\n" * 50, "application/pdf"),
        (
            zipped(("[Content_Types].xml", b"<Types/>"), ("_rels/.rels", b"<R/>"), ("word/document.xml", b"<w/>")),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            zipped(("[Content_Types].xml", b"<Types/>"), ("_rels/.rels", b"<R/>"), ("xl/workbook.xml", b"<w/>")),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            zipped(("mimetype", b"application/vnd.oasis.opendocument.text"), ("content.xml", b"<c/>")),
            "application/vnd.oasis.opendocument.text",
        ),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(100), "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(100), "image/jpeg"),
        (b"upn,name,need\nA123,Sam,SEMH\n", "text/plain"),
        ("Cynllun datblygu unigol — Siân\n".encode(), "text/plain"),
        # Text that happens to start like a bitmap is still text.
        (b"BM review notes\n", "text/plain"),
    ],
    ids=["pdf", "docx", "xlsx", "odt", "png", "jpeg", "csv", "utf8-text", "text-starting-BM"],
)
def test_accepted_types_are_sniffed_from_the_content(content, content_type, storage):
    assert content_type in ALLOWED_DOCUMENT_TYPES
    blob = store(content, storage)
    assert blob.content_type == content_type
    assert read_back(blob, storage) == content


# --- Refusals leave nothing behind -------------------------------------------------------

WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(48) + b"PE\x00\x00" + bytes(400)


@pytest.mark.parametrize(
    ("content", "shown_as"),
    [
        (WINDOWS_EXE, "(EXE)"),
        (zipped(("hello.txt", b"hi"), ("payload.js", b"alert(1)")), "(ZIP)"),
        (b"\x7fELF\x02\x01\x01" + bytes(100), "(ELF)"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "This file"),  # not an allowed Office type
        (bytes(range(256)) * 4, "This file"),  # unrecognised binary
        ("UTF-16 text".encode("utf-16"), "This file"),
    ],
    ids=["exe", "plain-zip", "elf", "ole-container", "binary", "utf16"],
)
def test_types_cairn_does_not_accept_are_refused_and_nothing_is_stored(content, shown_as, storage, media):
    with pytest.raises(DocumentRefused, match="is not a file type Cairn accepts") as refused:
        store(content, storage)
    assert shown_as in str(refused.value)
    assert "PDF" in str(refused.value)
    assert stored_files(media) == []


def test_text_that_turns_binary_after_the_sniffed_start_is_refused(storage, media):
    data = text_of(20_000) + b"\x00\x01binary tail"
    with pytest.raises(DocumentRefused, match="not a file type Cairn accepts"):
        store(data, storage, chunk_size=4096)
    assert stored_files(media) == []


def test_text_ending_in_a_broken_utf8_sequence_is_refused(storage, media):
    with pytest.raises(DocumentRefused):
        store(b"notes " + "é".encode()[:1], storage)
    assert stored_files(media) == []


def test_unrecognised_binary_is_accepted_only_when_octet_stream_is_allowed(storage):
    data = bytes(range(256)) * 4
    blob = store(data, storage, allowed_types={"application/octet-stream": "Other file"})
    assert blob.content_type == "application/octet-stream"
    assert read_back(blob, storage) == data
    with pytest.raises(DocumentRefused, match=r"\(EXE\)"):
        store(WINDOWS_EXE, storage, allowed_types={"application/octet-stream": "Other file"})


def test_text_turning_binary_falls_back_to_octet_stream_when_allowed(storage):
    data = text_of(10_000) + b"\x00\xff"
    blob = store(data, storage, allowed_types={"text/plain": "Text", "application/octet-stream": "Other"})
    assert blob.content_type == "application/octet-stream"


def test_allowed_types_narrow_what_is_accepted(storage, media):
    with pytest.raises(DocumentRefused, match=r"Cairn accepts: PDF\."):
        store(b"just text", storage, allowed_types={"application/pdf": "PDF"})
    assert stored_files(media) == []


def test_a_document_at_the_limit_is_accepted(storage):
    blob = store(text_of(5000), storage, max_bytes=5000, chunk_size=1024)
    assert blob.size == 5000


@pytest.mark.parametrize("chunk_size", [1024, CHUNK])
def test_a_document_over_the_limit_is_refused_and_nothing_is_stored(chunk_size, storage, media):
    with pytest.raises(DocumentRefused, match="^The file is larger than the 4.9 KB limit$"):
        store(text_of(5001), storage, max_bytes=5000, chunk_size=chunk_size)
    assert stored_files(media) == []


def test_the_refusal_message_names_the_limit_in_megabytes(storage):
    with pytest.raises(DocumentRefused, match="^The file is larger than the 1 MB limit$"):
        store(text_of(1024 * 1024 + 1), storage, max_bytes=1024 * 1024)


def test_an_endless_stream_is_refused_as_soon_as_it_passes_the_limit(storage, media):
    pulled = 0

    def endless():
        nonlocal pulled
        piece = b"a" * 1000
        while True:
            pulled += len(piece)
            yield piece

    with pytest.raises(DocumentRefused):
        encrypt_to_storage(endless(), schema_name=SCHEMA_A, max_bytes=100_000, storage=storage, chunk_size=4096)
    assert pulled <= 100_000 + 4096 + 1000
    assert stored_files(media) == []


def test_a_failed_save_leaves_nothing_behind(storage, media, monkeypatch):
    real_save = FileSystemStorage._save

    def save_then_fail(self, name, content):
        real_save(self, name, content)
        raise OSError("disk full")

    monkeypatch.setattr(FileSystemStorage, "_save", save_then_fail)
    with pytest.raises(OSError, match="disk full"):
        store(b"notes", storage)
    assert stored_files(media) == []


def test_memory_stays_bounded_while_encrypting_a_large_stream(storage, media):
    total = 50 * 1024 * 1024
    piece = b"0123456789abcdef" * 4096  # 64 KB, reused: the source holds nothing itself

    def fifty_megabytes():
        yield PDF_HEAD
        sent = len(PDF_HEAD)
        while sent < total:
            part = piece[: total - sent]
            sent += len(part)
            yield part

    tracemalloc.start()
    try:
        blob = encrypt_to_storage(fifty_megabytes(), schema_name=SCHEMA_A, max_bytes=LIMIT, storage=storage)
        _, encrypting_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        verify_stored(blob.storage_name, blob.wrapped_key, blob.sha256, schema_name=SCHEMA_A, storage=storage)
        _, decrypting_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert blob.size == total
    assert blob.content_type == "application/pdf"
    assert (media / blob.storage_name).stat().st_size > total
    assert encrypting_peak < 2 * 1024 * 1024, encrypting_peak
    assert decrypting_peak < 2 * 1024 * 1024, decrypting_peak


# --- Organisations and tampering ---------------------------------------------------------


def test_a_document_stored_for_one_organisation_cannot_be_opened_as_another(storage, media):
    blob = store(b"Sam's EHCP", storage, schema=SCHEMA_A)
    with pytest.raises(DocumentIntegrityError):
        read_back(blob, storage, schema=SCHEMA_B)

    # Even copied into the other organisation's folder, its key still does not unwrap there.
    copied = f"documents/{SCHEMA_B}/{blob.storage_name.rsplit('/', 1)[-1]}"
    (media / copied).parent.mkdir(parents=True)
    (media / copied).write_bytes((media / blob.storage_name).read_bytes())
    with pytest.raises(DocumentIntegrityError, match="does not belong to this organisation"):
        list(open_decrypted(copied, blob.wrapped_key, blob.sha256, schema_name=SCHEMA_B, storage=storage))


def test_another_documents_key_does_not_open_a_document(storage):
    first, second = store(b"first", storage), store(b"second", storage)
    with pytest.raises(DocumentIntegrityError):
        list(
            open_decrypted(first.storage_name, second.wrapped_key, first.sha256, schema_name=SCHEMA_A, storage=storage)
        )


def tamper(media: Path, blob: EncryptedBlob, change) -> None:
    path = media / blob.storage_name
    path.write_bytes(bytes(change(bytearray(path.read_bytes()))))


def flip(offset):
    def change(data):
        data[offset] ^= 0x01
        return data

    return change


def block(index: int) -> slice:
    start = HEADER.size + index * (CHUNK + TAG_BYTES)
    return slice(start, start + CHUNK + TAG_BYTES)


def swap_first_two_chunks(data):
    first, second = data[block(0)], data[block(1)]
    data[block(0)], data[block(1)] = second, first
    return data


TAMPERING = {
    "flip-a-byte-in-the-first-chunk": flip(HEADER.size + 100),
    "flip-a-byte-in-the-last-chunk": flip(-20),
    "flip-a-tag-byte": flip(-1),
    "flip-the-magic": flip(0),
    "flip-the-chunk-size": flip(9),
    "flip-the-nonce-prefix": flip(12),
    "drop-the-last-chunk": lambda data: data[: block(3).start],
    "cut-the-last-chunk-short": lambda data: data[:-5],
    "cut-into-the-header": lambda data: data[:10],
    "header-only": lambda data: data[: HEADER.size],
    "empty-file": lambda data: bytearray(),
    "append-bytes": lambda data: data + b"\x00" * 32,
    "append-a-copy-of-a-chunk": lambda data: data + data[block(1)],
    "swap-two-chunks": swap_first_two_chunks,
    "repeat-a-chunk": lambda data: data[: block(1).start] + data[block(0)] + data[block(2).start :],
}


@pytest.mark.parametrize("change", TAMPERING.values(), ids=TAMPERING.keys())
def test_tampering_with_stored_ciphertext_is_detected(change, storage, media):
    data = text_of(200 * 1024)  # three whole chunks and a remainder
    blob = store(data, storage)
    tamper(media, blob, change)
    with pytest.raises(DocumentIntegrityError):
        read_back(blob, storage)
    with pytest.raises(DocumentIntegrityError):
        verify_stored(blob.storage_name, blob.wrapped_key, blob.sha256, schema_name=SCHEMA_A, storage=storage)


def test_a_damaged_chunk_is_never_released(storage, media):
    blob = store(text_of(200 * 1024), storage)
    tamper(media, blob, flip(block(2).start + 10))
    released = []
    with pytest.raises(DocumentIntegrityError):
        for piece in open_decrypted(
            blob.storage_name, blob.wrapped_key, blob.sha256, schema_name=SCHEMA_A, storage=storage
        ):
            released.append(piece)
    assert len(released) == 2  # the two intact chunks before it, and nothing after


def test_a_wrong_checksum_holds_back_the_last_chunk(storage):
    data = text_of(1000)
    blob = store(data, storage)
    wrong = hashlib.sha256(data + b"!").hexdigest()
    released = []
    with pytest.raises(DocumentIntegrityError, match="checksum"):
        for piece in open_decrypted(blob.storage_name, blob.wrapped_key, wrong, schema_name=SCHEMA_A, storage=storage):
            released.append(piece)
    assert released == []


def test_a_missing_document_is_an_integrity_error(storage):
    blob = store(b"gone soon", storage)
    delete_stored(blob.storage_name, storage=storage)
    with pytest.raises(DocumentIntegrityError, match="missing"):
        verify_stored(blob.storage_name, blob.wrapped_key, blob.sha256, schema_name=SCHEMA_A, storage=storage)


def test_delete_stored_removes_the_document_and_tolerates_repeats(storage, media):
    blob = store(b"to be deleted", storage)
    delete_stored(blob.storage_name, storage=storage)
    delete_stored(blob.storage_name, storage=storage)
    assert stored_files(media) == []


def test_the_default_storage_is_used_when_none_is_given(settings, media):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(media)}},
    }
    blob = encrypt_to_storage([b"default storage"], schema_name=SCHEMA_A, max_bytes=LIMIT)
    assert (media / blob.storage_name).is_file()
    assert (
        b"".join(open_decrypted(blob.storage_name, blob.wrapped_key, blob.sha256, schema_name=SCHEMA_A))
        == b"default storage"
    )
    delete_stored(blob.storage_name)
    assert stored_files(media) == []


@pytest.mark.parametrize("chunk_size", [0, 255, 16 * 1024 * 1024 + 1])
def test_unreasonable_chunk_sizes_are_rejected(chunk_size, storage):
    with pytest.raises(ValueError):
        store(b"x", storage, chunk_size=chunk_size)


def test_the_module_exposes_its_defaults():
    assert crypto.DEFAULT_CHUNK_SIZE == CHUNK
    assert HEADER.size == 18


# --- Properties --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shared_storage(tmp_path_factory):
    return FileSystemStorage(location=str(tmp_path_factory.mktemp("property-media")))


@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=3000), chunk_size=st.sampled_from([256, 1000, 4096]))
def test_any_bytes_round_trip(data, chunk_size, shared_storage):
    blob = encrypt_to_storage(
        [data],
        schema_name=SCHEMA_A,
        max_bytes=LIMIT,
        allowed_types=AnyType(),
        storage=shared_storage,
        chunk_size=chunk_size,
    )
    try:
        assert blob.size == len(data)
        assert blob.sha256 == hashlib.sha256(data).hexdigest()
        assert read_back(blob, shared_storage) == data
    finally:
        delete_stored(blob.storage_name, storage=shared_storage)


@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=2000).filter(lambda s: "\x00" not in s))
def test_any_text_without_nul_is_accepted_as_text(text, shared_storage):
    data = text.encode("utf-8")
    try:
        blob = encrypt_to_storage([data], schema_name=SCHEMA_A, max_bytes=LIMIT, storage=shared_storage, chunk_size=256)
    except DocumentRefused:
        pytest.fail(f"text refused: {text!r}")
    try:
        assert blob.content_type in ALLOWED_DOCUMENT_TYPES
        assert read_back(blob, shared_storage) == data
    finally:
        delete_stored(blob.storage_name, storage=shared_storage)


# --- Chunks from another file, under the same data key --------------------------------------


def test_a_chunk_from_another_file_under_the_same_key_is_refused(storage, media, monkeypatch):
    # Each document normally has its own key; force two to share one, so only the nonce prefix
    # and the header in the associated data tell their chunks apart.
    shared = bytes(range(32))
    monkeypatch.setattr(crypto.AESGCM, "generate_key", staticmethod(lambda bit_length: shared))
    first = store(text_of(200 * 1024), storage)
    second = store(text_of(200 * 1024), storage)
    assert unwrap_key(first.wrapped_key, SCHEMA_A) == unwrap_key(second.wrapped_key, SCHEMA_A) == shared
    donor = (media / second.storage_name).read_bytes()

    def swap_in_the_same_chunk_of_the_other_file(data):
        data[block(1)] = donor[block(1)]  # same index, same plaintext, same key
        return data

    tamper(media, first, swap_in_the_same_chunk_of_the_other_file)
    with pytest.raises(DocumentIntegrityError):
        verify_stored(first.storage_name, first.wrapped_key, first.sha256, schema_name=SCHEMA_A, storage=storage)


# --- Master keys, key ids and the legacy wrapping ------------------------------------------

NEW_MASTER_KEY = "the next master key, after rotation: not for production use either"


def _key_id(master: str) -> bytes:
    return _rfc5869_hkdf_sha256(master.encode(), b"cairn/master-key-id/v1", length=8)


def _legacy_wrap(data_key: bytes, schema: str, master: str = MASTER_KEY) -> bytes:
    """Format 1, as Cairn wrote it before key ids and salts, computed here from its description."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    kek = _rfc5869_hkdf_sha256(master.encode(), b"cairn/organisation-key/v1/" + schema.encode())
    nonce = bytes(12)
    return b"\x01" + nonce + AESGCM(kek).encrypt(nonce, data_key, b"cairn/data-key/v1/" + schema.encode())


def test_a_wrapped_key_names_the_master_key_it_was_wrapped_under():
    wrapped = wrap_key(bytes(32), SCHEMA_A)
    assert wrapped[:1] == b"\x02"
    assert wrapped[1:9] == _key_id(MASTER_KEY)
    assert crypto.wrapped_key_id(wrapped) == _key_id(MASTER_KEY).hex()
    assert len(wrapped) == 1 + 8 + 12 + 32 + 16


def test_after_rotation_old_keys_are_read_by_id_and_new_ones_use_the_new_key(settings):
    data_key = bytes(range(32))
    old = wrap_key(data_key, SCHEMA_A)
    settings.CAIRN_MASTER_KEY, settings.CAIRN_MASTER_KEYS_OLD = NEW_MASTER_KEY, [MASTER_KEY]
    assert unwrap_key(old, SCHEMA_A) == data_key
    assert crypto.needs_rewrap(old)
    new = crypto.rewrap_key(old, SCHEMA_A)
    assert new[1:9] == _key_id(NEW_MASTER_KEY)
    assert not crypto.needs_rewrap(new)
    settings.CAIRN_MASTER_KEYS_OLD = []
    assert unwrap_key(new, SCHEMA_A) == data_key
    with pytest.raises(DocumentIntegrityError, match=_key_id(MASTER_KEY).hex()):
        unwrap_key(old, SCHEMA_A)


def test_a_legacy_key_is_read_only_by_an_organisation_that_existed_before_the_salt(school_a):
    from tenants.models import Organisation

    data_key = bytes(range(32))
    legacy = _legacy_wrap(data_key, school_a.schema_name)
    assert crypto.wrapped_key_id(legacy) == crypto.LEGACY_KEY_ID
    assert crypto.needs_rewrap(legacy)
    # Created after the salt: it never held a legacy key, so it reads none.
    with pytest.raises(DocumentIntegrityError):
        unwrap_key(legacy, school_a.schema_name)
    Organisation.objects.filter(pk=school_a.pk).update(reads_unsalted_keys=True)
    assert unwrap_key(legacy, school_a.schema_name) == data_key
    # Still another organisation's key elsewhere.
    Organisation.objects.filter(schema_name=SCHEMA_B).update(reads_unsalted_keys=True)
    with pytest.raises(DocumentIntegrityError):
        unwrap_key(legacy, SCHEMA_B)


def test_a_legacy_key_is_read_under_an_older_master_key(settings, school_a):
    from tenants.models import Organisation

    Organisation.objects.filter(pk=school_a.pk).update(reads_unsalted_keys=True)
    legacy = _legacy_wrap(bytes(32), school_a.schema_name, master=MASTER_KEY)
    settings.CAIRN_MASTER_KEY, settings.CAIRN_MASTER_KEYS_OLD = NEW_MASTER_KEY, [MASTER_KEY]
    assert unwrap_key(legacy, school_a.schema_name) == bytes(32)


def test_each_organisation_gets_its_own_random_salt(school_a, school_b):
    assert len(bytes(school_a.key_salt)) == 32
    assert bytes(school_a.key_salt) != bytes(school_b.key_salt)
