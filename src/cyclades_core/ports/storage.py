"""Storage ports. Every repository is reached through a :class:`UnitOfWork`, which is atomic: what a use case
writes inside one unit of work is committed together or not at all, and it rolls back unless ``commit()`` is called.

Adapters must pass the contract suites of :mod:`cyclades_core.testing.contracts`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import datetime, timedelta
from types import TracebackType
from typing import Protocol, Self

from cyclades_core.model.account import Account
from cyclades_core.model.audit import AuditRecord
from cyclades_core.model.candidature import Candidature, CandidatureState, EpreuveCount, ListPosition
from cyclades_core.model.documents import DocumentKind, PublishedDocument
from cyclades_core.model.mail import OutboxMessage
from cyclades_core.model.managers import ManagerAccount, ManagerSessionToken
from cyclades_core.model.pieces import Piece
from cyclades_core.model.tokens import IssuedToken, TokenPurpose

__all__ = [
    "AccountRepository",
    "AuditLog",
    "CandidatureIndex",
    "CandidatureRepository",
    "DocumentRepository",
    "ManagerRepository",
    "Outbox",
    "PieceRepository",
    "TokenStore",
    "UnitOfWork",
    "UnitOfWorkFactory",
]


class AccountRepository(Protocol):
    def add(self, account: Account) -> None:
        """Insert a new account.

        Raises :class:`~cyclades_core.errors.EmailAlreadyUsed` when another account has the same email key, and
        :class:`~cyclades_core.errors.DuplicateAccount` when the id, the Cyclades login or the candidate number is
        taken. Uniqueness is the storage's own (a unique index, a lock), never a prior read.
        """
        ...

    def get(self, account_id: str) -> Account | None:
        """The account, or ``None``."""
        ...

    def get_many(self, account_ids: Collection[str]) -> Mapping[str, Account]:
        """The accounts among ``account_ids`` that exist, by id (unknown ids are left out): one read for a page of
        the managing service's list, however many ids (an adapter splits a long list itself)."""
        ...

    def lock(self, account_id: str) -> Account | None:
        """Read the account and hold it against concurrent writers until the unit of work ends (``SELECT … FOR
        UPDATE``). A use case whose decision depends on other rows of the account (its first candidature freezes
        its identity) locks it first, so the decisions of two units of work on one account are serialised."""
        ...

    def find_by_email(self, email_key: str) -> Account | None:
        """Lookup by :func:`~cyclades_core.model.values.email_key` (case-insensitive, normalised)."""
        ...

    def find_by_login(self, login: str) -> Account | None:
        """Lookup by Cyclades login (lower case, ``nom.prenomX``)."""
        ...

    def find_by_candidate_number(self, number: str) -> Account | None:
        """Lookup by the 11-digit candidate number."""
        ...

    def update(self, account: Account) -> None:
        """Store ``account``, whose ``version`` must be exactly the stored version + 1.

        Raises :class:`~cyclades_core.errors.ConcurrencyConflict` when the stored version differs (someone else
        wrote first) or the account is gone, and :class:`~cyclades_core.errors.EmailAlreadyUsed` when the new email
        belongs to another account.
        """
        ...

    def remove(self, account_id: str, version: int) -> bool:
        """Erase the account's row if its stored version is still ``version`` (the one the caller read and checked).

        Returns whether it erased it: ``False`` when the account is gone or was changed meanwhile (an activation
        racing a purge wins). The caller that gets ``True`` did the erasure."""
        ...

    def pending_expired(self, now: datetime, limit: int) -> Sequence[str]:
        """Ids of at most ``limit`` accounts still pending whose activation deadline is before ``now``."""
        ...


class TokenStore(Protocol):
    """Digests of single-use links and sessions, bound to a purpose and an account."""

    def add(self, token: IssuedToken) -> None:
        """Store a new token. Digests are unique."""
        ...

    def get(self, digest: str) -> IssuedToken | None:
        """Read without consuming (B5): calling it any number of times changes nothing."""
        ...

    def mark_used(self, digest: str, at: datetime) -> bool:
        """Claim a single-use token by the write: returns ``True`` for the one caller that marks it used, ``False``
        when it was already used or does not exist."""
        ...

    def touch(self, digest: str, at: datetime) -> None:
        """Record the last use of a session (idle timeout)."""
        ...

    def revoke(self, digest: str) -> None:
        """Delete one token; no error when absent."""
        ...

    def revoke_for_account(self, account_id: str, purposes: Sequence[TokenPurpose], *, keep: str | None = None) -> int:
        """Delete the account's tokens of the given purposes, except the digest ``keep``. Returns how many."""
        ...

    def remove_expired(self, now: datetime) -> int:
        """Delete tokens whose absolute expiry is before ``now``. Returns how many."""
        ...


