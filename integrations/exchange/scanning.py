"""Checking documents before they enter the exchange: a pluggable scanner.

`CAIRN_DOCUMENT_SCANNER` (a dotted path to a class) chooses the scanner. Without it, Cairn uses
`ClamdScanner` when `CAIRN_CLAMD` names a clamd daemon, and `RefuseUnknownTypesScanner` when it
does not.

- `RefuseUnknownTypesScanner` accepts only the document types Cairn accepts at all (the same
  list, and the same rules, as the encrypted store's own type check) and refuses everything
  else. It is not a virus scan, so a document it accepts is recorded as "skipped".
- `ClamdScanner` makes the same type check, then streams the file to clamd (`INSTREAM`) over TCP
  (`CAIRN_CLAMD=host:port`) or a Unix socket (`CAIRN_CLAMD=/path/to/clamd.sock`). A file clamd
  reports is refused. If clamd cannot be reached or answers with an error, the file is refused
  too, unless `CAIRN_CLAMD_FAIL_OPEN` is on, when it is accepted as "skipped".
"""

from __future__ import annotations

import codecs
import os
import socket
import struct
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol, runtime_checkable

import filetype
from django.conf import settings
from django.utils.module_loading import import_string
from send_platform.uploads import ALLOWED_DOCUMENT_TYPES

from .models import ScanStatus

SNIFF_BYTES = 8192
READ_BYTES = 64 * 1024
TEXT_PLAIN = "text/plain"
OCTET_STREAM = "application/octet-stream"
DEFAULT_SCANNER = "integrations.exchange.scanning.RefuseUnknownTypesScanner"
CLAMD_SCANNER = "integrations.exchange.scanning.ClamdScanner"


@dataclass(frozen=True)
class ScanResult:
    status: str
    reason: str = ""
    scanner: str = ""

    @property
    def accepted(self) -> bool:
        return self.status != ScanStatus.REFUSED


@runtime_checkable
class Scanner(Protocol):
    name: str

    def scan(self, source: str | os.PathLike | BinaryIO) -> ScanResult:
        """Check the file (a path, or a binary stream read from its current position)."""
        ...


@contextmanager
def _opened(source: str | os.PathLike | BinaryIO):
    """A binary stream for `source`; a stream is handed back at the position it started from."""
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as fh:
            yield fh
        return
    start = source.tell() if source.seekable() else None
    try:
        yield source
    finally:
        if start is not None:
            source.seek(start)


def _pieces(stream: BinaryIO):
    while True:
        piece = stream.read(READ_BYTES)
        if not piece:
            return
        yield piece


class RefuseUnknownTypesScanner:
    """Accepts the document types Cairn accepts (sniffed from the bytes) and refuses the rest."""

    name = "type check"

    def __init__(self, allowed_types: Mapping[str, str] | None = None):
        self.allowed = ALLOWED_DOCUMENT_TYPES if allowed_types is None else allowed_types

    def scan(self, source: str | os.PathLike | BinaryIO) -> ScanResult:
        with _opened(source) as stream:
            head = bytearray()
            text = True
            utf8 = codecs.getincrementaldecoder("utf-8")()
            for piece in _pieces(stream):
                if len(head) < SNIFF_BYTES:
                    head += piece[: SNIFF_BYTES - len(head)]
                if text:
                    text = self._still_text(utf8, piece, final=False)
            if text:
                text = self._still_text(utf8, b"", final=True)
        kind = filetype.guess(bytes(head)) if head else None
        if kind is not None and kind.mime in self.allowed:
            return self._accepted()
        if text and TEXT_PLAIN in self.allowed:
            return self._accepted()
        if kind is None and OCTET_STREAM in self.allowed:
            return self._accepted()
        what = f"This file ({kind.extension.upper()})" if kind is not None else "This file"
        reason = f"{what} is not a file type Cairn accepts."
        labels = [str(label) for label in self.allowed.values()]
        if labels:
            reason += " Cairn accepts: " + ", ".join(labels) + "."
        return ScanResult(ScanStatus.REFUSED, reason, self.name)

    def _accepted(self) -> ScanResult:
        return ScanResult(ScanStatus.SKIPPED, "Type checked; no virus scanner is configured.", self.name)

    @staticmethod
    def _still_text(decoder, piece: bytes, *, final: bool) -> bool:
        if b"\x00" in piece:
            return False
        try:
            decoder.decode(piece, final)
        except ValueError:
            return False
        return True


