"""Erasure leaves nothing (issue 15, item 4; checklist B7, F6, L1): after the purge of an unactivated
account, or the deletion of an active one, and once the relay has delivered their mails, no table holds the
person's email, names or birth date, in any format; on SQLite, not even the file's free pages or its WAL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from cyclades_adapters import Portal, build_portal
from cyclades_adapters.memory import MemoryDatabase
from cyclades_adapters.sql import SqlDatabase
from cyclades_adapters.sql.schema import metadata
from cyclades_core.testing import ManualClock, PlainHasher
from cyclades_core.usecases import AccountSettings, CreateAccountForm
from tests.conftest import DOCUMENT_KEY, PASSWORD, T0, activation_token, form
from tests.sql_support import postgres_database, sql_database, sqlite_database  # noqa: F401 - a fixture

EMAIL = "zoe.quiberon-erasure@exemple.fr"
BIRTH_NAME = "QUIBERONNAIS"
FIRST_NAMES = "Zoélie Maëlys"
#: The birth date in every format a layer could store it: the form's, ISO, compact, the year-first with slashes.
BIRTH_DATES = ("17/03/2003", "2003-03-17", "20030317", "2003/03/17")
PERSON = (EMAIL, EMAIL.upper(), BIRTH_NAME, "Zoélie", "Maëlys", "Quiberon", *BIRTH_DATES)


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqlDatabase | None]:
    if request.param == "memory":
        yield None
        return
    database = sqlite_database(tmp_path) if request.param == "sqlite" else postgres_database()
    yield database
    if request.param == "sqlite":
        database.dispose()


def make_portal(storage: SqlDatabase | None, clock: ManualClock) -> Portal:
    return build_portal(
        storage.url if storage else None, clock=clock, hasher=PlainHasher(), environ={}, document_key=DOCUMENT_KEY,
        settings=AccountSettings(base_url="https://cyclades.exemple.fr"),
    )  # fmt: skip


def person_form() -> CreateAccountForm:
    return form(email=EMAIL, birth_name=BIRTH_NAME, first_names=FIRST_NAMES, birth_date=BIRTH_DATES[0])


def every_table(portal: Portal, storage: SqlDatabase | None) -> str:
    """Every row of every table, stringified."""
    if storage is None:
        assert isinstance(portal.storage, MemoryDatabase)
        return repr(list(portal.storage.all_rows()))
    dump = []
    with storage.engine.connect() as connection:
        for table in metadata.sorted_tables:
            dump.append(f"{table.name}: {connection.execute(table.select()).all()!r}")
    return "\n".join(dump)


def found_in(dump: str) -> list[str]:
    lowered = dump.lower()
    return [value for value in PERSON if value.lower() in lowered]


def sqlite_file_bytes(storage: SqlDatabase) -> bytes:
    """The SQLite file and its WAL after a checkpoint: what a copy of the disk would hold."""
    with storage.engine.connect() as connection:
        driver = connection.connection.driver_connection
        busy, _, _ = driver.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()  # type: ignore[union-attr]
        assert busy == 0
    path = Path(str(storage.engine.url.database))
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


def assert_nothing_left(portal: Portal, storage: SqlDatabase | None) -> None:
    assert found_in(every_table(portal, storage)) == []
    if storage is not None and storage.dialect == "sqlite":
        raw = sqlite_file_bytes(storage)
        assert [v for v in PERSON if v.encode() in raw or v.lower().encode() in raw] == []


@pytest.mark.rule("B7", "L1")
def test_the_purge_leaves_no_trace_of_the_person_once_their_activation_mail_was_sent(
    storage: SqlDatabase | None,
) -> None:
    clock = ManualClock(T0)
    portal = make_portal(storage, clock)
    portal.accounts.create_account(person_form())
    assert portal.relay.run_until_idle().sent == 1  # the activation mail was delivered
    assert found_in(every_table(portal, storage))  # the scan sees the person while the account lives
    clock.advance(hours=48, seconds=1)
    assert portal.accounts.purge_unactivated() == 1
    if storage is not None and storage.dialect == "postgresql":
        storage.vacuum()
    assert_nothing_left(portal, storage)


@pytest.mark.rule("F6", "L1")
def test_deleting_an_account_leaves_no_trace_once_the_confirmation_was_sent(storage: SqlDatabase | None) -> None:
    clock = ManualClock(T0)
    portal = make_portal(storage, clock)
    portal.accounts.create_account(person_form())
    portal.accounts.activate(activation_token(portal))
    session = portal.accounts.login(EMAIL, PASSWORD)
    portal.accounts.request_password_reset(EMAIL)
    assert portal.relay.run_until_idle().sent == 2  # activation and reset mails delivered
    clock.advance(timedelta(minutes=5))
    portal.accounts.delete_account(session.session_token)
    assert portal.relay.run_until_idle().sent == 1  # the confirmation, to the address being erased
    if storage is not None and storage.dialect == "postgresql":
        storage.vacuum()
    assert_nothing_left(portal, storage)


def test_the_scan_would_see_a_leftover(storage: SqlDatabase | None) -> None:
    """The scan itself is checked: the person's data written in an outbox row is found (no vacuous pass)."""
    portal = make_portal(storage, ManualClock(T0))
    portal.accounts.create_account(person_form())
    assert EMAIL in found_in(every_table(portal, storage))
    if storage is not None and storage.dialect == "sqlite":
        assert EMAIL.encode() in sqlite_file_bytes(storage)
    if storage is not None:
        with storage.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM accounts")).scalar_one() == 1


@pytest.mark.rule("L1")
def test_the_migration_erases_the_recipient_of_mails_delivered_before_it(sql_database: SqlDatabase) -> None:  # noqa: F811
    """Revision 0006: rows delivered under 0005 kept their address; upgrading forgets it, unsent rows keep theirs."""
    storage = sql_database
    storage.downgrade("0005")
    with storage.engine.begin() as connection:
        for n, sent_at in enumerate((T0, None)):
            connection.execute(
                text("INSERT INTO outbox (id, kind, recipient, subject, body, created_at, sent_at, attempts) "
                     "VALUES (:id, 'activation', :to, 's', '', :at, :sent, 0)"),
                {"id": f"old{n}", "to": EMAIL, "at": T0, "sent": sent_at},
            )  # fmt: skip
    storage.upgrade()
    with storage.engine.connect() as connection:
        rows = connection.execute(text("SELECT id, recipient FROM outbox ORDER BY id")).all()
    assert [tuple(row) for row in rows] == [("old0", ""), ("old1", EMAIL)]
