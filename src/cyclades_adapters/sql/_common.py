"""What the SQL repositories share: the JSON converter of their documents, the parse caches, the translation of
integrity errors, and the :class:`Repository` base (connection, writes, prepared hot statements)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from enum import Enum
from operator import attrgetter
from typing import TYPE_CHECKING, Any, ClassVar

from cattrs import Converter
from cattrs.fns import identity
from cattrs.gen import make_dict_structure_fn
from sqlalchemy import Connection, bindparam
from sqlalchemy.exc import IntegrityError

from cyclades_adapters.sql.prepared import ParseCache, PreparedSet, loads
from cyclades_core.errors import (
    AccountNotFound,
    ConflictError,
    DuplicateAccount,
    DuplicateCandidature,
    EmailAlreadyUsed,
)
from cyclades_core.model.account import Identity
from cyclades_core.model.candidature import CandidatureContent, EpreuvePosition

if TYPE_CHECKING:
    from cyclades_adapters.sql.unit_of_work import SqlUnitOfWork

__all__ = ["JSON_CONVERTER", "Repository", "translate_integrity_error"]


def _converter() -> Converter:
    """The converter of this adapter's own JSON documents: it reads only what it wrote, so it trusts the types it
    finds (no detailed validation, plain optional values taken as they are)."""
    converter = Converter(detailed_validation=False)
    # The hot spots of a save (write) and of a read: plain optional values are taken as they are (inlined by cattrs'
    # generated code), enums by their stored value (not the slower ``.value`` property, nor ``Enum.__call__``).
    for primitive in (str, int, bool, float):
        converter.register_unstructure_hook(primitive | None, identity)
        converter.register_structure_hook(primitive | None, _as_it_is)
    converter.register_unstructure_hook(Enum, attrgetter("_value_"))
    converter.register_structure_hook(Enum, _enum_member)
    converter.register_unstructure_hook(datetime, lambda d: d.astimezone(UTC).isoformat())
    converter.register_structure_hook(datetime, lambda v, _: datetime.fromisoformat(v).astimezone(UTC))
    converter.register_unstructure_hook(date, lambda d: d.isoformat())
    converter.register_structure_hook(date, lambda v, _: date.fromisoformat(v))
    # A candidature's épreuve rows repeat from one candidature to the next (the same spécialité, the same positions):
    # each distinct row is built once and shared (the values are immutable), not once per épreuve per read.
    build_epreuve = make_dict_structure_fn(EpreuvePosition, converter)
    epreuves: ParseCache[tuple[tuple[str, Any], ...], EpreuvePosition] = ParseCache(
        lambda items: build_epreuve(dict(items), EpreuvePosition), size=4096
    )
    converter.register_structure_hook(EpreuvePosition, lambda d, _: epreuves.get(tuple(d.items())))
    return converter


def _as_it_is(value: Any, _: Any) -> Any:
    return value


def _enum_member(value: Any, kind: type[Enum]) -> Enum:
    member = kind._value2member_map_.get(value)
    return member if member is not None else kind(value)


#: Private to this adapter: nested values (identity, candidature content, pièces) as JSON documents.
JSON_CONVERTER = _converter()

#: Parsed JSON documents by their text: a candidature read again (at save time, or after this process wrote it) is
#: not parsed again. The values are immutable, so sharing them is safe.
CONTENTS: ParseCache[str, CandidatureContent] = ParseCache(
    lambda text: JSON_CONVERTER.structure(loads(text), CandidatureContent)
)
IDENTITIES: ParseCache[str, Identity] = ParseCache(lambda text: JSON_CONVERTER.structure(loads(text), Identity))


def translate_integrity_error(error: IntegrityError) -> Exception:
    """A unique or foreign-key violation, as the core's error."""
    text = str(error.orig).lower()
    if "email_key" in text:
        return EmailAlreadyUsed()
    if "inscription" in text:
        return DuplicateCandidature()
    if "foreign key" in text or "fk_" in text:
        return AccountNotFound()
    if "accounts" in text:
        return DuplicateAccount()
    return ConflictError()


def bind_columns(table: Any, *columns: str) -> dict[str, Any]:
    """A bound parameter per column, typed as the column: the values of a hot statement."""
    return {column: bindparam(column, type_=table.c[column].type) for column in columns}


class Repository:
    """A repository of :class:`~cyclades_adapters.sql.unit_of_work.SqlUnitOfWork`: its connection, a write with the
    integrity errors translated, and its own hot statements (:attr:`statements`) run as prepared statements."""

    #: The repository's hot statements (a save, a login): written once as Core, prepared once per driver.
    statements: ClassVar[PreparedSet] = PreparedSet({})

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    @property
    def _c(self) -> Connection:
        return self._uow.connection

    def _write(self, statement: Any, params: Any = None) -> Any:
        """Execute a write inside a savepoint-free transaction, translating integrity errors."""
        try:
            return self._c.execute(statement, params) if params is not None else self._c.execute(statement)
        except IntegrityError as error:
            raise translate_integrity_error(error) from None

    def _run(self, name: str, params: Mapping[str, Any]) -> Any:
        """One of the hot statements on the driver's cursor, integrity errors translated."""
        connection = self._c
        try:
            return self.statements.get(name, connection.dialect).execute(connection, params)
        except IntegrityError as error:
            raise translate_integrity_error(error) from None

    def _fetch(self, name: str, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """One of the hot queries, its rows through the columns' result processors."""
        connection = self._c
        prepared = self.statements.get(name, connection.dialect)
        return prepared.rows(prepared.execute(connection, params))
