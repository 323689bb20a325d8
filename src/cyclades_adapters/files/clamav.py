"""ClamAV's daemon as the antivirus port, over clamd's socket protocol (``INSTREAM``): no client library.

Configure clamd to fail closed as well (checklist H6): ``AlertExceedsMax yes`` (a file beyond ``MaxScanSize`` or
``MaxFileSize`` is reported as ``Heuristics.Limits.Exceeded… FOUND`` instead of OK), and ``StreamMaxLength`` no
smaller than this adapter's ``max_bytes`` (clamd answers ``INSTREAM size limit exceeded. ERROR`` otherwise, which is
NOT_SCANNED here).
"""

from __future__ import annotations

import socket
import struct
from urllib.parse import urlsplit

from cyclades_core.errors import ConfigurationError
from cyclades_core.model.pieces import ScanVerdict

__all__ = ["ClamdScanner"]

#: The longest reply read from clamd (a verdict is one short line).
_REPLY_LIMIT = 4096


class ClamdScanner:
    """Scans with a clamd reached at ``address``: ``unix:///run/clamav/clamd.ctl`` or ``tcp://127.0.0.1:3310``.

    It fails closed (H6): a file larger than ``max_bytes``, an unreachable or silent daemon (``timeout`` seconds), a
    reply that says ERROR or that it cannot read, all answer NOT_SCANNED with the reason; only ``stream: OK`` is
    CLEAN, and ``stream: <name> FOUND`` is INFECTED with the virus name. Each scan opens its own connection, so one
    instance serves every thread.
    """

    def __init__(
        self, address: str, *, max_bytes: int = 25 * 1024 * 1024, timeout: float = 30.0, chunk_bytes: int = 64 * 1024
    ) -> None:
        target = urlsplit(address)
        try:
            port = target.port
        except ValueError:
            port = None
        self._target: str | tuple[str, int]
        if target.scheme == "unix" and target.path:
            self._target = target.path
        elif target.scheme == "tcp" and target.hostname and port:
            self._target = (target.hostname, port)
        else:
            raise ConfigurationError(
                f"clamd_address : adresse de clamd invalide {address!r} (unix:///chemin ou tcp://hôte:port)."
            )
        if max_bytes < 1 or timeout <= 0 or chunk_bytes < 1:
            raise ConfigurationError("clamd : max_bytes, timeout et chunk_bytes doivent être positifs.")
        self.address = address
        self.max_bytes = max_bytes
        self._timeout = timeout
        self._chunk = chunk_bytes

    def scan(self, data: bytes) -> tuple[ScanVerdict, str]:
        if len(data) > self.max_bytes:
            return ScanVerdict.NOT_SCANNED, "taille supérieure à la limite d'analyse"
        try:
            reply = self._exchange(data)
        except OSError as failure:  # refused, reset, timed out (socket.timeout is an OSError)
            return ScanVerdict.NOT_SCANNED, f"antivirus injoignable ({type(failure).__name__})"
        return _verdict(reply)

    def ping(self) -> bool:
        """Whether clamd answers ``PING`` with ``PONG`` (a readiness check for operators)."""
        try:
            with self._connect() as connection:
                connection.sendall(b"zPING\0")
                return _read_reply(connection) == "PONG"
        except OSError:
            return False

    def _connect(self) -> socket.socket:
        if isinstance(self._target, tuple):
            return socket.create_connection(self._target, timeout=self._timeout)  # IPv4 or IPv6
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.settimeout(self._timeout)
        try:
            connection.connect(self._target)
        except OSError:
            connection.close()
            raise
        return connection

    def _exchange(self, data: bytes) -> str:
        with self._connect() as connection:
            try:
                connection.sendall(b"zINSTREAM\0")
                view = memoryview(data)
                for start in range(0, len(data), self._chunk):
                    piece = view[start : start + self._chunk]
                    connection.sendall(struct.pack("!I", len(piece)))
                    connection.sendall(piece)
                connection.sendall(struct.pack("!I", 0))
            except (BrokenPipeError, ConnectionResetError) as cut:
                # clamd answers and closes mid-stream when a stream passes its StreamMaxLength: read that answer if
                # it is still there (a reset may have discarded it).
                try:
                    reply = _read_reply(connection)
                except OSError:
                    reply = ""
                if not reply:
                    raise cut from None
                return reply
            return _read_reply(connection)


def _read_reply(connection: socket.socket) -> str:
    """One NUL-terminated reply (or up to the end of the stream), at most :data:`_REPLY_LIMIT` bytes."""
    received = bytearray()
    while b"\0" not in received and len(received) < _REPLY_LIMIT:
        block = connection.recv(_REPLY_LIMIT - len(received))
        if not block:
            break
        received += block
    return bytes(received).split(b"\0", 1)[0].decode("utf-8", "replace").strip()


def _verdict(reply: str) -> tuple[ScanVerdict, str]:
    """``stream: OK`` → CLEAN; ``stream: Name FOUND`` → INFECTED; anything else (``… ERROR``, empty, garbled) →
    NOT_SCANNED with the reply as the reason."""
    if reply == "stream: OK":
        return ScanVerdict.CLEAN, ""
    if reply.startswith("stream: ") and reply.endswith(" FOUND"):
        name = reply[len("stream: ") : -len(" FOUND")].strip()
        if name:
            return ScanVerdict.INFECTED, name
    return ScanVerdict.NOT_SCANNED, f"réponse de l'antivirus : {reply[:200] or '(vide)'}"
