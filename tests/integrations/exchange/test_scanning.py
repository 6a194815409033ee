"""The pluggable scanner: the type check by default, clamd (INSTREAM) when configured."""

from __future__ import annotations

import io
import socket
import socketserver
import struct
import threading

import pytest
from django.core.exceptions import ValidationError

from integrations.exchange import scanning
from integrations.exchange.models import Envelope
from integrations.exchange.scanning import ClamdScanner, RefuseUnknownTypesScanner, Scanner, get_scanner
from tests.integrations.exchange.conftest import PDF, pdf, stored_files, upload

# Not the real test signature: the fake daemon below reports any stream containing this marker.
VIRUS_MARKER = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE"


def _receive_exactly(sock, size: int) -> bytes:
    data = b""
    while len(data) < size:
        piece = sock.recv(size - len(data))
        if not piece:
            raise ConnectionError("closed early")
        data += piece
    return data


class FakeClamd(socketserver.BaseRequestHandler):
    """Speaks enough of clamd's protocol: `zINSTREAM\\0`, length-prefixed chunks, a zero length, one answer."""

    def handle(self):
        command = b""
        while not command.endswith(b"\0"):
            command += _receive_exactly(self.request, 1)
        self.server.commands.append(command)
        received = bytearray()
        while True:
            (size,) = struct.unpack(">I", _receive_exactly(self.request, 4))
            if size == 0:
                break
            received += _receive_exactly(self.request, size)
        self.server.streams.append(bytes(received))
        if self.server.answer is not None:
            self.request.sendall(self.server.answer)
        elif VIRUS_MARKER in received:
            self.request.sendall(b"stream: Eicar-Signature FOUND\0")
        else:
            self.request.sendall(b"stream: OK\0")


@pytest.fixture
def fake_clamd():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), FakeClamd)
    server.daemon_threads = True
    server.commands, server.streams, server.answer = [], [], None
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def clamd_settings(settings, fake_clamd):
    host, port = fake_clamd.server_address
    settings.CAIRN_DOCUMENT_SCANNER = "integrations.exchange.scanning.ClamdScanner"
    settings.CAIRN_CLAMD = f"{host}:{port}"
    settings.CAIRN_CLAMD_TIMEOUT = 5
    return settings


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_scanners_meet_the_protocol():
    assert isinstance(RefuseUnknownTypesScanner(), Scanner)
    assert isinstance(ClamdScanner(address="127.0.0.1:1"), Scanner)


def test_type_check_accepts_allowed_types_and_refuses_the_rest(tmp_path):
    scanner = RefuseUnknownTypesScanner()
    assert scanner.scan(io.BytesIO(PDF)).status == "skipped"
    assert scanner.scan(io.BytesIO("Notes from the meeting — café\n".encode())).accepted
    refused = scanner.scan(io.BytesIO(b"MZ\x90\x00" + b"\x00" * 100))
    assert refused.status == "refused" and "(EXE) is not a file type Cairn accepts" in refused.reason
    assert not scanner.scan(io.BytesIO(b"\x00\x01\x02 unknown binary")).accepted
    path = tmp_path / "a.pdf"
    path.write_bytes(PDF)
    assert scanner.scan(path).accepted
    # A stream is handed back where it started.
    stream = io.BytesIO(b"xx" + PDF)
    stream.seek(2)
    assert scanner.scan(stream).accepted and stream.tell() == 2


def test_the_scanner_is_chosen_by_setting(settings):
    settings.CAIRN_DOCUMENT_SCANNER = None
    settings.CAIRN_CLAMD = None
    assert isinstance(get_scanner(), RefuseUnknownTypesScanner)
    settings.CAIRN_CLAMD = "127.0.0.1:3310"
    assert isinstance(get_scanner(), ClamdScanner)
    settings.CAIRN_DOCUMENT_SCANNER = "integrations.exchange.scanning.RefuseUnknownTypesScanner"
    assert isinstance(get_scanner(), RefuseUnknownTypesScanner)


def test_clamd_reports_clean_and_infected_files(fake_clamd, clamd_settings):
    scanner = get_scanner()
    clean = scanner.scan(io.BytesIO(PDF + b"x" * 200_000))
    assert clean.status == "clean" and clean.scanner == "clamd"
    infected = scanner.scan(io.BytesIO(b"harmless text then " + VIRUS_MARKER + b"\n"))
    assert infected.status == "refused"
    assert infected.reason == "The virus scanner found Eicar-Signature in this file."
    assert fake_clamd.commands == [b"zINSTREAM\0", b"zINSTREAM\0"]
    assert fake_clamd.streams[0] == PDF + b"x" * 200_000


def test_clamd_is_not_asked_about_a_refused_type(fake_clamd, clamd_settings):
    assert not get_scanner().scan(io.BytesIO(b"MZ\x90\x00" + b"\x00" * 100)).accepted
    assert fake_clamd.streams == []


def test_clamd_errors_and_absence_fail_closed_unless_told_otherwise(fake_clamd, clamd_settings):
    fake_clamd.answer = b"INSTREAM size limit exceeded. ERROR\0"
    result = get_scanner().scan(io.BytesIO(PDF))
    assert result.status == "refused" and "could not check this file" in result.reason

    unreachable = ClamdScanner(address=f"127.0.0.1:{_closed_port()}", timeout=2)
    result = unreachable.scan(io.BytesIO(PDF))
    assert result.status == "refused" and "could not be reached" in result.reason
    assert (
        ClamdScanner(address=f"127.0.0.1:{_closed_port()}", timeout=2, fail_open=True).scan(io.BytesIO(PDF)).status
        == "skipped"
    )
    assert ClamdScanner(address="").scan(io.BytesIO(PDF)).status == "skipped"


def test_clamd_over_a_unix_socket(tmp_path):
    path = str(tmp_path / "clamd.sock")
    server = socketserver.ThreadingUnixStreamServer(path, FakeClamd)
    server.commands, server.streams, server.answer = [], [], None
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        assert ClamdScanner(address=path, timeout=5).scan(io.BytesIO(PDF)).status == "clean"
    finally:
        server.shutdown()
        server.server_close()


def test_a_virus_refuses_the_send_and_nothing_is_stored(send, fake_clamd, clamd_settings, media):
    infected = upload(b"Letter to parents\n" + VIRUS_MARKER + b"\n", "letter.txt")
    with pytest.raises(ValidationError, match="letter.txt: The virus scanner found Eicar-Signature in this file."):
        send(documents=[("Report", pdf()), ("Letter", infected)])
    assert not Envelope.objects.exists()
    assert stored_files(media) == []
    assert len(fake_clamd.streams) == 2


def test_a_clean_scan_is_recorded_on_the_document(send, fake_clamd, clamd_settings):
    envelope = send()
    document = envelope.documents.get()
    assert (document.scan_status, document.scanned_by) == ("clean", "clamd")


def test_clamd_address_from_the_environment(settings, monkeypatch):
    settings.CAIRN_CLAMD = None
    monkeypatch.setenv("CAIRN_CLAMD", "/run/clamav/clamd.ctl")
    assert scanning.clamd_address() == "/run/clamav/clamd.ctl"