class Outbox(Protocol):
    """Mails written in the same unit of work as the change that causes them (transactional outbox, J1)."""

    def add(self, message: OutboxMessage) -> None:
        """Queue a message; :class:`~cyclades_core.errors.ConflictError` when its id is already there (a
        deterministic id makes a mail "never twice")."""
        ...

    def claim(self, now: datetime, limit: int, lease: timedelta) -> Sequence[OutboxMessage]:
        """Take at most ``limit`` unsent messages that are due (``next_attempt_at`` passed), not leased and not dead,
        oldest first, and lease them until ``now + lease``: concurrent relays never take the same message (J3). The
        lease must cover the sending of the whole batch (the relay sizes it from its mailer's timeout): a message
        whose lease ran out may be claimed, and sent, by another relay."""
        ...

    def mark_failed(self, message_id: str, next_attempt_at: datetime, error: str) -> None:
        """Record a failed delivery: one more attempt, no lease, not before ``next_attempt_at``, ``error`` as
        ``last_error`` (short, technical, no personal data)."""
        ...

    def mark_dead(self, message_id: str, at: datetime, error: str) -> None:
        """Give up a message (a dead letter): one more attempt, no lease, ``dead_at=at``, ``error`` as
        ``last_error``; its body and recipient are erased (nothing will be sent). No relay claims it again."""
        ...

    def failed(self, limit: int) -> Sequence[OutboxMessage]:
        """Unsent messages with at least one failed attempt, dead letters included, oldest first (the operator's
        ``cyclades outbox failed``)."""
        ...

    def pending(self, limit: int) -> Sequence[OutboxMessage]:
        """Unsent messages that are not dead letters, oldest first."""
        ...

    def mark_sent(self, message_id: str, at: datetime) -> bool:
        """Record the delivery and forget the body, which held the mail's live links (activation, reset), and the
        recipient: once delivered, no copy of them stays in the store (L1). Returns ``False`` when the message is
        unknown or was already marked."""
        ...

    def discard_for_account(self, account_id: str) -> int:
        """Drop every message of the account, unsent, sent or dead (erasure, B7/F6): nothing tied to an erased
        account stays. Returns how many."""
        ...


class AuditLog(Protocol):
    """Append-only: no record is ever updated or deleted one by one (I3); only the retention purge removes the
    records older than the retention period (I4)."""

    def append(self, record: AuditRecord) -> None: ...

    def expire_before(self, cutoff: datetime) -> int:
        """Remove every record older than ``cutoff`` (retention, I4). Returns how many."""
        ...

    def for_account(self, account_id: str) -> Sequence[AuditRecord]:
        """The account's records, oldest first."""
        ...


class CandidatureIndex(Protocol):
    """What the account lifecycle needs to know of candidatures (ACC-11, ACC-12, CAN-11).

    Read inside the same unit of work as the account change, so the answer cannot go stale before the commit.
    """

    def has_any(self, account_id: str) -> bool:
        """Whether at least one candidature is attached to the account, withdrawn ones included (F4)."""
        ...


class CandidatureRepository(CandidatureIndex, Protocol):
    """Saved candidatures and their versions."""

    def add(self, candidature: Candidature) -> None:
        """Insert a new candidature (version 1).

        Raises :class:`~cyclades_core.errors.AccountNotFound` when its account does not exist (no orphan, F5) and
        :class:`~cyclades_core.errors.ConflictError` when the account already has that inscription number.
        """
        ...

    def get(self, candidature_id: str) -> Candidature | None: ...

    def update(self, candidature: Candidature) -> None:
        """Store the next version: ``candidature.version`` must be the stored version + 1, else
        :class:`~cyclades_core.errors.ConcurrencyConflict` and nothing changes. Every stored version is kept.

        Account, inscription number, session, académie and creation time are fixed at creation: an update that
        changes one of them is refused the same way."""
        ...

    def for_account(self, account_id: str) -> Sequence[Candidature]:
        """Every candidature of the account, whatever its state, by inscription number."""
        ...

    def next_inscription_number(self, account_id: str) -> str:
        """``001`` for the first candidature of the account, then ``002``… (one more than the highest)."""
        ...

    def history(self, candidature_id: str) -> Sequence[Candidature]:
        """Every saved version, oldest first."""
        ...

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
        """The managing service's list (MGR-05): candidatures of these académies matching every given filter,
        ordered by :class:`~cyclades_core.model.candidature.ListPosition` (session, académie, creation instant, id);
        with ``after``, only those strictly after it; at most ``limit`` (≥ 0) of them, all when ``None``.

        Session and académie codes compare as the storage compares text: by code point in memory and on SQLite, by
        the database's collation on PostgreSQL (the same as Python's order under the ``C`` collation). Pages never
        skip nor repeat a candidature either way: the order and ``after`` use the same comparison."""
        ...

    def epreuve_counts(self, *, session_id: str, academie_codes: Sequence[str]) -> Sequence[EpreuveCount]:
        """Effectifs par épreuve of the session's active candidatures in these académies: one
        :class:`~cyclades_core.model.candidature.EpreuveCount` per (épreuve, option, position, mode) held, in
        :attr:`~cyclades_core.model.candidature.EpreuveCount.key` order — exactly
        :func:`~cyclades_core.model.candidature.count_epreuves` of those candidatures."""
        ...


