"""The filesystem file store: deposited files under a root directory that nothing escapes (H4, H5).

Names are generated (128 random bits, hex); the original name never reaches the filesystem. Files are created with
mode 0600 and written to a temporary name first, so a refused or interrupted upload leaves nothing behind (H1).
The root must be outside any directory a web server serves.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterable, Sequence
from pathlib import Path

from cyclades_core.errors import FileTooLarge, NotFoundError

__all__ = ["FileSystemFileStore"]

_ID = re.compile(r"[0-9a-f]{32}")


class FileSystemFileStore:
    def __init__(self, root: Path | str) -> None:
        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.bytes_read = 0

    def _path(self, file_id: str) -> Path:
        if not _ID.fullmatch(file_id):
            raise NotFoundError("Fichier introuvable.")
        path = (self.root / file_id).resolve()
        if path.parent != self.root:  # pragma: no cover - impossible with a hex id, kept as a guard
            raise NotFoundError("Fichier introuvable.")
        return path

    def put(self, chunks: Iterable[bytes], max_bytes: int) -> tuple[str, int]:
        file_id = secrets.token_hex(16)
        target = self._path(file_id)
        temporary = self.root / f".{file_id}.part"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        size = 0
        self.bytes_read = 0
        try:
            with os.fdopen(descriptor, "wb") as handle:
                for chunk in chunks:
                    self.bytes_read += len(chunk)
                    size += len(chunk)
                    if size > max_bytes:
                        raise FileTooLarge(max_bytes)
                    handle.write(chunk)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, target)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        return file_id, size

    def get(self, file_id: str) -> bytes:
        path = self._path(file_id)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            raise NotFoundError("Fichier introuvable.") from None

    def delete(self, file_id: str) -> None:
        try:
            self._path(file_id).unlink(missing_ok=True)
        except NotFoundError:
            return

    def ids(self) -> Sequence[str]:
        return sorted(p.name for p in self.root.iterdir() if _ID.fullmatch(p.name))
