"""Databases for the SQL tests: a fresh SQLite file per test, and the local PostgreSQL (``CYCLADES_TEST_POSTGRES_URL``)
emptied before each test. Without PostgreSQL the tests skip with the reason, except under ``CI=true`` where a
missing database fails the run."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from cyclades_adapters.sql import SqlDatabase
from cyclades_adapters.sql.schema import metadata

POSTGRES_ENV = "CYCLADES_TEST_POSTGRES_URL"


def sqlite_database(directory: Path) -> SqlDatabase:
    database = SqlDatabase(f"sqlite:///{directory / 'cyclades.db'}")
    database.upgrade()
    return database


def postgres_url() -> str:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{POSTGRES_ENV} is not set: under CI=true the PostgreSQL tests must run, never skip")
        pytest.skip(f"{POSTGRES_ENV} is not set (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)")
    return url


_MIGRATED: dict[str, SqlDatabase] = {}


def postgres_database() -> SqlDatabase:
    """The PostgreSQL database, migrated from empty once per test run, every table emptied."""
    url = postgres_url()
    database = _MIGRATED.get(url)
    if database is None:
        database = SqlDatabase(url)
        try:
            with database.engine.begin() as connection:
                connection.execute(text("DROP TABLE IF EXISTS cyclades_alembic_version"))
                connection.execute(text("DROP TABLE IF EXISTS alembic_version"))  # left by version 0.1
                metadata.drop_all(connection)
                connection.execute(text("DROP SEQUENCE IF EXISTS candidate_numbers"))
        except Exception as unreachable:
            if os.environ.get("CI", "").lower() == "true":
                pytest.fail(f"PostgreSQL unreachable at {url}: {unreachable}")
            pytest.skip(f"PostgreSQL unreachable at {url}: {unreachable}")
        database.upgrade()
        _MIGRATED[url] = database
    tables = ", ".join(table.name for table in metadata.sorted_tables)
    with database.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    return database


@pytest.fixture(params=["sqlite", "postgresql"])
def sql_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqlDatabase]:
    database = sqlite_database(tmp_path) if request.param == "sqlite" else postgres_database()
    yield database
    if request.param == "sqlite":
        database.dispose()
