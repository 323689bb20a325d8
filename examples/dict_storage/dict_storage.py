"""A storage adapter written outside cyclades, against its public ports only (``docs/writing-an-adapter.md``).

Every table is a plain ``dict``. A unit of work holds the database's lock for its whole life (transactions are
serialisable), writes into shallow copies of the tables (a snapshot: the domain objects are frozen), and ``commit()``
swaps the copies in whole; leaving the block without it drops them. Uniqueness and versions are checked on write.
It is short rather than fast (every read scans a table): it shows the contract, not an index design.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any, Self

from attrs import evolve

from cyclades_core.errors import (
    AccountNotFound,
    ConcurrencyConflict,
    ConflictError,
    DuplicateAccount,
    EmailAlreadyUsed,
    ManagerLoginTaken,
)
from cyclades_core.model.account import Account, AccountState
from cyclades_core.model.audit import AuditRecord
from cyclades_core.model.candidature import (
    Candidature,
    CandidatureState,
    EpreuveCount,
    ListPosition,
    count_epreuves,
)
from cyclades_core.model.documents import DocumentKind, PublishedDocument
from cyclades_core.model.mail import OutboxMessage
from cyclades_core.model.managers import ManagerAccount, ManagerSessionToken
from cyclades_core.model.pieces import Piece
from cyclades_core.model.tokens import IssuedToken, TokenPurpose

TABLES = (
    "accounts", "tokens", "outbox", "audit", "candidatures", "versions", "documents", "pieces", "managers",
    "manager_sessions",
)  # fmt: skip


class DictDatabase:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.owner: int | None = None
        self.tables: dict[str, dict[Any, Any]] = {name: {} for name in TABLES}

    def unit_of_work(self) -> DictUnitOfWork:
        """The ``UnitOfWorkFactory`` to hand to ``build_portal(uow=…)``."""
        return DictUnitOfWork(self)


class DictUnitOfWork:
    def __init__(self, db: DictDatabase) -> None:
        self.db, self.t = db, {name: dict(rows) for name, rows in db.tables.items()}
        self.accounts, self.tokens, self.outbox = _Accounts(self), _Tokens(self), _Outbox(self)
        self.audit, self.candidatures = _Audit(self), _Candidatures(self)
        self.documents, self.pieces = _Documents(self), _Pieces(self)
        self.managers = _Managers(self)

    def __enter__(self) -> Self:
        if self.db.owner == threading.get_ident():
            raise RuntimeError("nested unit of work in one thread")
        self.db.lock.acquire()
        self.db.owner = threading.get_ident()
        self.rollback()  # the snapshot of what is committed now
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.db.owner = None
        self.db.lock.release()

    def commit(self) -> None:
        self.db.tables = self.t
        self.rollback()  # later writes in the block belong to a new transaction

    def rollback(self) -> None:
        self.t = {name: dict(rows) for name, rows in self.db.tables.items()}


class _Repository:
    def __init__(self, uow: DictUnitOfWork) -> None:
        self.uow = uow

    def rows(self, table: str) -> dict[Any, Any]:
        return self.uow.t[table]


class _Accounts(_Repository):
    def _check_unique(self, account: Account) -> None:
        for other in self.rows("accounts").values():
            if other.id == account.id:
                continue
            if account.email is not None and other.email is not None and other.email.key == account.email.key:
                raise EmailAlreadyUsed()
            if (account.login is not None and other.login == account.login) or (
                other.candidate_number == account.candidate_number
            ):
                raise DuplicateAccount()

    def add(self, account: Account) -> None:
        if account.id in self.rows("accounts"):
            raise DuplicateAccount()
        self._check_unique(account)
        self.rows("accounts")[account.id] = account

    def get(self, account_id: str) -> Account | None:
        return self.rows("accounts").get(account_id)

    def get_many(self, account_ids: Collection[str]) -> Mapping[str, Account]:
        return {i: self.rows("accounts")[i] for i in account_ids if i in self.rows("accounts")}

    def lock(self, account_id: str) -> Account | None:
        return self.get(account_id)  # units of work are serialised already

    def find_by_email(self, email_key: str) -> Account | None:
        return next((a for a in self.rows("accounts").values() if a.email and a.email.key == email_key), None)

    def find_by_login(self, login: str) -> Account | None:
        return next((a for a in self.rows("accounts").values() if a.login == login), None)

    def find_by_candidate_number(self, number: str) -> Account | None:
        return next((a for a in self.rows("accounts").values() if str(a.candidate_number) == number), None)

    def update(self, account: Account) -> None:
        stored = self.get(account.id)
        if stored is None or stored.version != account.version - 1:
            raise ConcurrencyConflict()
        self._check_unique(account)
        self.rows("accounts")[account.id] = account

    def remove(self, account_id: str, version: int) -> bool:
        stored = self.get(account_id)
        if stored is None or stored.version != version:
            return False
        del self.rows("accounts")[account_id]
        return True

    def pending_expired(self, now: datetime, limit: int) -> Sequence[str]:
        return [
            a.id
            for a in self.rows("accounts").values()
            if a.state is AccountState.PENDING and a.activation_deadline is not None and a.activation_deadline < now
        ][:limit]


def _drop(rows: dict[Any, Any], doomed: list[Any]) -> int:
    for key in doomed:
        del rows[key]
    return len(doomed)


class _Tokens(_Repository):
    def add(self, token: IssuedToken) -> None:
        if token.digest in self.rows("tokens"):
            raise DuplicateAccount("Jeton déjà émis.")
        self.rows("tokens")[token.digest] = token

    def get(self, digest: str) -> IssuedToken | None:
        return self.rows("tokens").get(digest)

    def mark_used(self, digest: str, at: datetime) -> bool:
        token = self.get(digest)
        if token is None or token.used_at is not None:
            return False
        self.rows("tokens")[digest] = evolve(token, used_at=at)
        return True

    def touch(self, digest: str, at: datetime) -> None:
        if (token := self.get(digest)) is not None:
            self.rows("tokens")[digest] = evolve(token, last_used_at=at)

    def revoke(self, digest: str) -> None:
        self.rows("tokens").pop(digest, None)

    def revoke_for_account(self, account_id: str, purposes: Sequence[TokenPurpose], *, keep: str | None = None) -> int:
        rows = self.rows("tokens")
        return _drop(
            rows, [d for d, t in rows.items() if t.account_id == account_id and t.purpose in purposes and d != keep]
        )

    def remove_expired(self, now: datetime) -> int:
        rows = self.rows("tokens")
        return _drop(rows, [d for d, t in rows.items() if t.expires_at < now])


class _Outbox(_Repository):
    def _set(self, message_id: str, **changes: Any) -> None:
        if (message := self.rows("outbox").get(message_id)) is not None:
            self.rows("outbox")[message_id] = evolve(message, **changes)

    def add(self, message: OutboxMessage) -> None:
        if message.id in self.rows("outbox"):
            raise ConflictError("Ce message est déjà dans la file d'envoi.")
        self.rows("outbox")[message.id] = message

    def claim(self, now: datetime, limit: int, lease: timedelta) -> Sequence[OutboxMessage]:
        due = [
            m
            for m in self.rows("outbox").values()
            if m.sent_at is None and m.dead_at is None and (m.next_attempt_at or now) <= now
            and (m.claimed_until or now) <= now
        ][:limit]  # fmt: skip
        for message in due:
            self._set(message.id, claimed_until=now + lease)
        return [self.rows("outbox")[m.id] for m in due]

    def _attempted(self, message_id: str, **changes: Any) -> None:
        if (message := self.rows("outbox").get(message_id)) is not None:
            self._set(message_id, attempts=message.attempts + 1, claimed_until=None, **changes)

    def mark_failed(self, message_id: str, next_attempt_at: datetime, error: str) -> None:
        self._attempted(message_id, next_attempt_at=next_attempt_at, last_error=error)

    def mark_dead(self, message_id: str, at: datetime, error: str) -> None:
        self._attempted(message_id, dead_at=at, last_error=error, body="", recipient="")  # nothing will be sent

    def failed(self, limit: int) -> Sequence[OutboxMessage]:
        return [m for m in self.rows("outbox").values() if m.sent_at is None and m.attempts > 0][:limit]

    def pending(self, limit: int) -> Sequence[OutboxMessage]:
        return [m for m in self.rows("outbox").values() if m.sent_at is None and m.dead_at is None][:limit]

    def mark_sent(self, message_id: str, at: datetime) -> bool:
        message = self.rows("outbox").get(message_id)
        if message is None or message.sent_at is not None:
            return False
        self._set(message_id, sent_at=at, body="", recipient="")  # the links and the address go (L1)
        return True

    def discard_for_account(self, account_id: str) -> int:
        rows = self.rows("outbox")
        return _drop(rows, [i for i, m in rows.items() if m.account_id == account_id])


class _Audit(_Repository):
    def append(self, record: AuditRecord) -> None:
        self.rows("audit")[max(self.rows("audit"), default=-1) + 1] = record

    def expire_before(self, cutoff: datetime) -> int:
        rows = self.rows("audit")
        return _drop(rows, [k for k, r in rows.items() if r.at < cutoff])

    def for_account(self, account_id: str) -> Sequence[AuditRecord]:
        return [r for r in self.rows("audit").values() if r.account_id == account_id]


def _fixed(c: Candidature) -> tuple[object, ...]:
    return (c.account_id, c.inscription_number, c.session_id, c.academie_code, c.created_at)


class _Candidatures(_Repository):
    def has_any(self, account_id: str) -> bool:
        return bool(self.for_account(account_id))

    def add(self, candidature: Candidature) -> None:
        if candidature.account_id not in self.rows("accounts"):
            raise AccountNotFound()  # no orphan (F5)
        if candidature.id in self.rows("candidatures") or any(
            _fixed(c)[:2] == _fixed(candidature)[:2] for c in self.rows("candidatures").values()
        ):
            raise ConflictError("Ce numéro d'inscription est déjà attribué pour ce candidat.")
        self._save(candidature)

    def _save(self, candidature: Candidature) -> None:
        self.rows("candidatures")[candidature.id] = candidature
        self.rows("versions")[(candidature.id, candidature.version)] = candidature

    def get(self, candidature_id: str) -> Candidature | None:
        return self.rows("candidatures").get(candidature_id)

    def update(self, candidature: Candidature) -> None:
        stored = self.get(candidature.id)
        if stored is None or stored.version != candidature.version - 1 or _fixed(stored) != _fixed(candidature):
            raise ConcurrencyConflict()
        self._save(candidature)

    def for_account(self, account_id: str) -> Sequence[Candidature]:
        mine = [c for c in self.rows("candidatures").values() if c.account_id == account_id]
        return sorted(mine, key=lambda c: c.inscription_number)

    def next_inscription_number(self, account_id: str) -> str:
        numbers = [int(c.inscription_number) for c in self.for_account(account_id)]
        return f"{max(numbers, default=0) + 1:03d}"

    def history(self, candidature_id: str) -> Sequence[Candidature]:
        return sorted(
            (c for (i, _), c in self.rows("versions").items() if i == candidature_id), key=lambda c: c.version
        )

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
        found = [
            c
            for c in self.rows("candidatures").values()
            if c.academie_code in academie_codes
            and session_id in (None, c.session_id)
            and specialite_code in (None, c.content.qualification.specialite_code)
            and state in (None, c.state)
            and (after is None or ListPosition.of(c) > after)
        ]
        return sorted(found, key=ListPosition.of)[:limit]

    def epreuve_counts(self, *, session_id: str, academie_codes: Sequence[str]) -> Sequence[EpreuveCount]:
        active = self.search(academie_codes=academie_codes, session_id=session_id, state=CandidatureState.ACTIVE)
        return count_epreuves(active)


class _Documents(_Repository):
    def publish(self, document: PublishedDocument) -> None:
        self.rows("documents")[(document.candidature_id, document.kind.name)] = document

    def get(self, candidature_id: str, kind: DocumentKind) -> PublishedDocument | None:
        return self.rows("documents").get((candidature_id, kind.name))

    def for_candidature(self, candidature_id: str) -> Sequence[PublishedDocument]:
        found = [d for (cid, _), d in self.rows("documents").items() if cid == candidature_id]
        return sorted(found, key=lambda d: (d.updated_at, d.kind.name))


class _Pieces(_Repository):
    def add(self, piece: Piece) -> None:
        if (piece.candidature_id, piece.code) in self.rows("pieces"):
            raise ConflictError("Cette pièce est déjà demandée pour cette candidature.")
        self.rows("pieces")[(piece.candidature_id, piece.code)] = piece

    def get(self, candidature_id: str, code: str) -> Piece | None:
        return self.rows("pieces").get((candidature_id, code))

    def for_candidature(self, candidature_id: str) -> Sequence[Piece]:
        return [p for (cid, _), p in self.rows("pieces").items() if cid == candidature_id]

    def update(self, piece: Piece) -> None:
        stored = self.get(piece.candidature_id, piece.code)
        if stored is None or stored.version != piece.version - 1:
            raise ConcurrencyConflict()
        self.rows("pieces")[(piece.candidature_id, piece.code)] = piece

    def remove(self, candidature_id: str, code: str) -> bool:
        return self.rows("pieces").pop((candidature_id, code), None) is not None

    def due(self, after: datetime, before: datetime) -> Sequence[Piece]:
        return [p for p in self.rows("pieces").values() if p.missing and after < p.period.end <= before]


class _Managers(_Repository):
    def add(self, manager: ManagerAccount) -> None:
        if manager.login in self.rows("managers"):
            raise ManagerLoginTaken()
        self.rows("managers")[manager.login] = manager

    def get(self, login: str) -> ManagerAccount | None:
        return self.rows("managers").get(login)

    def all(self) -> Sequence[ManagerAccount]:
        return sorted(self.rows("managers").values(), key=lambda m: m.login)

    def update(self, manager: ManagerAccount) -> None:
        stored = self.get(manager.login)
        if stored is None or stored.version != manager.version - 1:
            raise ConcurrencyConflict()
        self.rows("managers")[manager.login] = manager

    def add_session(self, session: ManagerSessionToken) -> None:
        if session.login not in self.rows("managers") or session.digest in self.rows("manager_sessions"):
            raise ConflictError()
        self.rows("manager_sessions")[session.digest] = session

    def get_session(self, digest: str) -> ManagerSessionToken | None:
        return self.rows("manager_sessions").get(digest)

    def touch_session(self, digest: str, at: datetime) -> None:
        if (session := self.get_session(digest)) is not None:
            self.rows("manager_sessions")[digest] = evolve(session, last_used_at=at)

    def revoke_session(self, digest: str) -> None:
        self.rows("manager_sessions").pop(digest, None)

    def revoke_sessions(self, login: str) -> int:
        rows = self.rows("manager_sessions")
        return _drop(rows, [d for d, s in rows.items() if s.login == login])

    def remove_expired_sessions(self, now: datetime) -> int:
        rows = self.rows("manager_sessions")
        return _drop(rows, [d for d, s in rows.items() if s.expires_at < now])
