"""The SQL storage adapter: SQLAlchemy 2 Core, explicit mappers between rows and domain objects.

One :class:`SqlUnitOfWork` is one database transaction (``BEGIN IMMEDIATE`` on SQLite, READ COMMITTED on
PostgreSQL); it rolls back unless committed. Optimistic concurrency is ``UPDATE … WHERE version = ?`` with a rowcount
check; uniqueness is the database's (unique constraints), and driver errors are translated into the core's tree.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from enum import Enum
from operator import attrgetter
from types import TracebackType
from typing import Any, Self

from attrs import evolve
from cattrs import Converter
from cattrs.fns import identity
from cattrs.gen import make_dict_structure_fn
from sqlalchemy import (
    ARRAY,
    Connection,
    Engine,
    Integer,
    String,
    Text,
    and_,
    bindparam,
    cast,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from cyclades_adapters.sql import schema as t
from cyclades_adapters.sql.prepared import Encoded, ParseCache, PreparedSet, dumps, loads, unavailable
from cyclades_core.errors import (
    AccountHasCandidatures,
    AccountNotFound,
    ConcurrencyConflict,
    ConflictError,
    DuplicateAccount,
    DuplicateCandidature,
    EmailAlreadyUsed,
)
from cyclades_core.model.account import Account, AccountKind, AccountState, Identity
from cyclades_core.model.audit import AuditRecord
from cyclades_core.model.candidature import (
    Candidature,
    CandidatureContent,
    CandidatureState,
    EpreuveCount,
    EpreuvePosition,
    ListPosition,
    Position,
)
from cyclades_core.model.catalogue import EvaluationMode
from cyclades_core.model.documents import DocumentKind, PublishedDocument
from cyclades_core.model.mail import MailKind, OutboxMessage
from cyclades_core.model.pieces import Piece
from cyclades_core.model.tokens import IssuedToken, TokenPurpose
from cyclades_core.model.values import CandidateNumber, EmailAddress

__all__ = ["SqlUnitOfWork", "translate_integrity_error"]


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
_CONTENTS: ParseCache[str, CandidatureContent] = ParseCache(
    lambda text: JSON_CONVERTER.structure(loads(text), CandidatureContent)
)
_IDENTITIES: ParseCache[str, Identity] = ParseCache(lambda text: JSON_CONVERTER.structure(loads(text), Identity))


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


# -- mappers -------------------------------------------------------------------------------------------------------


def _account_row(account: Account) -> dict[str, Any]:
    return {
        "id": account.id,
        "kind": account.kind.value,
        "state": account.state.value,
        "candidate_number": str(account.candidate_number),
        "email_display": account.email.display if account.email else None,
        "email_key": account.email.key if account.email else None,
        "login": account.login,
        "password_hash": account.password_hash,
        "identity": JSON_CONVERTER.unstructure(account.identity),
        "created_at": account.created_at,
        "activation_deadline": account.activation_deadline,
        "activated_at": account.activated_at,
        "must_change_password": account.must_change_password,
        "initial_password_expires_at": account.initial_password_expires_at,
        "establishment_code": account.establishment_code,
        "version": account.version,
    }


#: The columns every account read selects, the identity as its text (for the parse cache).
_ACCOUNT_COLUMNS = tuple(
    cast(column, Text).label(column.key) if column.key == "identity" else column for column in t.accounts.c
)
_AccountRow = namedtuple("_AccountRow", [column.key for column in t.accounts.c])  # type: ignore[misc]


def _account(row: Any) -> Account:
    """From a row of :data:`_ACCOUNT_COLUMNS`."""
    return Account(
        id=row.id,
        kind=AccountKind(row.kind),
        state=AccountState(row.state),
        candidate_number=CandidateNumber(row.candidate_number),
        identity=_IDENTITIES.get(row.identity),
        email=EmailAddress(row.email_display, row.email_key) if row.email_key else None,
        login=row.login,
        password_hash=row.password_hash,
        created_at=row.created_at,
        activation_deadline=row.activation_deadline,
        activated_at=row.activated_at,
        must_change_password=row.must_change_password,
        initial_password_expires_at=row.initial_password_expires_at,
        establishment_code=row.establishment_code,
        version=row.version,
    )


def _candidature_row(c: Candidature, documents: dict[str, Any]) -> dict[str, Any]:
    """The row, with the JSON documents of :func:`_candidature_documents` (encoded once per write)."""
    return {
        "id": c.id,
        "account_id": c.account_id,
        "inscription_number": c.inscription_number,
        "session_id": c.session_id,
        "academie_code": c.academie_code,
        "specialite_code": c.content.qualification.specialite_code,
        "state": c.state.name,
        "version": c.version,
        "identity": documents["identity"],
        "content": documents["content"],
        "created_at": c.created_at,
        "updated_at": c.updated_at,
    }


#: The columns every candidature read selects, the JSON documents as their text (for the parse caches).
_C = t.candidatures.c
_CANDIDATURE_COLUMNS = (
    _C.id, _C.account_id, _C.inscription_number, _C.session_id, _C.academie_code, _C.state,
    cast(_C.identity, Text).label("identity"), cast(_C.content, Text).label("content"), _C.created_at,
    _C.updated_at, _C.version,
)  # fmt: skip


def _candidature(row: Sequence[Any]) -> Candidature:
    """From a row of :data:`_CANDIDATURE_COLUMNS`."""
    id_, account_id, number, session_id, academie_code, state, identity, content, created, updated, version = row
    return Candidature(
        id=id_,
        account_id=account_id,
        inscription_number=number,
        session_id=session_id,
        academie_code=academie_code,
        state=CandidatureState[state],
        content=_CONTENTS.get(content),
        identity=_IDENTITIES.get(identity),
        created_at=created,
        updated_at=updated,
        version=version,
    )


def _candidature_documents(c: Candidature) -> dict[str, Encoded]:
    """The candidature's JSON texts, encoded once per write: the row's content and identity and the version
    snapshot (the whole candidature). The parse caches learn the written texts."""
    plain: dict[str, Any] = JSON_CONVERTER.unstructure(c)
    content, identity = Encoded(dumps(plain.pop("content"))), Encoded(dumps(plain.pop("identity")))
    _CONTENTS.put(content, c.content)
    _IDENTITIES.put(identity, c.identity)
    # The snapshot embeds the two texts just encoded instead of encoding them again: {…the other fields…, …}.
    snapshot = Encoded(f'{dumps(plain)[:-1]},"content":{content},"identity":{identity}}}')
    return {"content": content, "identity": identity, "snapshot": snapshot}


# -- repositories --------------------------------------------------------------------------------------------------


class _Repository:
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
        """One of the hot statements (:data:`_HOT`) on the driver's cursor, integrity errors translated."""
        connection = self._c
        try:
            return _HOT.get(name, connection.dialect).execute(connection, params)
        except IntegrityError as error:
            raise translate_integrity_error(error) from None

    def _fetch(self, name: str, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """One of the hot queries, its rows through the columns' result processors."""
        connection = self._c
        prepared = _HOT.get(name, connection.dialect)
        return prepared.rows(prepared.execute(connection, params))


class _Accounts(_Repository):
    def add(self, account: Account) -> None:
        self._write(insert(t.accounts), _account_row(account))

    def get(self, account_id: str) -> Account | None:
        row = self._c.execute(select(*_ACCOUNT_COLUMNS).where(t.accounts.c.id == account_id)).first()
        return _account(row) if row else None

    def get_many(self, account_ids: Collection[str]) -> Mapping[str, Account]:
        wanted = list(dict.fromkeys(account_ids))
        found: dict[str, Account] = {}
        for start in range(0, len(wanted), _IDS_PER_QUERY):
            chunk = wanted[start : start + _IDS_PER_QUERY]
            rows = self._c.execute(select(*_ACCOUNT_COLUMNS).where(t.accounts.c.id.in_(chunk)))
            found.update((row.id, _account(row)) for row in rows)
        return found

    def lock(self, account_id: str) -> Account | None:
        # SQLite renders no FOR UPDATE: its units of work already hold the writer lock (BEGIN IMMEDIATE).
        rows = self._fetch("lock_account", {"b_id": account_id})
        return _account(_AccountRow(*rows[0])) if rows else None

    def _by(self, column: Any, value: str) -> Account | None:
        row = self._c.execute(select(*_ACCOUNT_COLUMNS).where(column == value)).first()
        return _account(row) if row else None

    def find_by_email(self, email_key: str) -> Account | None:
        return self._by(t.accounts.c.email_key, email_key)

    def find_by_login(self, login: str) -> Account | None:
        return self._by(t.accounts.c.login, login)

    def find_by_candidate_number(self, number: str) -> Account | None:
        return self._by(t.accounts.c.candidate_number, number)

    def update(self, account: Account) -> None:
        statement = (
            update(t.accounts)
            .where(and_(t.accounts.c.id == account.id, t.accounts.c.version == account.version - 1))
            .values(_account_row(account))
        )
        if self._write(statement).rowcount != 1:
            raise ConcurrencyConflict()

    def remove(self, account_id: str, version: int) -> bool:
        statement = delete(t.accounts).where(and_(t.accounts.c.id == account_id, t.accounts.c.version == version))
        try:
            return bool(self._c.execute(statement).rowcount)
        except IntegrityError:  # a candidature was attached meanwhile (the foreign key decides, F5)
            raise AccountHasCandidatures() from None

    def pending_expired(self, now: datetime, limit: int) -> Sequence[str]:
        statement = (
            select(t.accounts.c.id)
            .where(and_(t.accounts.c.state == AccountState.PENDING.value, t.accounts.c.activation_deadline < now))
            .order_by(t.accounts.c.activation_deadline)
            .limit(limit)
        )
        return list(self._c.execute(statement).scalars())


def _token(row: Any) -> IssuedToken:
    return IssuedToken(
        row.digest, TokenPurpose(row.purpose), row.account_id, row.issued_at, row.expires_at, row.used_at,
        row.last_used_at,
    )  # fmt: skip


class _Tokens(_Repository):
    def add(self, token: IssuedToken) -> None:
        self._write(
            insert(t.tokens),
            {
                "digest": token.digest, "purpose": token.purpose.value, "account_id": token.account_id,
                "issued_at": token.issued_at, "expires_at": token.expires_at, "used_at": token.used_at,
                "last_used_at": token.last_used_at,
            },
        )  # fmt: skip

    def get(self, digest: str) -> IssuedToken | None:
        row = self._c.execute(select(t.tokens).where(t.tokens.c.digest == digest)).first()
        return _token(row) if row else None

    def mark_used(self, digest: str, at: datetime) -> bool:
        statement = (
            update(t.tokens).where(and_(t.tokens.c.digest == digest, t.tokens.c.used_at.is_(None))).values(used_at=at)
        )
        return bool(self._write(statement).rowcount == 1)

    def touch(self, digest: str, at: datetime) -> None:
        self._write(update(t.tokens).where(t.tokens.c.digest == digest).values(last_used_at=at))

    def revoke(self, digest: str) -> None:
        self._write(delete(t.tokens).where(t.tokens.c.digest == digest))

    def revoke_for_account(self, account_id: str, purposes: Sequence[TokenPurpose], *, keep: str | None = None) -> int:
        condition = and_(t.tokens.c.account_id == account_id, t.tokens.c.purpose.in_([p.value for p in purposes]))
        if keep is not None:
            condition = and_(condition, t.tokens.c.digest != keep)
        return int(self._write(delete(t.tokens).where(condition)).rowcount)

    def remove_expired(self, now: datetime) -> int:
        return int(self._write(delete(t.tokens).where(t.tokens.c.expires_at < now)).rowcount)


def _message(row: Any) -> OutboxMessage:
    return OutboxMessage(
        row.id, MailKind(row.kind), row.account_id, row.recipient, row.subject, row.body, row.created_at, row.sent_at,
        row.attempts, row.next_attempt_at, row.claimed_until, row.last_error, row.dead_at,
    )  # fmt: skip


class _Outbox(_Repository):
    def add(self, message: OutboxMessage) -> None:
        inserted = self._run(
            "insert_outbox",
            {
                "id": message.id, "kind": message.kind.value, "account_id": message.account_id,
                "recipient": message.recipient, "subject": message.subject, "body": message.body,
                "created_at": message.created_at, "sent_at": message.sent_at, "attempts": message.attempts,
                "next_attempt_at": message.next_attempt_at, "claimed_until": message.claimed_until,
                "last_error": message.last_error, "dead_at": message.dead_at,
            },
        )  # fmt: skip
        if inserted.rowcount != 1:
            raise ConflictError("Ce message est déjà dans la file d'envoi.")

    def claim(self, now: datetime, limit: int, lease: timedelta) -> Sequence[OutboxMessage]:
        c = t.outbox.c
        statement = (
            select(t.outbox)
            .where(
                c.sent_at.is_(None),
                c.dead_at.is_(None),
                or_(c.next_attempt_at.is_(None), c.next_attempt_at <= now),
                or_(c.claimed_until.is_(None), c.claimed_until <= now),
            )
            .order_by(c.seq)
            .limit(limit)
        )
        if self._c.dialect.name == "postgresql":
            statement = statement.with_for_update(skip_locked=True)
        rows = list(self._c.execute(statement))
        if rows:
            until = now + lease
            self._c.execute(update(t.outbox).where(c.seq.in_([r.seq for r in rows])).values(claimed_until=until))
        return [evolve(_message(row), claimed_until=now + lease) for row in rows]

    def mark_failed(self, message_id: str, next_attempt_at: datetime, error: str) -> None:
        self._write(
            update(t.outbox)
            .where(t.outbox.c.id == message_id)
            .values(
                attempts=t.outbox.c.attempts + 1, claimed_until=None, next_attempt_at=next_attempt_at, last_error=error
            )
        )

    def mark_dead(self, message_id: str, at: datetime, error: str) -> None:
        self._write(
            update(t.outbox)
            .where(t.outbox.c.id == message_id)
            .values(
                attempts=t.outbox.c.attempts + 1, claimed_until=None, dead_at=at, last_error=error, body="",
                recipient="",
            )
        )  # fmt: skip

    def failed(self, limit: int) -> Sequence[OutboxMessage]:
        c = t.outbox.c
        statement = select(t.outbox).where(c.sent_at.is_(None), c.attempts > 0).order_by(c.seq).limit(limit)
        return [_message(row) for row in self._c.execute(statement)]

    def pending(self, limit: int) -> Sequence[OutboxMessage]:
        c = t.outbox.c
        statement = select(t.outbox).where(c.sent_at.is_(None), c.dead_at.is_(None)).order_by(c.seq).limit(limit)
        return [_message(row) for row in self._c.execute(statement)]

    def mark_sent(self, message_id: str, at: datetime) -> bool:
        statement = (
            update(t.outbox)
            .where(and_(t.outbox.c.id == message_id, t.outbox.c.sent_at.is_(None)))
            .values(sent_at=at, body="", recipient="")  # the links and the address: none stays once delivered
        )
        return bool(self._write(statement).rowcount == 1)

    def discard_for_account(self, account_id: str) -> int:
        return int(self._write(delete(t.outbox).where(t.outbox.c.account_id == account_id)).rowcount)


class _Audit(_Repository):
    def append(self, record: AuditRecord) -> None:
        self._run(
            "insert_audit",
            {
                "at": record.at, "action": record.action, "actor": record.actor, "account_id": record.account_id,
                "details": [list(pair) for pair in record.details],
            },
        )  # fmt: skip

    def expire_before(self, cutoff: datetime) -> int:
        return int(self._write(delete(t.audit).where(t.audit.c.at < cutoff)).rowcount)

    def for_account(self, account_id: str) -> Sequence[AuditRecord]:
        statement = select(t.audit).where(t.audit.c.account_id == account_id).order_by(t.audit.c.seq)
        return [
            AuditRecord(row.at, row.action, row.actor, row.account_id, tuple((k, v) for k, v in row.details))
            for row in self._c.execute(statement)
        ]


# The hot path's statements (a save, a login), written once as Core and run as Prepared statements.
def _values(table: Any, *columns: str) -> dict[str, Any]:
    return {column: bindparam(column, type_=table.c[column].type) for column in columns}


_OUTBOX_COLUMNS = (
    "id", "kind", "account_id", "recipient", "subject", "body", "created_at", "sent_at", "attempts",
    "next_attempt_at", "claimed_until", "last_error", "dead_at",
)  # fmt: skip
#: A candidature's columns that an update may change; the others are fixed at creation and checked by the WHERE.
_MUTABLE = ("specialite_code", "state", "version", "identity", "content", "updated_at")
_FIXED = ("account_id", "inscription_number", "session_id", "academie_code", "created_at")
_EPREUVE_COLUMNS = ("candidature_id", "seq", "code", "option", "position", "mode")
_EPREUVES_PER_INSERT = 100  # 600 parameters: far below every driver's limit
_IDS_PER_QUERY = 500  # ids in one IN (…) list
_ARRAY_BINDS = (
    bindparam("seqs", type_=ARRAY(Integer())), bindparam("codes", type_=ARRAY(Text())),
    bindparam("options", type_=ARRAY(Text())), bindparam("positions", type_=ARRAY(String())),
    bindparam("modes", type_=ARRAY(String())),
)  # fmt: skip
_HOT = PreparedSet({
    "get_candidature": select(*_CANDIDATURE_COLUMNS).where(_C.id == bindparam("b_id")),
    "update_candidature": update(t.candidatures)
        .where(_C.id == bindparam("b_id"), _C.version == bindparam("b_version"),
               *(_C[column] == bindparam(f"b_{column}", type_=_C[column].type) for column in _FIXED))
        .values(_values(t.candidatures, *_MUTABLE)),
    "insert_version": insert(t.candidature_versions)
        .values(_values(t.candidature_versions, "candidature_id", "version", "snapshot")),
    "update_document": update(t.documents)
        .where(t.documents.c.candidature_id == bindparam("b_candidature"), t.documents.c.kind == bindparam("b_kind"))
        .values(_values(t.documents, "version", "updated_at", "published_by", "seen_at")),
    "insert_document": insert(t.documents)
        .values(_values(t.documents, "candidature_id", "kind", "version", "updated_at", "published_by", "seen_at")),
    "insert_audit": insert(t.audit).values(_values(t.audit, "at", "action", "actor", "account_id", "details")),
    # ON CONFLICT DO NOTHING: a duplicate id is reported (row count 0) without aborting the caller's transaction.
    # No RETURNING: on SQLite it tripled the statement's cost.
    "insert_outbox": {
        "sqlite": sqlite_insert(t.outbox).values(_values(t.outbox, *_OUTBOX_COLUMNS))
            .on_conflict_do_nothing(index_elements=["id"]),
        "postgresql": postgresql_insert(t.outbox).values(_values(t.outbox, *_OUTBOX_COLUMNS))
            .on_conflict_do_nothing(index_elements=["id"]),
    },
    "delete_epreuves": delete(t.candidature_epreuves).where(t.candidature_epreuves.c.candidature_id == bindparam("b_id")),
    # The whole table of épreuves in one statement: on SQLite one multi-row INSERT (prepared per row count); on
    # PostgreSQL one array per column, unnested by the server (six parameters whatever the count, so psycopg keeps
    # the statement's parsed form: it re-parses statements of more than 50 parameters on every execution).
    "insert_epreuves": lambda rows: insert(t.candidature_epreuves).values([
        {column: bindparam(f"{column}_{i}", type_=t.candidature_epreuves.c[column].type) for column in _EPREUVE_COLUMNS}
        for i in range(rows)
    ]),
    "insert_epreuves_arrays": text(
        "INSERT INTO candidature_epreuves (candidature_id, seq, code, option, position, mode) "
        "SELECT :candidature_id, * FROM unnest(:seqs, :codes, :options, :positions, :modes)"
    ).bindparams(bindparam("candidature_id", type_=String()), *_ARRAY_BINDS),
    # PostgreSQL, a modification in one statement: each part runs only if the versioned update matched its row; the
    # épreuve rows are upserted by position and the surplus deleted (disjoint rows: no conflict between the parts).
    "update_candidature_pg": text(
        "WITH upd AS ("
        " UPDATE candidatures SET specialite_code = :specialite_code, state = :state, version = :version,"
        " identity = :identity, content = :content, updated_at = :updated_at"
        " WHERE id = :b_id AND version = :b_version AND account_id = :b_account_id"
        " AND inscription_number = :b_inscription_number AND session_id = :b_session_id"
        " AND academie_code = :b_academie_code AND created_at = :b_created_at RETURNING id),"
        " ver AS (INSERT INTO candidature_versions (candidature_id, version, snapshot)"
        " SELECT id, :version, :snapshot FROM upd),"
        " surplus AS (DELETE FROM candidature_epreuves WHERE candidature_id IN (SELECT id FROM upd) AND seq >= :count),"
        " rows AS (INSERT INTO candidature_epreuves (candidature_id, seq, code, option, position, mode)"
        " SELECT upd.id, e.* FROM upd, unnest(:seqs, :codes, :options, :positions, :modes) AS e"
        " ON CONFLICT (candidature_id, seq) DO UPDATE SET code = excluded.code, option = excluded.option,"
        " position = excluded.position, mode = excluded.mode)"
        " SELECT count(*) FROM upd"
    ).bindparams(
        *(bindparam(column, type_=_C[column].type) for column in _MUTABLE),
        *(bindparam(f"b_{column}", type_=_C[column].type) for column in _FIXED),
        bindparam("b_id", type_=String()), bindparam("b_version", type_=Integer()),
        bindparam("snapshot", type_=t.candidature_versions.c.snapshot.type), bindparam("count", type_=Integer()),
        *_ARRAY_BINDS,
    ),
    "lock_account": select(*_ACCOUNT_COLUMNS).where(t.accounts.c.id == bindparam("b_id")).with_for_update(),
})  # fmt: skip


def _epreuve_rows(candidature: Candidature) -> list[tuple[int, str, str | None, str, str | None]]:
    """The current version's épreuve rows: (seq, code, option, position, mode). ``_name_`` rather than ``.name``: a
    plain attribute, not Enum's slower property (a save writes dozens)."""
    return [
        (seq, e.code, e.option, e.position._name_, e.mode._name_ if e.mode else None)
        for seq, e in enumerate(candidature.content.epreuves)
    ]


def _epreuve_arrays(candidature: Candidature) -> dict[str, Any]:
    """The épreuve rows as one array per column (PostgreSQL's ``unnest``)."""
    rows = _epreuve_rows(candidature)
    seqs, codes, options, positions, modes = (list(column) for column in zip(*rows, strict=True)) if rows else ([],) * 5
    return {"seqs": seqs, "codes": codes, "options": options, "positions": positions, "modes": modes,
            "count": len(rows)}  # fmt: skip


class _Candidatures(_Repository):
    def has_any(self, account_id: str) -> bool:
        statement = select(t.candidatures.c.id).where(t.candidatures.c.account_id == account_id).limit(1)
        return self._c.execute(statement).first() is not None

    def add(self, candidature: Candidature) -> None:
        if self._c.execute(select(t.accounts.c.id).where(t.accounts.c.id == candidature.account_id)).first() is None:
            raise AccountNotFound()
        documents = _candidature_documents(candidature)
        self._write(insert(t.candidatures), _candidature_row(candidature, documents))
        self._snapshot(candidature, documents["snapshot"])
        self._epreuves(candidature, replace=False)

    def _epreuves(self, candidature: Candidature, *, replace: bool) -> None:
        """The current version's épreuves as rows, in one batch."""
        if replace:
            self._run("delete_epreuves", {"b_id": candidature.id})
        connection = self._c
        if not candidature.content.epreuves:
            return
        if connection.dialect.name == "postgresql":
            self._run("insert_epreuves_arrays", {"candidature_id": candidature.id, **_epreuve_arrays(candidature)})
            return
        # The rows' values flattened in the statement's parameter order (row by row, columns in table order, as
        # ``_EPREUVE_COLUMNS``): plain strings and integers, handed to the driver without a mapping of 90 names.
        rows = _epreuve_rows(candidature)
        for start in range(0, len(rows), _EPREUVES_PER_INSERT):
            chunk = rows[start : start + _EPREUVES_PER_INSERT]
            values = [value for row in chunk for value in (candidature.id, *row)]
            _HOT.get("insert_epreuves", connection.dialect, len(chunk)).execute_values(connection, values)

    def _snapshot(self, candidature: Candidature, snapshot: Encoded) -> None:
        self._run(
            "insert_version", {"candidature_id": candidature.id, "version": candidature.version, "snapshot": snapshot}
        )

    def get(self, candidature_id: str) -> Candidature | None:
        rows = self._fetch("get_candidature", {"b_id": candidature_id})
        return _candidature(rows[0]) if rows else None

    def update(self, candidature: Candidature) -> None:
        documents = _candidature_documents(candidature)  # once, for the row and for the version
        row = _candidature_row(candidature, documents)
        params = {column: row[column] for column in _MUTABLE}
        params.update({f"b_{column}": row[column] for column in _FIXED})
        params.update(b_id=candidature.id, b_version=candidature.version - 1)
        if self._c.dialect.name == "postgresql":
            # One round trip: the row, its version snapshot and its épreuve rows, all conditional on the update.
            params.update(snapshot=documents["snapshot"], **_epreuve_arrays(candidature))
            if self._run("update_candidature_pg", params).fetchone()[0] != 1:
                raise ConcurrencyConflict()
            return
        if self._run("update_candidature", params).rowcount != 1:
            raise ConcurrencyConflict()
        self._snapshot(candidature, documents["snapshot"])
        self._epreuves(candidature, replace=True)

    def for_account(self, account_id: str) -> Sequence[Candidature]:
        statement = (
            select(*_CANDIDATURE_COLUMNS)
            .where(t.candidatures.c.account_id == account_id)
            .order_by(t.candidatures.c.inscription_number)
        )
        return [_candidature(row) for row in self._c.execute(statement)]

    def next_inscription_number(self, account_id: str) -> str:
        statement = select(func.max(t.candidatures.c.inscription_number)).where(
            t.candidatures.c.account_id == account_id
        )
        highest = self._c.execute(statement).scalar()
        return f"{int(highest or 0) + 1:03d}"

    def history(self, candidature_id: str) -> Sequence[Candidature]:
        statement = (
            select(t.candidature_versions.c.snapshot)
            .where(t.candidature_versions.c.candidature_id == candidature_id)
            .order_by(t.candidature_versions.c.version)
        )
        return [JSON_CONVERTER.structure(s, Candidature) for s in self._c.execute(statement).scalars()]

    def search(
        self,
        *,
        academie_codes: Sequence[str],
        session_id: str | None = None,
        specialite_code: str | None = None,
        state: CandidatureState | None = None,
        after: ListPosition | None = None,
        limit: int | None = None,
    ) -> Sequence[Candidature]:
        if limit is not None and limit < 0:
            raise ValueError(f"limit must be ≥ 0, not {limit}")
        c = t.candidatures.c
        statement = select(*_CANDIDATURE_COLUMNS).where(c.academie_code.in_(list(academie_codes)))
        if session_id is not None:
            statement = statement.where(c.session_id == session_id)
        if specialite_code is not None:
            statement = statement.where(c.specialite_code == specialite_code)
        if state is not None:
            statement = statement.where(c.state == state.name)
        key = (c.session_id, c.academie_code, c.created_at, c.id)
        if after is not None:
            # A row-value comparison (SQLite ≥ 3.15, PostgreSQL): the rows strictly after the last one of a page.
            bound = (after.session_id, after.academie_code, after.created_at, after.candidature_id)
            typed = (literal(value, column.type) for value, column in zip(bound, key, strict=True))
            statement = statement.where(tuple_(*key) > tuple_(*typed))
        statement = statement.order_by(*key).limit(limit)
        return [_candidature(row) for row in self._c.execute(statement)]

    def epreuve_counts(self, *, session_id: str, academie_codes: Sequence[str]) -> Sequence[EpreuveCount]:
        e, c = t.candidature_epreuves.c, t.candidatures.c
        statement = (
            select(e.code, e.option, e.position, e.mode, func.count())
            .select_from(t.candidature_epreuves.join(t.candidatures, e.candidature_id == c.id))
            .where(c.session_id == session_id, c.academie_code.in_(list(academie_codes)),
                   c.state == CandidatureState.ACTIVE.name)
            .group_by(e.code, e.option, e.position, e.mode)
        )  # fmt: skip
        found = (
            EpreuveCount(code, option, Position[position], EvaluationMode[mode] if mode else None, count)
            for code, option, position, mode, count in self._c.execute(statement)
        )
        return tuple(sorted(found, key=lambda count: count.key))


class _Documents(_Repository):
    def publish(self, document: PublishedDocument) -> None:
        values = {
            "version": document.version, "updated_at": document.updated_at,
            "published_by": document.published_by, "seen_at": document.seen_at,
        }  # fmt: skip
        key = {"b_candidature": document.candidature_id, "b_kind": document.kind.name}
        if self._run("update_document", {**values, **key}).rowcount == 0:
            self._run("insert_document", {"candidature_id": document.candidature_id, "kind": document.kind.name,
                                          **values})  # fmt: skip

    def _document(self, row: Any) -> PublishedDocument:
        return PublishedDocument(
            row.candidature_id, DocumentKind[row.kind], row.version, row.updated_at, row.published_by, row.seen_at
        )

    def get(self, candidature_id: str, kind: DocumentKind) -> PublishedDocument | None:
        key = and_(t.documents.c.candidature_id == candidature_id, t.documents.c.kind == kind.name)
        row = self._c.execute(select(t.documents).where(key)).first()
        return self._document(row) if row else None

    def for_candidature(self, candidature_id: str) -> Sequence[PublishedDocument]:
        statement = (
            select(t.documents)
            .where(t.documents.c.candidature_id == candidature_id)
            .order_by(t.documents.c.updated_at, t.documents.c.kind)
        )
        return [self._document(row) for row in self._c.execute(statement)]


class _Pieces(_Repository):
    def add(self, piece: Piece) -> None:
        seq = self._c.execute(
            select(func.count()).select_from(t.pieces).where(t.pieces.c.candidature_id == piece.candidature_id)
        ).scalar_one()
        try:
            self._c.execute(
                insert(t.pieces),
                {
                    "candidature_id": piece.candidature_id, "code": piece.code, "seq": seq,
                    "data": JSON_CONVERTER.unstructure(piece), "version": piece.version,
                },
            )  # fmt: skip
        except IntegrityError:
            raise ConflictError("Cette pièce est déjà demandée pour cette candidature.") from None

    def _key(self, candidature_id: str, code: str) -> Any:
        return and_(t.pieces.c.candidature_id == candidature_id, t.pieces.c.code == code)

    def get(self, candidature_id: str, code: str) -> Piece | None:
        data = self._c.execute(select(t.pieces.c.data).where(self._key(candidature_id, code))).scalar()
        return JSON_CONVERTER.structure(data, Piece) if data is not None else None

    def for_candidature(self, candidature_id: str) -> Sequence[Piece]:
        statement = select(t.pieces.c.data).where(t.pieces.c.candidature_id == candidature_id).order_by(t.pieces.c.seq)
        return [JSON_CONVERTER.structure(data, Piece) for data in self._c.execute(statement).scalars()]

    def update(self, piece: Piece) -> None:
        statement = (
            update(t.pieces)
            .where(and_(self._key(piece.candidature_id, piece.code), t.pieces.c.version == piece.version - 1))
            .values(data=JSON_CONVERTER.unstructure(piece), version=piece.version)
        )
        if self._write(statement).rowcount != 1:
            raise ConcurrencyConflict()

    def remove(self, candidature_id: str, code: str) -> bool:
        return bool(self._write(delete(t.pieces).where(self._key(candidature_id, code))).rowcount)

    def due(self, after: datetime, before: datetime) -> Sequence[Piece]:
        """A scan of the pièces' documents (reminders run a few times a day); a deadline column would index it."""
        pieces = (JSON_CONVERTER.structure(d, Piece) for d in self._c.execute(select(t.pieces.c.data)).scalars())
        return [p for p in pieces if p.missing and after < p.period.end <= before]


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
