"""Contract suite of the file store port."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cyclades_core.errors import (
    FileTooLarge,
    NotFoundError,
)
from cyclades_core.ports.files import FileStore


def _infinite(chunk: bytes = b"x" * 65536) -> Iterator[bytes]:
    while True:
        yield chunk


class FileStoreContract:
    """Fixture: ``store``, an empty adapter."""

    @pytest.fixture
    def store(self) -> FileStore:
        raise NotImplementedError

    def test_a_file_is_stored_under_a_generated_id_and_read_back(self, store: FileStore) -> None:
        file_id, size = store.put([b"%PDF-1.4\n", b"hello"], 1024)
        assert size == 14
        assert store.get(file_id) == b"%PDF-1.4\nhello"
        assert list(store.ids()) == [file_id]
        other, _ = store.put([b"x"], 1024)
        assert other != file_id
        store.delete(file_id)
        store.delete(file_id)
        assert list(store.ids()) == [other]

    def test_an_infinite_stream_stops_at_the_limit_and_leaves_nothing(self, store: FileStore) -> None:
        """H1: bytes consumed ≤ limit + one chunk; FileTooLarge; the store stays empty."""
        consumed = 0

        def counted() -> Iterator[bytes]:
            nonlocal consumed
            for chunk in _infinite():
                consumed += len(chunk)
                yield chunk

        with pytest.raises(FileTooLarge):
            store.put(counted(), 5 * 1024 * 1024)
        assert consumed <= 5 * 1024 * 1024 + 65536
        assert list(store.ids()) == []

    def test_an_id_from_outside_never_reaches_another_file(self, store: FileStore) -> None:
        store.put([b"secret"], 1024)
        for hostile in ("../../etc/passwd", "", ".", "..", "/etc/passwd", "a" * 300, "x\x00y"):
            with pytest.raises(NotFoundError):
                store.get(hostile)
            store.delete(hostile)
        assert len(store.ids()) == 1
