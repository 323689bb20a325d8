"""The ClamAV adapter against an in-process clamd that speaks its socket protocol (PING, INSTREAM): verdicts, chunking,
clamd's own stream limit, and failing closed when the daemon is unreachable, silent or unintelligible (H6)."""

from __future__ import annotations

import socket
import socketserver
import struct
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from cyclades_adapters import build_portal
from cyclades_adapters.files import ClamdScanner
from cyclades_core.errors import ConfigurationError, ValidationError
from cyclades_core.model.pieces import ScanVerdict
from cyclades_core.testing import ManualClock
from cyclades_core.testing.contracts import FileScannerContract
from tests.candidature_support import DURING, guide_portal, register, signed_in
from tests.unit.test_pieces_and_documents import PDF, WITH_EICAR, upload

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def _exactly(connection: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        block = connection.recv(size - len(data))
        if not block:
            raise ConnectionError("client went away")
        data += block
    return data


class _Clamd(socketserver.BaseRequestHandler):
    """clamd's INSTREAM protocol, enough of it: ``zPING`` / ``zINSTREAM`` with 4-byte big-endian chunk lengths."""

    server: _FakeClamd

    def handle(self) -> None:
        connection = self.request
        command = b""
        while not command.endswith(b"\0"):
            command += _exactly(connection, 1)
        if command == b"zPING\0":
            connection.sendall(b"PONG\0")
            return
        received = bytearray()
        while size := struct.unpack("!I", _exactly(connection, 4))[0]:
            if len(received) + size > self.server.stream_max:
                connection.sendall(b"INSTREAM size limit exceeded. ERROR\0")
                if self.server.mode != "abrupt":  # let the client finish sending, then close: no reset
                    connection.shutdown(socket.SHUT_WR)
                    while connection.recv(65536):
                        pass
                return
            received += _exactly(connection, size)
        self.server.received.append(bytes(received))
        if self.server.mode == "silent":
            while connection.recv(1024):  # holds the connection until the client gives up
                pass
        elif self.server.mode == "garbled":
            connection.sendall(b"\xff\xfe??\0")
        elif EICAR in received:
            connection.sendall(b"stream: Win.Test.EICAR_HDB-1 FOUND\0")
        else:
            connection.sendall(b"stream: OK\0")


class _FakeClamd(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, mode: str = "normal", stream_max: int = 25 * 1024 * 1024) -> None:
        super().__init__(("127.0.0.1", 0), _Clamd)
        self.mode, self.stream_max, self.received = mode, stream_max, []  # type: list[bytes]

    @property
    def address(self) -> str:
        return f"tcp://127.0.0.1:{self.server_address[1]}"


class _FakeUnixClamd(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True

    def __init__(self, path: Path) -> None:
        super().__init__(str(path), _Clamd)
        self.mode, self.stream_max, self.received = "normal", 25 * 1024 * 1024, []  # type: list[bytes]


def _serving(server: socketserver.BaseServer) -> Iterator[None]:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def clamd() -> Iterator[_FakeClamd]:
    server = _FakeClamd()
    yield from (server for _ in _serving(server))


class TestClamdScanner(FileScannerContract):
    @pytest.fixture
    def scanner(self, clamd: _FakeClamd) -> ClamdScanner:
        return ClamdScanner(clamd.address, max_bytes=1024 * 1024, timeout=5)


def test_a_file_goes_in_chunks_and_the_virus_name_comes_back(clamd: _FakeClamd) -> None:
    scanner = ClamdScanner(clamd.address, chunk_bytes=1000, timeout=5)
    data = b"%PDF-1.4\n" + bytes(range(256)) * 40 + EICAR
    assert scanner.scan(data) == (ScanVerdict.INFECTED, "Win.Test.EICAR_HDB-1")
    assert clamd.received == [data]
    assert scanner.scan(b"") == (ScanVerdict.CLEAN, "")
    assert scanner.ping() is True


def test_a_unix_socket_daemon_is_reached_by_its_path(tmp_path: Path) -> None:
    path = tmp_path / "clamd.ctl"
    server = _FakeUnixClamd(path)
    for _ in _serving(server):
        scanner = ClamdScanner(f"unix://{path}", timeout=5)
        assert scanner.scan(EICAR)[0] is ScanVerdict.INFECTED
        assert scanner.scan(b"bonjour") == (ScanVerdict.CLEAN, "")


def test_clamd_s_own_stream_limit_is_not_scanned_never_clean() -> None:
    server = _FakeClamd(stream_max=1000)
    for _ in _serving(server):
        verdict, reason = ClamdScanner(server.address, timeout=5).scan(b"x" * 5000)
    assert verdict is ScanVerdict.NOT_SCANNED
    assert "size limit exceeded" in reason


def test_a_daemon_closing_mid_stream_is_not_scanned() -> None:
    """clamd answers and closes as soon as a stream passes its limit; the rest of the file meets a closed socket."""
    server = _FakeClamd(mode="abrupt", stream_max=1000)
    for _ in _serving(server):
        verdict, reason = ClamdScanner(server.address, timeout=5).scan(b"x" * (4 * 1024 * 1024))
    assert verdict is ScanVerdict.NOT_SCANNED
    assert reason


@pytest.mark.parametrize("mode", ["silent", "garbled"])
def test_a_silent_or_unintelligible_daemon_is_not_scanned(mode: str) -> None:
    server = _FakeClamd(mode=mode)
    for _ in _serving(server):
        verdict, reason = ClamdScanner(server.address, timeout=0.3).scan(b"bonjour")
    assert verdict is ScanVerdict.NOT_SCANNED
    assert reason


def test_an_unreachable_daemon_is_not_scanned() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    scanner = ClamdScanner(f"tcp://127.0.0.1:{port}", timeout=1)
    verdict, reason = scanner.scan(b"bonjour")
    assert verdict is ScanVerdict.NOT_SCANNED
    assert "injoignable" in reason
    assert scanner.ping() is False


@pytest.mark.parametrize("address", ["", "clamd", "tcp://127.0.0.1", "tcp://127.0.0.1:abc", "http://x:1", "unix://"])
def test_a_wrong_address_is_a_configuration_error_naming_it(address: str) -> None:
    with pytest.raises(ConfigurationError, match="clamd_address"):
        ClamdScanner(address)


def test_the_portal_refuses_an_upload_limit_above_the_daemon_s(clamd: _FakeClamd) -> None:
    """H6: the application's size limit must not exceed what the scanner scans whole."""
    with pytest.raises(ConfigurationError):
        build_portal(scanner=ClamdScanner(clamd.address, max_bytes=1024))


def test_a_deposit_scanned_by_clamd_is_refused_when_infected_and_kept_when_clean(clamd: _FakeClamd) -> None:
    portal = guide_portal(ManualClock(DURING), scanner=ClamdScanner(clamd.address, timeout=5))
    token = signed_in(portal)
    candidature_id = register(portal, token)
    with pytest.raises(ValidationError, match="virus"):
        upload(portal, token, candidature_id, "CINSIG01", WITH_EICAR)  # a well-formed PDF: past the inspector
    upload(portal, token, candidature_id, "CINSIG01")
    assert clamd.received == [WITH_EICAR, PDF]
