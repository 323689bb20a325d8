"""The composition root: storage chosen by URL, then CYCLADES_DATABASE_URL, then memory://; errors name the keys."""

from __future__ import annotations

from pathlib import Path

import pytest

from cyclades_adapters import build_portal
from cyclades_adapters.memory import MemoryDatabase
from cyclades_adapters.sql import SqlDatabase
from cyclades_core.errors import ConfigurationError, StorageUnavailable
from cyclades_core.testing import PlainHasher
from tests.conftest import DOCUMENT_KEY as KEY
from tests.conftest import form
from tests.sql_support import postgres_url


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
    url = postgres_url()
    asynchronous = f"{url}{'&' if '?' in url else '?'}options=-csynchronous_commit%3Doff"
    with pytest.raises(ConfigurationError, match="synchronous_commit"):
        build_portal(asynchronous, hasher=PlainHasher(), environ={})
    assert build_portal(url, hasher=PlainHasher(), environ={}, document_key=KEY).storage_url == url
