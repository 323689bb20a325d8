"""Issue 16, "coexisting with a host application": the library's migrations keep their own version table
(``cyclades_alembic_version``) and, on PostgreSQL, a schema of their own; a host application's ``alembic_version``
and ``accounts`` in the same database are left untouched. ``SqlDatabase`` takes an existing engine and a schema.

The PostgreSQL tests run in ``CYCLADES_TEST_POSTGRES_URL``'s database, in schemas they create and drop.
"""

# ruff: noqa: S608 - the SQL below names the test's own constant schemas

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, create_engine, inspect, text

from cyclades_adapters import Portal, build_portal
from cyclades_adapters.cli import cli
from cyclades_adapters.sql import SqlDatabase
from cyclades_adapters.sql.database import HEAD_REVISION, VERSION_TABLE
from cyclades_adapters.sql.schema import metadata
from cyclades_core.errors import ConfigurationError, StorageNotMigrated, StorageUnavailable
from cyclades_core.model.mail import MailKind
from cyclades_core.testing import PlainHasher, link_in
from tests.conftest import PASSWORD, form
from tests.sql_support import postgres_url

HOST = "hostapp_it"  # the host application's schema (its "public")
LIBRARY = "cyclades_it"  # the library's own schema
KEY = b"coexistence-document-key-0123"
UNREACHABLE = "postgresql+psycopg://nobody@127.0.0.1:1/nothing?connect_timeout=1"


def _drop(engine: Engine) -> None:
    with engine.begin() as connection:
        for schema in (HOST, LIBRARY):
            connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


