"""The in-memory adapters pass every contract suite (K1): rollback, uniqueness and conflicts included."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from cyclades_adapters.files import FileBirthplaceDirectory
from cyclades_adapters.memory import (
    MemoryBirthplaceDirectory,
    MemoryCandidateNumberAllocator,
    MemoryDatabase,
    MemoryRateLimiter,
)
from cyclades_core.model.audit import AuditRecord
from cyclades_core.ports import BirthplaceDirectory, CandidateNumberAllocator, RateLimiter, UnitOfWorkFactory
from cyclades_core.testing.contracts import (
    BirthplaceDirectoryContract,
    CandidateNumberAllocatorContract,
    RateLimiterContract,
    StorageContract,
)


class TestMemoryStorage(StorageContract):
    @pytest.fixture
    def uow_factory(self) -> UnitOfWorkFactory:
        return MemoryDatabase().unit_of_work


class TestMemoryRateLimiter(RateLimiterContract):
    @pytest.fixture
    def limiter(self) -> RateLimiter:
        return MemoryRateLimiter()


class TestMemoryCandidateNumbers(CandidateNumberAllocatorContract):
    @pytest.fixture
    def allocator(self) -> CandidateNumberAllocator:
        return MemoryCandidateNumberAllocator()


class TestMemoryBirthplaces(BirthplaceDirectoryContract):
    @pytest.fixture
    def directory(self) -> BirthplaceDirectory:
        return MemoryBirthplaceDirectory()


def test_a_nested_unit_of_work_in_one_thread_is_refused() -> None:
    database = MemoryDatabase()
    with database.unit_of_work(), pytest.raises(RuntimeError, match="nested"):
        database.unit_of_work().__enter__()


def test_writing_outside_a_unit_of_work_is_refused() -> None:
    uow = MemoryDatabase().unit_of_work()
    with pytest.raises(RuntimeError, match="outside"):
        uow.audit.append(AuditRecord.of(datetime(2021, 1, 1, tzinfo=UTC), "ghost", "anonymous", None))


class TestShippedBirthplaces(BirthplaceDirectoryContract):
    """The complete Etalab data shipped with the package passes the same contract."""

    @pytest.fixture
    def directory(self) -> BirthplaceDirectory:
        return FileBirthplaceDirectory()
