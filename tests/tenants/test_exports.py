"""Off-boarding exports name the master key they were sealed under and can be moved to a new one."""

from __future__ import annotations

import gzip
import hashlib
import hmac
import json
import os
import secrets

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from tenants.exports import MAGIC, ExportUnreadable, read_export, rewrap_export, write_export

OLD = secrets.token_urlsafe(64)
NEW = secrets.token_urlsafe(64)


def _hkdf(ikm: bytes, info: bytes, length: int = 32) -> bytes:
    """RFC 5869 HKDF-SHA256, no salt, written out independently of the code under test."""
    prk = hmac.new(b"\x00" * 32, ikm, hashlib.sha256).digest()
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()[:length]


def _format_1(path, content: dict, master: str) -> None:
    """An export as Cairn wrote it before key ids: MAGIC_V1, nonce, wrapped key, nonce, sealed gzip JSON."""
    magic = b"CAIRN-EXPORT-1\n"
    data_key, wrap_nonce, content_nonce = os.urandom(32), os.urandom(12), os.urandom(12)
    wrapped = AESGCM(_hkdf(master.encode(), b"cairn organisation export v1")).encrypt(wrap_nonce, data_key, magic)
    sealed = AESGCM(data_key).encrypt(content_nonce, gzip.compress(json.dumps(content).encode()), magic)
    path.write_bytes(magic + wrap_nonce + wrapped + content_nonce + sealed)


def test_an_export_names_its_master_key(settings, tmp_path):
    settings.CAIRN_MASTER_KEY, settings.CAIRN_MASTER_KEYS_OLD = OLD, []
    path = write_export(tmp_path / "a.cairn-export", {"a": 1})
    data = path.read_bytes()
    assert data.startswith(MAGIC)
    assert data[len(MAGIC) : len(MAGIC) + 8] == _hkdf(OLD.encode(), b"cairn/master-key-id/v1", 8)


def test_a_format_1_export_is_read_and_rewrapped_to_the_new_key(settings, tmp_path):
    path = tmp_path / "old.cairn-export"
    _format_1(path, {"records": ["marker 4410"]}, OLD)
    settings.CAIRN_MASTER_KEY, settings.CAIRN_MASTER_KEYS_OLD = NEW, [OLD]
    assert read_export(path) == {"records": ["marker 4410"]}
    assert rewrap_export(path) is True
    assert rewrap_export(path) is False  # already current: left alone
    assert path.stat().st_mode & 0o777 == 0o600
    settings.CAIRN_MASTER_KEYS_OLD = []
    assert read_export(path) == {"records": ["marker 4410"]}
    assert b"marker 4410" not in path.read_bytes()


def test_a_format_2_export_moves_by_rewriting_only_its_key(settings, tmp_path):
    settings.CAIRN_MASTER_KEY, settings.CAIRN_MASTER_KEYS_OLD = OLD, []
    path = write_export(tmp_path / "b.cairn-export", {"b": 2})
    before = path.read_bytes()
    settings.CAIRN_MASTER_KEY, settings.CAIRN_MASTER_KEYS_OLD = NEW, [OLD]
    assert rewrap_export(path) is True
    after = path.read_bytes()
    header = len(MAGIC) + 8 + 12 + 48
    assert after[header:] == before[header:]  # the sealed contents are untouched
    settings.CAIRN_MASTER_KEYS_OLD = []
    assert read_export(path) == {"b": 2}


def test_an_export_under_a_key_no_longer_held_is_refused(settings, tmp_path):
    settings.CAIRN_MASTER_KEY, settings.CAIRN_MASTER_KEYS_OLD = OLD, []
    path = write_export(tmp_path / "c.cairn-export", {"c": 3})
    settings.CAIRN_MASTER_KEY = NEW
    with pytest.raises(ExportUnreadable):
        read_export(path)
    with pytest.raises(ExportUnreadable):
        rewrap_export(path)
