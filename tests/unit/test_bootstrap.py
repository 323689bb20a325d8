"""The composition root: storage chosen by URL, then CYCLADES_DATABASE_URL, then memory://; errors name the keys."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from cyclades_adapters import build_portal
from cyclades_adapters.memory import MemoryDatabase
from cyclades_adapters.sql import SqlDatabase
from cyclades_core.errors import ConfigurationError, StorageNotMigrated, StorageUnavailable
from cyclades_core.testing import ManualClock, PlainHasher
from cyclades_core.usecases.audit import AuditService
from tests.conftest import DOCUMENT_KEY as KEY
from tests.conftest import T0, form
from tests.sql_support import postgres_database, postgres_url


def test_the_embedded_default_is_memory() -> None:
    portal = build_portal(hasher=PlainHasher(), environ={})
    assert portal.storage_url == "memory://"
    assert isinstance(portal.storage, MemoryDatabase)


def test_the_argument_wins_over_the_environment(tmp_path: Path) -> None:
    env = {"CYCLADES_DATABASE_URL": f"sqlite:///{tmp_path / 'env.db'}", "CYCLADES_DOCUMENT_KEY": KEY.decode()}
    assert build_portal("memory://", hasher=PlainHasher(), environ=env).storage_url == "memory://"
    portal = build_portal(hasher=PlainHasher(), environ=env, migrate=True)
    assert isinstance(portal.storage, SqlDatabase)
    assert portal.accounts.create_account(form()).candidate_number


@pytest.mark.parametrize("url", ["redis://localhost", "ftp://x", "mysql://root@localhost/test"])
def test_an_unsupported_url_is_refused_naming_the_keys_read(url: str) -> None:
    with pytest.raises(ConfigurationError, match="storage_url / CYCLADES_DATABASE_URL"):
        build_portal(url, environ={})


def test_an_in_memory_sqlite_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="fichier"):
        build_portal("sqlite:///:memory:", environ={})


UNREACHABLE = "postgresql+psycopg://nobody@127.0.0.1:1/nothing?connect_timeout=1"


def test_an_unreachable_database_is_a_clear_error_at_start_up_or_at_first_use() -> None:
    with pytest.raises(StorageUnavailable, match="indisponible"):
        build_portal(UNREACHABLE, hasher=PlainHasher(), environ={})
    portal = build_portal(UNREACHABLE, hasher=PlainHasher(), environ={}, check_storage=False, document_key=KEY)
    with pytest.raises(StorageUnavailable, match="indisponible"):
        portal.accounts.create_account(form())


def test_the_start_up_check_refuses_a_database_that_would_lose_committed_mails() -> None:
    """J4: the portal is not built on a PostgreSQL whose commits are not durable (synchronous_commit=off); on
    SQLite the adapter sets WAL and synchronous=FULL itself, and the check reads them back."""
    url = postgres_database().url  # migrated: build_portal also refuses a database without the schema
    asynchronous = f"{url}{'&' if '?' in url else '?'}options=-csynchronous_commit%3Doff"
    with pytest.raises(ConfigurationError, match="synchronous_commit"):
        build_portal(asynchronous, hasher=PlainHasher(), environ={})
    assert build_portal(url, hasher=PlainHasher(), environ={}, document_key=KEY).storage_url == url


# -- a database that is not migrated (integrator review, finding 1) ----------------------------------------------------


def _refused_as_not_migrated(url: str, **options: object) -> StorageNotMigrated:
    with pytest.raises(StorageNotMigrated) as refused:
        build_portal(url, hasher=PlainHasher(), environ={}, document_key=KEY, **options)  # type: ignore[arg-type]
    message = refused.value.message
    assert "cyclades db upgrade" in message, message  # what to run, in French
    assert "build_portal(storage_url, migrate=True)" in message, message
    assert refused.value.code == "storage_not_migrated"  # a ConfigurationError: exit 4 in the CLI
    return refused.value


def test_a_missing_sqlite_file_is_refused_and_not_created_unless_migrate_is_asked(tmp_path: Path) -> None:
    """A mistyped path used to become a new empty database whose every use case raised ``no such table``."""
    path = tmp_path / "typo" / "cyclades.db"
    refused = _refused_as_not_migrated(f"sqlite:///{path}")
    assert str(path) in refused.message
    _refused_as_not_migrated(f"sqlite:///{path}", check_storage=False)  # a stat, not a connection: checked anyway
    assert not path.parent.exists()  # neither the file nor its folder
    portal = build_portal(f"sqlite:///{path}", hasher=PlainHasher(), environ={}, document_key=KEY, migrate=True)
    assert portal.accounts.create_account(form()).candidate_number
    assert path.is_file()


def test_a_sqlite_file_without_the_schema_or_at_an_older_revision_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()  # a file, no table
    _refused_as_not_migrated(f"sqlite:///{empty}")
    older = SqlDatabase(f"sqlite:///{tmp_path / 'older.db'}")
    older.upgrade("0006")
    assert "révision 0006" in _refused_as_not_migrated(older.url).message
    assert older.current() == "0006"  # refused, untouched
    portal = build_portal(older.url, hasher=PlainHasher(), environ={}, document_key=KEY, migrate=True)
    assert portal.accounts.create_account(form()).candidate_number
    older.dispose()


def test_a_postgresql_database_without_the_schema_or_at_an_older_revision_is_refused() -> None:
    """A schema of its own stands for an empty database (the test database is migrated for the other tests)."""
    url = postgres_url()
    schema = "cyclades_unmigrated_test"
    scoped = f"{url}{'&' if '?' in url else '?'}schema={schema}"
    admin = create_engine(url)
    try:
        with admin.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
        _refused_as_not_migrated(scoped)
        older = SqlDatabase(scoped)
        older.upgrade("0006")
        assert "révision 0006" in _refused_as_not_migrated(scoped).message
        older.dispose()
        portal = build_portal(scoped, hasher=PlainHasher(), environ={}, document_key=KEY, migrate=True)
        assert portal.accounts.create_account(form()).candidate_number
        assert isinstance(portal.storage, SqlDatabase)
        portal.storage.dispose()
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        admin.dispose()


# -- the documented settings reachable through build_portal (integrator review, finding 4) ------------------------------


def test_the_audit_retention_is_an_argument_of_build_portal() -> None:
    """I4: the retention is configurable where everything else is (it needed ``AuditService(retention=…)``, which
    ``build_portal`` gave no way to reach); the purge follows it; a retention of zero or less is refused."""
    clock = ManualClock(T0)
    portal = build_portal(clock=clock, hasher=PlainHasher(), environ={}, audit_retention=timedelta(days=180))
    assert portal.audit.retention == timedelta(days=180)
    account_id = portal.accounts.create_account(form()).account_id  # audited: account_created
    clock.advance(days=180)
    assert portal.audit.purge_expired() == 0
    clock.advance(days=1)
    assert portal.audit.purge_expired() == 1
    assert portal.audit.records_for(account_id) == []
    assert build_portal(hasher=PlainHasher(), environ={}).audit.retention == timedelta(days=365)  # the default
    for wrong in (timedelta(0), timedelta(days=-1)):
        with pytest.raises(ConfigurationError, match=r"^audit_retention : .*positive"):
            build_portal(hasher=PlainHasher(), environ={}, audit_retention=wrong)
        with pytest.raises(ConfigurationError, match=r"^retention : .*positive"):
            AuditService(uow=MemoryDatabase().unit_of_work, clock=clock, retention=wrong)


def test_a_wrong_setting_is_refused_before_the_storage_is_touched(tmp_path: Path) -> None:
    path = tmp_path / "c.db"
    for wrong in ({"audit_retention": timedelta(0)}, {"max_upload_bytes": 0}):
        with pytest.raises(ConfigurationError, match=r"^(audit_retention|max_upload_bytes) : "):
            build_portal(f"sqlite:///{path}", environ={}, document_key=KEY, migrate=True, **wrong)  # type: ignore[arg-type]
    assert not path.exists()
