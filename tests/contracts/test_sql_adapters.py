"""The SQL adapters pass the same contract suites as the in-memory ones, on SQLite and on PostgreSQL (K1)."""

from __future__ import annotations

import pytest

from cyclades_adapters.files import FileCatalogue, example_catalogue_path
from cyclades_adapters.sql import SqlCandidateNumberAllocator, SqlCatalogue, SqlDatabase, SqlRateLimiter
from cyclades_core.ports import CandidateNumberAllocator, Catalogue, RateLimiter, UnitOfWorkFactory
from cyclades_core.testing.contracts import (
    CandidateNumberAllocatorContract,
    CatalogueContract,
    RateLimiterContract,
    StorageContract,
)
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


class TestSqlCatalogue(CatalogueContract):
    @pytest.fixture
    def catalogue(self, sql_database: SqlDatabase) -> Catalogue:  # noqa: F811
        return SqlCatalogue(sql_database)


def test_two_processes_share_the_catalogue(sql_database: SqlDatabase) -> None:  # noqa: F811
    """A manager's configuration made through one process is seen by every other."""
    first, second = SqlCatalogue(sql_database), SqlCatalogue(sql_database)
    assert second.exams() == []
    for item in FileCatalogue.default(example_catalogue_path()).academies()[:3]:
        first.put(item)
    assert [a.code for a in second.academies()] == ["01", "02", "03"]


def test_the_shipped_catalogue_loads_into_sql_in_one_go(sql_database: SqlDatabase) -> None:  # noqa: F811
    shipped = FileCatalogue.default(example_catalogue_path())
    catalogue = SqlCatalogue(sql_database)
    items = [*shipped.exams(), *shipped.academies(), *shipped.sessions("BTS"), *shipped.services("BTS-2022"),
             *shipped.specialites("BTS", 2022), *shipped.categories(), *shipped.diplomas(), *shipped.pcs(),
             *shipped.nationalities(), *shipped.piece_rules("BTS-2022")]  # fmt: skip
    catalogue.load(items)
    assert [d.code for d in catalogue.diplomas()] == [d.code for d in shipped.diplomas()]
    banque = catalogue.specialite("31310", 2022)
    assert banque == shipped.specialite("31310", 2022)
    assert catalogue.service("BTS-2022", "10") == shipped.service("BTS-2022", "10")