class DocumentRepository(Protocol):
    def publish(self, document: PublishedDocument) -> None:
        """Store ``document`` as the latest of its kind on its candidature (replacing the previous one)."""
        ...

    def get(self, candidature_id: str, kind: DocumentKind) -> PublishedDocument | None: ...

    def for_candidature(self, candidature_id: str) -> Sequence[PublishedDocument]:
        """The candidature's documents, in publication order. A stored row of a kind :class:`DocumentKind` no longer
        has (0.1's convocation, relevé de notes, notification) is left out, not an error."""
        ...


class PieceRepository(Protocol):
    """The pièces justificatives of candidatures, one per (candidature, code)."""

    def add(self, piece: Piece) -> None:
        """Insert; :class:`~cyclades_core.errors.ConflictError` when the candidature already has that code."""
        ...

    def get(self, candidature_id: str, code: str) -> Piece | None: ...

    def for_candidature(self, candidature_id: str) -> Sequence[Piece]:
        """The candidature's pièces, in the order they were added."""
        ...

    def update(self, piece: Piece) -> None:
        """``piece.version`` must be the stored version + 1, else ConcurrencyConflict (H9)."""
        ...

    def remove(self, candidature_id: str, code: str) -> bool: ...

    def due(self, after: datetime, before: datetime) -> Sequence[Piece]:
        """Online pièces still missing (no file, or sent back Non conforme) whose deadline falls in
        ``(after, before]``: what reminders are about."""
        ...


class ManagerRepository(Protocol):
    """The managing service's accounts (back office), keyed by login, and their sessions (only a digest of each token
    is stored, apart from the candidates' tokens: one never finds the other)."""

    def add(self, manager: ManagerAccount) -> None:
        """Insert a new manager (version 1). Raises :class:`~cyclades_core.errors.ManagerLoginTaken` when the login
        is taken, disabled managers included; uniqueness is the storage's own (a unique key), never a prior read."""
        ...

    def get(self, login: str) -> ManagerAccount | None:
        """The manager, or ``None``. ``login`` is compared exactly (the use cases pass the stored lower-case form)."""
        ...

    def all(self) -> Sequence[ManagerAccount]:
        """Every manager, disabled ones included, by login."""
        ...

    def update(self, manager: ManagerAccount) -> None:
        """Store ``manager``, whose ``version`` must be exactly the stored version + 1; else (or when it is gone)
        :class:`~cyclades_core.errors.ConcurrencyConflict` and nothing changes. The login never changes."""
        ...

    def add_session(self, session: ManagerSessionToken) -> None:
        """Store a new session of an existing manager. Digests are unique
        (:class:`~cyclades_core.errors.ConflictError`)."""
        ...

    def get_session(self, digest: str) -> ManagerSessionToken | None:
        """The session, or ``None``; reading changes nothing."""
        ...

    def touch_session(self, digest: str, at: datetime) -> None:
        """Record the session's last use (idle timeout); nothing when it is gone."""
        ...

    def revoke_session(self, digest: str) -> None:
        """Delete one session; no error when absent."""
        ...

    def revoke_sessions(self, login: str) -> int:
        """Delete every session of the manager. Returns how many."""
        ...

    def remove_expired_sessions(self, now: datetime) -> int:
        """Delete the sessions whose absolute expiry is before ``now``. Returns how many."""
        ...


class UnitOfWork(Protocol):
    """One atomic transaction over every repository.

    Use as a context manager; leaving the block without ``commit()`` (normally or by an exception) rolls back
    everything written inside it. A unit of work is used once.
    """

    @property
    def accounts(self) -> AccountRepository: ...

    @property
    def tokens(self) -> TokenStore: ...

    @property
    def outbox(self) -> Outbox: ...

    @property
    def audit(self) -> AuditLog: ...

    @property
    def candidatures(self) -> CandidatureRepository: ...

    @property
    def documents(self) -> DocumentRepository: ...

    @property
    def pieces(self) -> PieceRepository: ...

    @property
    def managers(self) -> ManagerRepository: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None:
        """Make every write of this unit of work durable and visible, atomically."""
        ...

    def rollback(self) -> None:
        """Forget every write of this unit of work."""
        ...


UnitOfWorkFactory = Callable[[], UnitOfWork]
