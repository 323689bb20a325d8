"""The SQL adapters pass the same contract suites as the in-memory ones, on SQLite and on PostgreSQL (K1)."""

from __future__ import annotations

import pytest

from cyclades_adapters.sql import SqlCandidateNumberAllocator, SqlDatabase, SqlRateLimiter
from cyclades_core.ports import CandidateNumberAllocator, RateLimiter, UnitOfWorkFactory
from cyclades_core.testing.contracts import CandidateNumberAllocatorContract, RateLimiterContract, StorageContract
from tests.sql_support import sql_database  # noqa: F401 - the parametrized fixture


class TestSqlStorage(StorageContract):
    @pytest.fixture
    def uow_factory(self, sql_database: SqlDatabase) -> UnitOfWorkFactory:  # noqa: F811
        return sql_database.unit_of_work


class TestSqlRateLimiter(RateLimiterContract):
    @pytest.fixture
    def limiter(self, sql_database: SqlDatabase) -> RateLimiter:  # noqa: F811
        return SqlRateLimiter(sql_database)


class TestSqlCandidateNumbers(CandidateNumberAllocatorContract):
    @pytest.fixture
    def allocator(self, sql_database: SqlDatabase) -> CandidateNumberAllocator:  # noqa: F811
        return SqlCandidateNumberAllocator(sql_database)
