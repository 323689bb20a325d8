"""In-memory file store and the built-in signature scanner."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterable, Sequence

from cyclades_core.errors import FileTooLarge, NotFoundError
from cyclades_core.model.pieces import ScanVerdict

__all__ = ["MemoryFileStore", "SignatureScanner"]

#: The standard antivirus test file (68 bytes); every antivirus reports it.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


class MemoryFileStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._files: dict[str, bytes] = {}
        self.bytes_read = 0  # what the last put consumed from its stream (H1)

    def put(self, chunks: Iterable[bytes], max_bytes: int) -> tuple[str, int]:
        buffer = bytearray()
        self.bytes_read = 0
        for chunk in chunks:
            self.bytes_read += len(chunk)
            buffer.extend(chunk)
            if len(buffer) > max_bytes:
                raise FileTooLarge(max_bytes)
        file_id = secrets.token_hex(16)
        with self._lock:
            self._files[file_id] = bytes(buffer)
        return file_id, len(buffer)

    def get(self, file_id: str) -> bytes:
        with self._lock:
            data = self._files.get(file_id)
        if data is None:
            raise NotFoundError("Fichier introuvable.")
        return data

    def delete(self, file_id: str) -> None:
        with self._lock:
            self._files.pop(file_id, None)

    def ids(self) -> Sequence[str]:
        with self._lock:
            return list(self._files)


class SignatureScanner:
    """A minimal antivirus: it knows the EICAR test signature (and any extra signatures given). It fails closed:
    a file larger than ``max_bytes`` is NOT_SCANNED. Production deployments plug ClamAV or another scanner into
    the same port."""

    def __init__(self, signatures: dict[str, bytes] | None = None, max_bytes: int = 25 * 1024 * 1024) -> None:
        self.signatures = {"Eicar-Test-Signature": EICAR, **(signatures or {})}
        self.max_bytes = max_bytes

    def scan(self, data: bytes) -> tuple[ScanVerdict, str]:
        if len(data) > self.max_bytes:
            return ScanVerdict.NOT_SCANNED, "taille supérieure à la limite d'analyse"
        for name, signature in self.signatures.items():
            if signature in data:
                return ScanVerdict.INFECTED, name
        return ScanVerdict.CLEAN, ""
