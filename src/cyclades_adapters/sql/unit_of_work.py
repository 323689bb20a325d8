"""The SQL unit of work: one database transaction carrying every repository (one module each)."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from cyclades_adapters.sql._common import translate_integrity_error
from cyclades_adapters.sql.accounts import _Accounts
from cyclades_adapters.sql.audit import _Audit
from cyclades_adapters.sql.candidatures import _Candidatures
from cyclades_adapters.sql.documents import _Documents
from cyclades_adapters.sql.managers import _Managers
from cyclades_adapters.sql.outbox import _Outbox
from cyclades_adapters.sql.pieces import _Pieces
from cyclades_adapters.sql.prepared import unavailable
from cyclades_adapters.sql.tokens import _Tokens

__all__ = ["SqlUnitOfWork"]


class SqlUnitOfWork:
    """One transaction on one connection; rolls back unless committed. Used once."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._connection: Connection | None = None
        self.accounts = _Accounts(self)
        self.tokens = _Tokens(self)
        self.outbox = _Outbox(self)
        self.audit = _Audit(self)
        self.candidatures = _Candidatures(self)
        self.documents = _Documents(self)
        self.pieces = _Pieces(self)
        self.managers = _Managers(self)

    @property
    def connection(self) -> Connection:
        if self._connection is None:
            raise RuntimeError("SqlUnitOfWork used outside its with-block")
        return self._connection

    def __enter__(self) -> Self:
        if self._connection is not None:
            raise RuntimeError("a unit of work is used once")
        try:
            self._connection = self._engine.connect()
            self._connection.begin()
        except OperationalError as unreachable:
            if self._connection is not None:
                self._connection.close()
            raise unavailable(unreachable.orig) from None
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        connection = self.connection
        try:
            if connection.in_transaction():
                connection.rollback()
        finally:
            connection.close()
        if isinstance(exc, DBAPIError) and exc.connection_invalidated:
            # The database went away mid-way (SQLAlchemy has invalidated the pool): the core's error, as everywhere.
            raise unavailable(exc.orig) from exc

    def commit(self) -> None:
        connection = self.connection
        try:
            connection.commit()  # later statements begin the next transaction themselves (autobegin)
        except IntegrityError as error:
            raise translate_integrity_error(error) from None

    def rollback(self) -> None:
        self.connection.rollback()
