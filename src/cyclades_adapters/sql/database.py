"""Engines, pragmas, migrations, and the SQL allocator and rate limiter."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, delete, event, func, insert, inspect, select, text, update
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import IntegrityError, OperationalError

from cyclades_adapters.sql import schema as t
from cyclades_adapters.sql.prepared import dumps, loads, unavailable
from cyclades_adapters.sql.storage import SqlUnitOfWork
from cyclades_core.errors import ConfigurationError, StorageNotMigrated
from cyclades_core.ports.security import ThrottlePolicy

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = ["HEAD_REVISION", "LEGACY_VERSION_TABLE", "VERSION_TABLE", "SqlCandidateNumberAllocator", "SqlDatabase",
           "SqlRateLimiter"]  # fmt: skip

#: The library's own Alembic version table: a host application's ``alembic_version`` in the same database is never
#: read nor written (issue 16). Version 0.1 kept its revision in ``alembic_version``: ``upgrade`` adopts it.
VERSION_TABLE = "cyclades_alembic_version"
LEGACY_VERSION_TABLE = "alembic_version"
#: The newest shipped migration: a database at another revision is "not migrated" for the operator commands
#: (checked without loading Alembic; a test keeps it equal to the scripts' head).
HEAD_REVISION = "0007"
_SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def _sqlite_engine(url: URL, pool_size: int, max_overflow: int) -> Engine:
    engine = create_engine(
        url, connect_args={"isolation_level": None, "timeout": 30, "check_same_thread": False}, pool_size=pool_size,
        max_overflow=max_overflow, json_serializer=dumps, json_deserializer=loads,
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


def _alembic_config(connection: Connection | None, schema: str | None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resources.files("cyclades_adapters.sql").joinpath("migrations")))
    config.attributes["connection"] = connection
    config.attributes["version_table"] = VERSION_TABLE
    config.attributes["version_table_schema"] = schema
    return config


def _schema_name(name: str | None) -> str | None:
    if name is not None and not _SCHEMA_NAME.fullmatch(name):
        raise ConfigurationError(
            f"schema : {name!r} n'est pas un nom de schéma pris en charge (minuscules, chiffres, _ ; 63 au plus)."
        )
    return name


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
    """A SQLite file or a PostgreSQL database, by URL (``sqlite:///path.db``, ``postgresql+psycopg://…``) or by an
    existing SQLAlchemy ``Engine`` (PostgreSQL; the host application's pool, shared).

    ``schema`` (PostgreSQL only; also ``?schema=name`` in the URL): the library's tables, sequence and version table
    live in that schema of their own, created by :meth:`upgrade`, beside a host application's tables. With a URL the
    library's connections get ``search_path=<schema>`` at connect time (no round trip per transaction); an engine
    passed in must already set it (``connect_args={"options": "-csearch_path=<schema>"}``): :meth:`check` and
    :meth:`upgrade` verify it. SQLite has no schemas: there, the library keeps a file of its own.

    ``create=False``: a SQLite file that does not exist is :class:`StorageNotMigrated` (the operator commands never
    create one as a side effect). ``pool_size`` / ``max_overflow``: the pool of an engine built from a URL.
    """

    def __init__(
        self, url: str | None = None, *, engine: Engine | None = None, schema: str | None = None,
        create: bool = True, pool_size: int = 20, max_overflow: int = 10,
    ) -> None:  # fmt: skip
        if url is not None and engine is not None:
            raise ConfigurationError("storage_url : indiquez une URL ou un engine SQLAlchemy, pas les deux.")
        if engine is not None:
            self._init_engine(engine, schema)
            return
        if url is None:
            raise ConfigurationError("storage_url : indiquez une URL ou un engine SQLAlchemy.")
        try:
            parsed = make_url(url)
        except Exception:  # SQLAlchemy's ArgumentError, or a port that is not a number
            raise ConfigurationError("storage_url : URL de base de données illisible.") from None
        self.url = url
        self.dialect = parsed.get_backend_name()
        in_url = parsed.query.get("schema")
        if isinstance(in_url, tuple):
            raise ConfigurationError("storage_url : un seul paramètre schema.")
        if in_url is not None and schema is not None and in_url != schema:
            raise ConfigurationError(f"schema : {schema!r} en argument, {in_url!r} dans l'URL.")
        self.schema = _schema_name(schema or in_url)
        parsed = parsed.difference_update_query(["schema"])
        if self.dialect == "sqlite":
            if self.schema is not None:
                raise ConfigurationError(
                    "schema : SQLite n'a pas de schémas ; la bibliothèque y garde un fichier à elle."
                )
            if parsed.get_driver_name() != "pysqlite":
                raise ConfigurationError(
                    "storage_url : pour SQLite, seul le pilote sqlite3 (pysqlite) est pris en charge."
                )
            if parsed.database in (None, "", ":memory:"):
                raise ConfigurationError("storage_url : une base SQLite doit être un fichier (sqlite:///chemin.db).")
            path = Path(parsed.database)
            if not create and not path.is_file():
                raise StorageNotMigrated(f"La base SQLite {path} n'existe pas : créez-la par « cyclades db upgrade ».")
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise ConfigurationError(
                    f"storage_url : le dossier {path.parent} ne peut être créé ({error.strerror})."
                ) from None
            self.engine = _sqlite_engine(parsed.set(drivername="sqlite+cyclades_immediate"), pool_size, max_overflow)
        elif self.dialect == "postgresql":
            connect_args: dict[str, str] = {}
            if self.schema is not None:
                given = parsed.query.get("options")
                connect_args["options"] = " ".join(
                    part for part in (given if isinstance(given, str) else None, f"-csearch_path={self.schema}") if part
                )
            # No pre-ping (it cost a round trip per unit of work): a connection found dead raises StorageUnavailable
            # once and SQLAlchemy then invalidates the pool; connections are also recycled hourly.
            self.engine = create_engine(
                parsed, isolation_level="READ COMMITTED", pool_size=pool_size, max_overflow=max_overflow,
                pool_recycle=3600, pool_pre_ping=False, json_serializer=dumps, json_deserializer=loads,
                connect_args=connect_args,
            )  # fmt: skip
        else:
            raise ConfigurationError(f"storage_url : base de données non prise en charge {self.dialect!r}.")

    def _init_engine(self, engine: Engine, schema: str | None) -> None:
        self.engine = engine
        self.url = engine.url.render_as_string(hide_password=True)
        self.dialect = engine.dialect.name
        self.schema = _schema_name(schema)
        if self.dialect == "sqlite":
            if not isinstance(engine.dialect, ImmediateSQLiteDialect) or schema is not None:
                raise ConfigurationError(
                    "engine : pour SQLite, passez une URL (la bibliothèque règle elle-même le fichier et ses "
                    "transactions) ; un engine fourni doit être PostgreSQL."
                )
        elif self.dialect != "postgresql":
            raise ConfigurationError(f"engine : base de données non prise en charge {self.dialect!r}.")

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

    def _alembic(self, connection: Connection | None) -> Config:
        return _alembic_config(connection, self.schema)

    def _schema_in_effect(self, connection: Connection) -> None:
        """With a schema, the connections must resolve unqualified names there first (``search_path``)."""
        if self.schema is None:
            return
        path = connection.exec_driver_sql("SELECT current_setting('search_path')").scalar()
        first = str(path or "").split(",")[0].strip().strip('"')
        if first != self.schema:
            raise ConfigurationError(
                f"schema : les connexions doivent avoir search_path={self.schema} (trouvé : {path}) ; créez l'engine "
                f"avec connect_args={{'options': '-csearch_path={self.schema}'}}."
            )

    def _adopt_legacy_version(self, connection: Connection) -> str | None:
        """Version 0.1 kept its revision in ``alembic_version``: when that table holds only revisions of ours and
        ``cyclades_alembic_version`` does not exist, the revision moves to ``cyclades_alembic_version`` and the old
        table is dropped (so that a host application's Alembic may create its own). An ``alembic_version`` holding
        any other revision belongs to someone else and is left untouched. Returns the revision adopted."""
        from alembic import command
        from alembic.script import ScriptDirectory

        tables = set(inspect(connection).get_table_names(schema=self.schema))
        if VERSION_TABLE in tables or LEGACY_VERSION_TABLE not in tables:
            return None
        prefix = f'"{self.schema}".' if self.schema else ""
        legacy = f"SELECT version_num FROM {prefix}{LEGACY_VERSION_TABLE}"  # noqa: S608 - a validated schema name
        found = {row[0] for row in connection.exec_driver_sql(legacy)}
        config = self._alembic(connection)
        ours = {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}
        if len(found) != 1 or not found <= ours:
            return None
        [revision] = found
        command.stamp(config, revision)
        connection.exec_driver_sql(f"DROP TABLE {prefix}{LEGACY_VERSION_TABLE}")
        return str(revision)

    def upgrade(self, revision: str = "head") -> None:
        """Apply the shipped migrations (the CLI's ``db upgrade``), in the library's schema when one is set (created
        if missing), recording them in ``cyclades_alembic_version``. An unreachable database raises
        StorageUnavailable."""
        from alembic import command

        try:
            with self.engine.begin() as connection:
                if self.schema is not None:
                    self._schema_in_effect(connection)
                    connection.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"')
                self._adopt_legacy_version(connection)
                command.upgrade(self._alembic(connection), revision)
        except OperationalError as unreachable:
            raise unavailable(unreachable.orig) from None

    def downgrade(self, revision: str = "base") -> None:
        from alembic import command

        try:
            with self.engine.begin() as connection:
                command.downgrade(self._alembic(connection), revision)
        except OperationalError as unreachable:
            raise unavailable(unreachable.orig) from None

    def current(self) -> str | None:
        """The revision recorded in ``cyclades_alembic_version`` (``None``: never migrated, or only by version 0.1
        into ``alembic_version``, which :meth:`upgrade` adopts). Reads only; Alembic is not loaded."""
        try:
            with self.engine.connect() as connection:
                if self.dialect == "sqlite":  # on the driver: through SQLAlchemy a read would begin IMMEDIATE
                    driver = connection.connection.driver_connection
                    exists = driver.execute(  # type: ignore[union-attr]
                        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (VERSION_TABLE,)
                    ).fetchone()
                    rows = driver.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchall() if exists else []  # type: ignore[union-attr]  # noqa: S608
                else:
                    self._schema_in_effect(connection)
                    table = f'"{self.schema}".{VERSION_TABLE}' if self.schema else VERSION_TABLE
                    exists = connection.exec_driver_sql(f"SELECT to_regclass('{table}')").scalar()
                    rows = connection.exec_driver_sql(f"SELECT version_num FROM {table}").fetchall() if exists else []  # noqa: S608
                    connection.rollback()
        except OperationalError as unreachable:
            raise unavailable(unreachable.orig) from None
        return str(rows[0][0]) if rows else None

    def require_current(self) -> str:
        """The operator commands' check before any work: the schema is at :data:`HEAD_REVISION`, else
        StorageNotMigrated (StorageUnavailable if the database cannot be reached)."""
        found = self.current()
        if found == HEAD_REVISION:
            return found
        if found is None:
            raise StorageNotMigrated()
        raise StorageNotMigrated(
            f"La base est à la révision {found}, cette version de la bibliothèque attend {HEAD_REVISION} : "
            "lancez « cyclades db upgrade »."
        )

    @staticmethod
    def history() -> list[tuple[str, str]]:
        """The shipped migrations, oldest first: (revision, first paragraph of its description, on one line)."""
        from alembic.script import ScriptDirectory

        scripts = reversed(list(ScriptDirectory.from_config(_alembic_config(None, None)).walk_revisions()))
        return [(script.revision, " ".join((script.doc or "").strip().split("\n\n")[0].split())) for script in scripts]

    def check(self) -> dict[str, object]:
        """The durability settings the outbox relies on (J4): WAL and synchronous=FULL on SQLite; synchronous
        commits on PostgreSQL. On SQLite also ``secure_delete`` (erased rows overwritten with zeros, B7). Raises ConfigurationError otherwise, StorageUnavailable if the database cannot be
        reached. ``build_portal`` runs it at start-up. It only reads: no write lock is taken (a SQLite file busy with
        another writer is checked at once)."""
        try:
            with self.engine.connect() as connection:
                self._schema_in_effect(connection)  # an engine passed in with a schema: its search_path
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