@pytest.fixture
def host() -> Iterator[tuple[str, Engine]]:
    """A host application's schema: its own Alembic at revision ``hostapp_0007`` and its own ``accounts`` table
    (other columns, one row). Dropped afterwards, with the library's schema."""
    url = postgres_url()
    engine = create_engine(url)
    _drop(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"CREATE SCHEMA {HOST}")
        connection.exec_driver_sql(f"CREATE TABLE {HOST}.alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        connection.exec_driver_sql(f"INSERT INTO {HOST}.alembic_version VALUES ('hostapp_0007')")
        connection.exec_driver_sql(f"CREATE TABLE {HOST}.accounts (id SERIAL PRIMARY KEY, login TEXT, plan TEXT)")
        connection.exec_driver_sql(f"INSERT INTO {HOST}.accounts (login, plan) VALUES ('host-user', 'gold')")
    yield url, engine
    _drop(engine)
    engine.dispose()


def _host_untouched(engine: Engine) -> None:
    with engine.connect() as connection:
        versions = connection.exec_driver_sql(f"SELECT version_num FROM {HOST}.alembic_version").scalars().all()
        rows = connection.exec_driver_sql(f"SELECT id, login, plan FROM {HOST}.accounts").all()
    assert versions == ["hostapp_0007"]
    assert [tuple(row) for row in rows] == [(1, "host-user", "gold")]
    columns = [c["name"] for c in inspect(engine).get_columns("accounts", schema=HOST)]
    assert columns == ["id", "login", "plan"]
    assert set(inspect(engine).get_table_names(schema=HOST)) == {"alembic_version", "accounts"}


def _journey(portal: Portal) -> str:
    """Create the guide's account, activate it from its mail, log in: the session token."""
    portal.accounts.create_account(form())
    [mail] = [m for m in portal.outbox.pending() if m.kind is MailKind.ACTIVATION]
    portal.accounts.activate(link_in(mail))
    return portal.accounts.login("accrall@ac-rennes.fr", PASSWORD).session_token


def test_db_upgrade_beside_a_host_application_leaves_its_alembic_version_and_accounts_untouched(
    host: tuple[str, Engine],
) -> None:
    url, engine = host
    runner = CliRunner()
    upgraded = runner.invoke(cli, ["db", "upgrade", "--database", url, "--schema", LIBRARY])
    assert upgraded.exit_code == 0, upgraded.output
    _host_untouched(engine)
    library = set(inspect(engine).get_table_names(schema=LIBRARY))
    assert {table.name for table in metadata.sorted_tables} | {VERSION_TABLE} == library
    with engine.connect() as connection:
        recorded = connection.exec_driver_sql(f"SELECT version_num FROM {LIBRARY}.{VERSION_TABLE}").scalar_one()
        sequence = connection.exec_driver_sql(
            f"SELECT count(*) FROM pg_sequences WHERE schemaname = '{LIBRARY}' AND sequencename = 'candidate_numbers'"
        ).scalar_one()
    assert (recorded, sequence) == (HEAD_REVISION, 1)
    current = runner.invoke(cli, ["db", "current", "--database", url, "--schema", LIBRARY])
    assert (current.exit_code, f"Révision : {HEAD_REVISION} (à jour)" in current.output) == (0, True)
    again = runner.invoke(cli, ["db", "upgrade", "--database", f"{url}?schema={LIBRARY}"])  # idempotent, by URL
    assert again.exit_code == 0, again.output

    portal = build_portal(f"{url}?schema={LIBRARY}", hasher=PlainHasher(), environ={}, document_key=KEY)
    assert _journey(portal)
    with engine.connect() as connection:
        ours = connection.exec_driver_sql(f"SELECT count(*) FROM {LIBRARY}.accounts").scalar_one()
        numbers = connection.exec_driver_sql(f"SELECT last_value FROM {LIBRARY}.candidate_numbers").scalar_one()
    assert (ours, numbers) == (1, 30_000_000)
    purge = runner.invoke(cli, ["purge", "--database", url, "--schema", LIBRARY, "--json"])
    assert purge.exit_code == 0, purge.output
    _host_untouched(engine)
    portal.storage.dispose()  # type: ignore[union-attr]


def test_the_version_table_alone_keeps_a_host_alembic_version_in_the_same_schema_untouched(
    host: tuple[str, Engine],
) -> None:
    """The library in the host's own schema (no ``accounts`` of the host there): the host's ``alembic_version`` at
    ``hostapp_0007`` is neither read nor written."""
    url, engine = host
    with engine.begin() as connection:
        connection.exec_driver_sql(f"DROP TABLE {HOST}.accounts")
    database = SqlDatabase(url, schema=HOST)
    database.upgrade()
    assert database.current() == HEAD_REVISION
    with engine.connect() as connection:
        versions = connection.exec_driver_sql(f"SELECT version_num FROM {HOST}.alembic_version").scalars().all()
    assert versions == ["hostapp_0007"]
    database.dispose()


def test_an_existing_engine_with_its_search_path_is_accepted_and_one_without_is_refused(
    host: tuple[str, Engine],
) -> None:
    url, engine = host
    with pytest.raises(ConfigurationError, match="search_path"):
        SqlDatabase(engine=engine, schema=LIBRARY).upgrade()
    with pytest.raises(ConfigurationError, match="search_path"):
        SqlDatabase(engine=engine, schema=LIBRARY).check()
    _host_untouched(engine)
    scoped = create_engine(url, connect_args={"options": f"-csearch_path={LIBRARY}"}, pool_size=2)
    database = SqlDatabase(engine=scoped, schema=LIBRARY)
    database.upgrade()
    database.check()
    assert database.require_current() == HEAD_REVISION
    portal = build_portal(f"{url}?schema={LIBRARY}", hasher=PlainHasher(), environ={}, document_key=KEY)
    assert _journey(portal)
    portal.storage.dispose()  # type: ignore[union-attr]
    scoped.dispose()
    _host_untouched(engine)


def test_a_database_migrated_by_version_0_1_is_adopted_from_alembic_version(tmp_path: Path) -> None:
    """0.1 recorded its revision in ``alembic_version``: ``upgrade`` moves it to ``cyclades_alembic_version``, drops
    the old table (a host's Alembic may then create its own), and migrates on from there; the data stay."""
    database = SqlDatabase(f"sqlite:///{tmp_path / 'old.db'}")
    database.upgrade("0005")
    with database.engine.begin() as connection:
        connection.execute(text(f"ALTER TABLE {VERSION_TABLE} RENAME TO alembic_version"))
    assert database.current() is None
    with pytest.raises(StorageNotMigrated):
        database.require_current()
    database.upgrade()
    assert database.current() == HEAD_REVISION
    assert "alembic_version" not in inspect(database.engine).get_table_names()
    database.dispose()


def test_a_foreign_alembic_version_in_a_sqlite_file_is_left_alone(tmp_path: Path) -> None:
    database = SqlDatabase(f"sqlite:///{tmp_path / 'shared.db'}")
    with database.engine.begin() as connection:
        connection.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)"))
        connection.execute(text("INSERT INTO alembic_version VALUES ('hostapp_0007')"))
    database.upgrade()
    assert database.current() == HEAD_REVISION
    with database.engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == ["hostapp_0007"]
    database.dispose()


def test_schema_options_are_checked() -> None:
    with pytest.raises(ConfigurationError, match="SQLite n'a pas de schémas"):
        SqlDatabase("sqlite:///x.db", schema="cyclades")
    with pytest.raises(ConfigurationError, match="nom de schéma"):
        SqlDatabase("postgresql+psycopg://u@h/db", schema="Robert'); DROP")
    with pytest.raises(ConfigurationError, match="schema"):
        SqlDatabase("postgresql+psycopg://u@h/db?schema=a", schema="b")
    with pytest.raises(ConfigurationError):
        SqlDatabase()
    assert SqlDatabase("postgresql+psycopg://u@h/db?schema=lib").schema == "lib"


def test_upgrade_and_the_migrating_build_with_postgresql_down_raise_storage_unavailable() -> None:
    """Issue 16 findings: ``db upgrade`` and ``build_portal(migrate=True)`` let ``OperationalError`` escape."""
    with pytest.raises(StorageUnavailable):
        SqlDatabase(UNREACHABLE).upgrade()
    with pytest.raises(StorageUnavailable):
        build_portal(UNREACHABLE, migrate=True, hasher=PlainHasher(), environ={}, document_key=KEY)


def test_head_revision_is_the_scripts_head() -> None:
    assert SqlDatabase.history()[-1][0] == HEAD_REVISION
    assert [revision for revision, _ in SqlDatabase.history()][:2] == ["0001", "0002"]
