"""Issue 16: the commune index is built on first use, not when a directory is built, and once for every thread."""

from __future__ import annotations

import threading

import pytest

from cyclades_adapters.files import FileBirthplaceDirectory
from cyclades_adapters.files import reference as module
from cyclades_core.testing import run_concurrently


@pytest.fixture
def fresh_index(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The process's index forgotten for this test (restored after), and a count of the builds."""
    builds: list[int] = []
    real = module._build_index

    def counted() -> module._Index:
        builds.append(threading.get_ident())
        return real()

    monkeypatch.setattr(module, "_LOADED", [])
    monkeypatch.setattr(module, "_build_index", counted)
    return builds


def test_building_a_directory_does_not_load_the_communes(fresh_index: list[int]) -> None:
    directory = FileBirthplaceDirectory()
    assert fresh_index == []
    assert directory.commune("014", "MAY-SUR-ORNE") is not None
    assert len(fresh_index) == 1
    FileBirthplaceDirectory().search_communes("014", "may")
    assert len(fresh_index) == 1  # once per process


def test_sixteen_threads_asking_at_once_build_the_index_once(fresh_index: list[int]) -> None:
    directory = FileBirthplaceDirectory()
    found = run_concurrently(lambda i: [c.name for c in directory.search_communes("014", "may")], 16)
    assert len(fresh_index) == 1
    assert all(names == found[0] for names in found)
    assert isinstance(found[0], list)
    assert "MAY-SUR-ORNE" in found[0]