class ClamdUnavailable(Exception):
    """clamd could not be reached, or did not answer in the protocol."""


def clamd_address() -> str | None:
    return getattr(settings, "CAIRN_CLAMD", None) or os.environ.get("CAIRN_CLAMD") or None


class ClamdScanner:
    """The type check, then clamd's INSTREAM scan over its socket protocol."""

    name = "clamd"

    def __init__(
        self,
        address: str | None = None,
        *,
        timeout: float | None = None,
        fail_open: bool | None = None,
        type_check: Scanner | None = None,
    ):
        self.address = address if address is not None else clamd_address()
        self.timeout = timeout if timeout is not None else float(getattr(settings, "CAIRN_CLAMD_TIMEOUT", 30))
        self.fail_open = fail_open if fail_open is not None else bool(getattr(settings, "CAIRN_CLAMD_FAIL_OPEN", False))
        self.type_check = type_check or RefuseUnknownTypesScanner()

    def scan(self, source: str | os.PathLike | BinaryIO) -> ScanResult:
        with _opened(source) as stream:
            start = stream.tell() if stream.seekable() else None
            typed = self.type_check.scan(stream)
            if not typed.accepted:
                return typed
            if start is not None:
                stream.seek(start)
            if not self.address:
                return ScanResult(ScanStatus.SKIPPED, "Type checked; no virus scanner is configured.", self.name)
            try:
                reply = self._instream(stream)
            except (OSError, ClamdUnavailable):
                return self._unavailable("The virus scanner could not be reached")
        return self._result(reply)

    def _connect(self) -> socket.socket:
        address = self.address or ""
        if address.startswith("/") or address.startswith("unix:"):
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(self.timeout)
            try:
                sock.connect(address.removeprefix("unix:"))
            except BaseException:
                sock.close()
                raise
            return sock
        host, _, port = address.rpartition(":")
        if not host or not port.isdigit():
            raise ClamdUnavailable("CAIRN_CLAMD must be host:port or the path of a Unix socket.")
        return socket.create_connection((host.strip("[]"), int(port)), timeout=self.timeout)

    def _instream(self, stream: BinaryIO) -> str:
        with self._connect() as sock:
            sock.sendall(b"zINSTREAM\0")
            for piece in _pieces(stream):
                sock.sendall(struct.pack(">I", len(piece)) + piece)
            sock.sendall(struct.pack(">I", 0))
            reply = bytearray()
            while not reply.endswith(b"\0"):
                received = sock.recv(4096)
                if not received:
                    break
                reply += received
                if len(reply) > 4096:
                    raise ClamdUnavailable("clamd's answer was too long.")
        if not reply:
            raise ClamdUnavailable("clamd closed the connection without answering.")
        return reply.rstrip(b"\0").decode("utf-8", "replace").strip()

    def _result(self, reply: str) -> ScanResult:
        # "stream: OK", "stream: <signature> FOUND", or "<message> ERROR".
        verdict = reply.split(":", 1)[1].strip() if ":" in reply else reply
        if verdict == "OK":
            return ScanResult(ScanStatus.CLEAN, "", self.name)
        if verdict.endswith(" FOUND"):
            signature = verdict.removesuffix(" FOUND").strip()[:100]
            return ScanResult(ScanStatus.REFUSED, f"The virus scanner found {signature} in this file.", self.name)
        return self._unavailable("The virus scanner could not check this file")

    def _unavailable(self, what: str) -> ScanResult:
        if self.fail_open:
            return ScanResult(ScanStatus.SKIPPED, f"{what}; type checked only.", self.name)
        return ScanResult(ScanStatus.REFUSED, f"{what}, so the file was not accepted. Try again later.", self.name)


def scanner_path() -> str:
    configured = getattr(settings, "CAIRN_DOCUMENT_SCANNER", None)
    if configured:
        return configured
    return CLAMD_SCANNER if clamd_address() else DEFAULT_SCANNER


def get_scanner() -> Scanner:
    """The configured scanner (a fresh instance, so settings are read at call time)."""
    return import_string(scanner_path())()


def scan_file(source: str | os.PathLike | BinaryIO | Path) -> ScanResult:
    return get_scanner().scan(source)
