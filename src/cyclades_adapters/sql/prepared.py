"""The hot path's statements, compiled once per dialect and run on the driver's cursor.

A save runs about ten statements; through :meth:`sqlalchemy.engine.Connection.execute` each one builds an
execution context, looks up the compiled cache, processes parameters by name and wraps the cursor in a result, which
cost more than the statements themselves (``docs/performance.md``). A :class:`Prepared` statement is written once as
SQLAlchemy Core (so there is one definition of the SQL), compiled once per dialect to the driver's SQL with its
parameter order and the column types' bind and result processors, and executed straight on the DBAPI connection of
the unit of work's transaction. Driver errors are raised as SQLAlchemy's (the repositories translate integrity
errors into the core's tree); a lost connection invalidates the pool and raises ``StorageUnavailable``.

JSON documents go through :func:`dumps` / :func:`loads` (orjson); the parsed form of a document is memoised by its
text (:class:`ParseCache`): equal text gives an equal immutable value, so a candidature read again at save time, or
read after this process wrote it, is not parsed twice.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, Generic, TypeVar

import orjson
from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ClauseElement

from cyclades_core.errors import StorageUnavailable

__all__ = ["Encoded", "ParseCache", "Prepared", "PreparedSet", "dumps", "loads", "unavailable"]

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")
_PYFORMAT = re.compile(r"%\(([^)]+)\)s")
_CURSOR = "cyclades.prepared_cursor"


def unavailable(cause: BaseException | None) -> StorageUnavailable:
    """The core's error for a database that cannot be reached or went away, naming the driver's error class."""
    return StorageUnavailable(f"Le service est momentanément indisponible ({type(cause).__name__}).")


class Encoded(str):
    """JSON text encoded already: :func:`dumps` (the engines' ``json_serializer``) passes it through, so a document
    written to two columns is encoded once."""

    __slots__ = ()


def dumps(value: Any) -> str:
    """Compact JSON text (orjson): about ten times faster than :func:`json.dumps` for a candidature."""
    if type(value) is Encoded:
        return str(value)
    return orjson.dumps(value).decode()


def loads(text: str | bytes) -> Any:
    return orjson.loads(str(text) if type(text) is Encoded else text)  # orjson refuses subclasses of str


class ParseCache(Generic[K, T]):
    """Memoises ``parse(key)`` for the last ``size`` distinct keys parsed or written (thread-safe; the oldest entry
    goes first). Keys are JSON texts, or any hashable form of a parsed value.

    Only for pure parsers into immutable values: the cache hands the same object to every reader of an equal key.
    """

    def __init__(self, parse: Callable[[K], T], size: int = 512) -> None:
        self._parse = parse
        self._size = size
        self._entries: dict[K, T] = {}
        self._lock = threading.Lock()

    def get(self, key: K) -> T:
        found = self._entries.get(key)  # one dictionary read is atomic; writes take the lock
        if found is not None:
            return found
        value = self._parse(key)
        self.put(key, value)
        return value

    def put(self, key: K, value: T) -> None:
        """Seed the cache with a value and the key it was written as (a write's own encoding)."""
        with self._lock:
            self._entries[key] = value
            if len(self._entries) > self._size:
                del self._entries[next(iter(self._entries))]


class Prepared:
    """One statement, compiled for one dialect; run with :meth:`execute` inside a unit of work's transaction.

    ``execute`` takes the parameters by bind name (as SQLAlchemy would), applies the bind processors of their column
    types (``UtcDateTime`` on SQLite, for instance) and returns the DBAPI cursor; :meth:`rows` applies the result
    processors of the selected columns.
    """

    __slots__ = ("_bind", "_names", "_positional", "_results", "sql")

    def __init__(self, statement: ClauseElement, dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        if not isinstance(compiled, SQLCompiler):  # pragma: no cover - Core statements compile with SQLCompiler
            raise TypeError(f"not a SQL statement: {statement!r}")
        self.sql = compiled.string
        self._positional = compiled.positional
        names: Sequence[str] = list(compiled.positiontup or ()) if compiled.positional else list(compiled.binds)
        if not compiled.positional and dialect.paramstyle == "pyformat":
            # psycopg takes %s with a tuple as well as %(name)s with a dict, without re-ordering a dict each time.
            names = _PYFORMAT.findall(self.sql)
            self.sql = _PYFORMAT.sub("%s", self.sql)
            self._positional = True
        #: The bind names in the driver's parameter order, and (position, processor) for the binds whose column type
        #: converts the value (``UtcDateTime`` on SQLite, for instance): the others go to the driver as they are.
        self._names = tuple(names)
        bind = ((i, compiled.binds[n].type.dialect_impl(dialect).bind_processor(dialect)) for i, n in enumerate(names))
        self._bind = tuple((i, p) for i, p in bind if p is not None)
        #: (position, processor) for the selected columns whose type converts the value read.
        self._results = tuple(
            (i, p)
            for i, column in enumerate(getattr(statement, "selected_columns", ()))
            if (p := column.type.dialect_impl(dialect).result_processor(dialect, None)) is not None
        )

    def _values(self, params: Mapping[str, Any]) -> Any:
        values = [params[name] for name in self._names]
        for i, process in self._bind:
            values[i] = process(values[i])
        return tuple(values) if self._positional else dict(zip(self._names, values, strict=True))

    def execute_values(self, connection: Connection, values: Sequence[Any]) -> Any:
        """Run once with the values in the driver's parameter order (:attr:`names`), for a statement whose binds
        need no conversion (a multi-row ``INSERT`` of plain values): no mapping is built and taken apart again."""
        if self._bind or not self._positional:
            raise TypeError("execute_values is for positional statements whose binds need no conversion")
        return self._run(connection, values)

    @property
    def names(self) -> tuple[str, ...]:
        return self._names

    def execute(self, connection: Connection, params: Mapping[str, Any]) -> Any:
        """Run once with ``params``; returns the DBAPI cursor."""
        return self._run(connection, self._values(params))

    def _run(self, connection: Connection, values: Any) -> Any:
        if not connection.in_transaction():  # after a commit, the next statement begins the next transaction
            connection.begin()
        pooled = connection.connection
        dbapi_connection = pooled.dbapi_connection
        if dbapi_connection is None:  # pragma: no cover - an open unit of work holds its connection
            raise RuntimeError("the unit of work's connection is closed")
        # One cursor per pooled connection, kept in its info (gone with the connection): callers read a statement's
        # result before the next one runs.
        cursor = pooled.info.get(_CURSOR)
        if cursor is None:
            cursor = pooled.info[_CURSOR] = dbapi_connection.cursor()
        try:
            cursor.execute(self.sql, values)
        except connection.dialect.loaded_dbapi.Error as error:
            dialect = connection.dialect
            if dialect.is_disconnect(error, dbapi_connection, cursor):
                # As SQLAlchemy does for a lost connection: every pooled connection opened before now is replaced
                # at its next checkout (a database restart is paid once, not once per pooled connection).
                connection.engine.pool._invalidate(pooled, error)
                connection.invalidate(error)
                raise unavailable(error) from error
            # As SQLAlchemy would raise it: callers catch sqlalchemy.exc.IntegrityError / OperationalError.
            raise DBAPIError.instance(
                self.sql, values, error, dialect.loaded_dbapi.Error, hide_parameters=True, dialect=dialect
            ) from error
        return cursor

    def rows(self, cursor: Any) -> list[tuple[Any, ...]]:
        fetched: list[tuple[Any, ...]] = cursor.fetchall()
        if not self._results:
            return fetched
        processed = []
        for row in fetched:
            values = list(row)
            for i, process in self._results:
                values[i] = process(values[i])
            processed.append(tuple(values))
        return processed


Statement = ClauseElement | Mapping[str, ClauseElement] | Callable[[int], ClauseElement]


class PreparedSet:
    """Named statements, each prepared once per driver on first use: a Core statement, one per dialect name, or a
    family of statements by size (``size -> statement``, e.g. a multi-row ``INSERT`` of ``size`` rows)."""

    def __init__(self, statements: Mapping[str, Statement]) -> None:
        self._statements = statements
        self._built: dict[tuple[str, int, type[Dialect], str], Prepared] = {}
        self._lock = threading.Lock()

    def get(self, name: str, dialect: Dialect, size: int = 0) -> Prepared:
        key = (name, size, type(dialect), dialect.paramstyle)  # SQL and processors are the driver's
        prepared = self._built.get(key)
        if prepared is None:
            statement = self._statements[name]
            if isinstance(statement, Mapping):
                statement = statement[dialect.name]
            elif callable(statement):
                statement = statement(size)
            with self._lock:
                prepared = self._built.setdefault(key, Prepared(statement, dialect))
        return prepared
