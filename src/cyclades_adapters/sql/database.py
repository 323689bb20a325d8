"""Engines, pragmas, migrations, and the SQL allocator and rate limiter."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, delete, event, func, insert, select, text, update
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import IntegrityError, OperationalError

from cyclades_adapters.sql import schema as t
from cyclades_adapters.sql.prepared import dumps, loads, unavailable
from cyclades_adapters.sql.storage import SqlUnitOfWork
from cyclades_core.errors import ConfigurationError
from cyclades_core.ports.security import ThrottlePolicy

__all__ = ["SqlCandidateNumberAllocator", "SqlDatabase", "SqlRateLimiter"]


def _sqlite_engine(url: URL) -> Engine:
    engine = create_engine(
        url, connect_args={"isolation_level": None, "timeout": 30, "check_same_thread": False}, pool_size=20,
        json_serializer=dumps, json_deserializer=loads,
    )  # fmt: skip

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA secure_delete=ON")  # erased rows are overwritten, not left in free space (B7)
        cursor.close()

    return engine


class ImmediateSQLiteDialect(SQLiteDialect_pysqlite):
    """pysqlite with its own transaction handling off (``isolation_level=None``) and every transaction begun as
    ``BEGIN IMMEDIATE``: the writer lock is taken up front, so two units of work never deadlock upgrading a read.

    A dialect method rather than a ``begin`` event listener: connection events make SQLAlchemy join event dispatchers
    for every connection, a cost paid by each unit of work. ``SqlDatabase`` selects it for ``sqlite://`` URLs.
    """

    supports_statement_cache = True

    def do_begin(self, dbapi_connection: Any) -> None:
        dbapi_connection.driver_connection.execute("BEGIN IMMEDIATE")


registry.register("sqlite.cyclades_immediate", __name__, "ImmediateSQLiteDialect")


class SqlDatabase:
    """A SQLite file or a PostgreSQL database, by URL: ``sqlite:///path.db``, ``postgresql+psycopg://…``."""

    def __init__(self, url: str) -> None:
        parsed = make_url(url)
        self.url = url
        self.dialect = parsed.get_backend_name()
        if self.dialect == "sqlite":
            if parsed.get_driver_name() != "pysqlite":
                raise ConfigurationError(
                    "storage_url : pour SQLite, seul le pilote sqlite3 (pysqlite) est pris en charge."
                )
            if parsed.database in (None, "", ":memory:"):
                raise ConfigurationError("storage_url : une base SQLite doit être un fichier (sqlite:///chemin.db).")
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            self.engine = _sqlite_engine(parsed.set(drivername="sqlite+cyclades_immediate"))
        elif self.dialect == "postgresql":
            # No pre-ping (it cost a round trip per unit of work): a connection found dead raises StorageUnavailable
            # once and SQLAlchemy then invalidates the pool; connections are also recycled hourly.
            self.engine = create_engine(
                url, isolation_level="READ COMMITTED", pool_size=20, pool_recycle=3600, pool_pre_ping=False,
                json_serializer=dumps, json_deserializer=loads,
            )  # fmt: skip
        else:
            raise ConfigurationError(f"storage_url : base de données non prise en charge {self.dialect!r}.")

    def unit_of_work(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine)

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A short transaction of its own (allocator, throttling, catalogue); an unreachable database raises
        StorageUnavailable."""
        try:
            with self.engine.begin() as connection:
                yield connection
        except OperationalError as unreachable:
            if "locked" in str(unreachable.orig):
                raise
            raise unavailable(unreachable.orig) from None

    # -- schema ---------------------------------------------------------------------------------------------------

    def _alembic(self, connection: Connection) -> Config:
        config = Config()
        config.set_main_option("script_location", str(resources.files("cyclades_adapters.sql").joinpath("migrations")))
        config.attributes["connection"] = connection
        return config

    def upgrade(self, revision: str = "head") -> None:
        """Apply the shipped migrations (the CLI's ``db upgrade``)."""
        with self.engine.begin() as connection:
            command.upgrade(self._alembic(connection), revision)

    def downgrade(self, revision: str = "base") -> None:
        with self.engine.begin() as connection:
            command.downgrade(self._alembic(connection), revision)

    def check(self) -> dict[str, object]:
        """The durability settings the outbox relies on (J4): WAL and synchronous=FULL on SQLite; synchronous
        commits on PostgreSQL. On SQLite also ``secure_delete`` (erased rows overwritten with zeros, B7). Raises ConfigurationError otherwise, StorageUnavailable if the database cannot be
        reached. ``build_portal`` runs it at start-up. It only reads: no write lock is taken (a SQLite file busy with
        another writer is checked at once)."""
        try:
            with self.engine.connect() as connection:
                return self._durability(connection)
        except OperationalError as unreachable:
            raise unavailable(unreachable.orig) from None

    def _durability(self, connection: Connection) -> dict[str, object]:
        found: dict[str, object]
        if self.dialect == "sqlite":
            # On the driver's connection: through SQLAlchemy the first statement would begin IMMEDIATE (a write lock).
            driver = connection.connection.driver_connection
            found = {
                name: driver.execute(f"PRAGMA {name}").fetchone()[0]  # type: ignore[union-attr]
                for name in ("journal_mode", "synchronous", "foreign_keys", "secure_delete")
            }
            if found != {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1, "secure_delete": 1}:
                raise ConfigurationError(f"SQLite mal configuré : {found}")
        else:
            found = {"synchronous_commit": connection.exec_driver_sql("SHOW synchronous_commit").scalar()}
            connection.rollback()
            if found["synchronous_commit"] == "off":
                raise ConfigurationError("PostgreSQL : synchronous_commit ne doit pas être à off.")
        return found

    def vacuum(self) -> list[str]:
        """After an erasure (``cyclades purge`` runs it), make the erased rows unreadable in the database's files.

        SQLite: rows are already overwritten on delete (``secure_delete``); a ``wal_checkpoint(TRUNCATE)`` then
        copies the zeroed pages into the file and empties the WAL, which still held the rows as they were written.
        PostgreSQL: a delete only marks rows dead; ``VACUUM`` (outside any transaction, not blocking readers nor
        writers) removes them and their index entries, and makes their space reusable. Their bytes may stay on disk
        until reused, and in WAL segments and backups until those are recycled (see ``docs/operations.md``).
        Returns the tables vacuumed (or ``["wal"]`` on SQLite)."""
        try:
            with self.engine.connect() as connection:
                if self.dialect == "sqlite":
                    driver = connection.connection.driver_connection
                    driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # type: ignore[union-attr]
                    return ["wal"]
                tables = [table.name for table in t.metadata.sorted_tables]
                autocommit = connection.execution_options(isolation_level="AUTOCOMMIT")
                autocommit.exec_driver_sql(f"VACUUM {', '.join(tables)}")
                return tables
        except OperationalError as unreachable:
            raise unavailable(unreachable.orig) from None

    def dispose(self) -> None:
        self.engine.dispose()


class SqlCandidateNumberAllocator:
    """A sequence on PostgreSQL; an allocator row per year on SQLite (claimed under BEGIN IMMEDIATE)."""

    def __init__(self, database: SqlDatabase, start: int = 30_000_000) -> None:
        self._db = database
        self._start = start

    def allocate(self, year: int) -> str:
        with self._db.transaction() as connection:
            if self._db.dialect == "postgresql":
                sequence = connection.execute(text("SELECT nextval('candidate_numbers')")).scalar_one()
            else:
                sequence = self._row(connection, year)
        if sequence > 99_999_999:
            raise OverflowError(f"candidate numbers exhausted for {year}")
        return f"0{year % 100:02d}{sequence:08d}"

    def _row(self, connection: Connection, year: int) -> int:
        claimed = connection.execute(
            update(t.allocator)
            .where(t.allocator.c.year == year)
            .values(next_value=t.allocator.c.next_value + 1)
            .returning(t.allocator.c.next_value)
        ).scalar()
        if claimed is None:
            connection.execute(insert(t.allocator), {"year": year, "next_value": self._start + 1})
            return self._start
        return int(claimed) - 1


class SqlRateLimiter:
    """Throttling counters shared by every process using the database."""

    def __init__(self, database: SqlDatabase) -> None:
        self._db = database

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        with self._db.transaction() as connection:
            yield connection

    def blocked_until(self, key: str, now: datetime, policy: ThrottlePolicy) -> datetime | None:
        with self._tx() as c:
            row = c.execute(select(t.throttle_failures).where(t.throttle_failures.c.key == key)).first()
        if row is None or row.failures < policy.free_failures:
            return None
        until: datetime = row.last_failure + policy.delay_after(row.failures)
        return until if now < until else None

    def record_failure(self, key: str, now: datetime) -> int:
        for _ in range(3):
            try:
                with self._tx() as c:
                    count = c.execute(
                        update(t.throttle_failures)
                        .where(t.throttle_failures.c.key == key)
                        .values(failures=t.throttle_failures.c.failures + 1, last_failure=now)
                        .returning(t.throttle_failures.c.failures)
                    ).scalar()
                    if count is None:
                        c.execute(insert(t.throttle_failures), {"key": key, "failures": 1, "last_failure": now})
                        count = 1
                    return int(count)
            except (IntegrityError, OperationalError):  # a concurrent first failure: count again
                continue
        raise RuntimeError("could not record a throttling failure")

    def clear(self, key: str) -> None:
        with self._tx() as c:
            c.execute(delete(t.throttle_failures).where(t.throttle_failures.c.key == key))

    def expire(self, before: datetime) -> int:
        with self._tx() as c:
            events = c.execute(delete(t.throttle_events).where(t.throttle_events.c.at < before)).rowcount
            failures = c.execute(
                delete(t.throttle_failures).where(t.throttle_failures.c.last_failure < before)
            ).rowcount
        return int(events) + int(failures)

    def hit(self, key: str, now: datetime, limit: int, window: timedelta) -> bool:
        with self._tx() as c:
            if self._db.dialect == "postgresql":
                c.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": key})
            c.execute(
                delete(t.throttle_events).where(t.throttle_events.c.key == key, t.throttle_events.c.at <= now - window)
            )
            count = c.execute(
                select(func.count()).select_from(t.throttle_events).where(t.throttle_events.c.key == key)
            ).scalar_one()
            if count >= limit:
                return False
            c.execute(insert(t.throttle_events), {"key": key, "at": now})
            return True
