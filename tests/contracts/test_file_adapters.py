"""File stores and scanners pass their contracts (H1, H4, H5, H6)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cyclades_adapters.files import FileSystemFileStore
from cyclades_adapters.memory import MemoryFileStore, SignatureScanner
from cyclades_core.errors import FileTooLarge
from cyclades_core.ports import FileScanner, FileStore
from cyclades_core.testing.contracts import FileScannerContract, FileStoreContract


@pytest.mark.rule("JUS-06")
class TestMemoryFileStore(FileStoreContract):
    @pytest.fixture
    def store(self) -> FileStore:
        return MemoryFileStore()


@pytest.mark.rule("JUS-06")
class TestFileSystemFileStore(FileStoreContract):
    @pytest.fixture
    def store(self, tmp_path: Path) -> FileStore:
        return FileSystemFileStore(tmp_path / "pieces")


class TestSignatureScanner(FileScannerContract):
    @pytest.fixture
    def scanner(self) -> FileScanner:
        return SignatureScanner(max_bytes=1024)


def test_files_are_created_0600_inside_the_root_and_no_partial_file_remains(tmp_path: Path) -> None:
    """H5 / H1: mode 0600, never executable; a refused upload leaves no temporary file behind."""
    store = FileSystemFileStore(tmp_path / "root")
    file_id, _ = store.put([b"%PDF-1.4"], 100)
    path = (tmp_path / "root" / file_id).resolve()
    assert path.parent == (tmp_path / "root").resolve()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(FileTooLarge, match="taille"):
        store.put([b"x" * 80, b"x" * 80], 100)
    assert sorted(p.name for p in (tmp_path / "root").iterdir()) == [file_id]


@settings(max_examples=50)
@given(st.text(max_size=40))
def test_no_id_reaches_outside_the_root(tmp_path_factory: pytest.TempPathFactory, hostile: str) -> None:
    store = FileSystemFileStore(tmp_path_factory.mktemp("store"))
    try:
        store.get(hostile)
    except Exception as refused:  # only NotFoundError may come out
        assert type(refused).__name__ == "NotFoundError"
