"""The account repository of the SQL storage (``uow.accounts``) and its row mapper."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Text, and_, bindparam, cast, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from cyclades_adapters.sql import schema as t
from cyclades_adapters.sql._common import IDENTITIES, JSON_CONVERTER, Repository
from cyclades_adapters.sql.prepared import PreparedSet
from cyclades_core.errors import AccountHasCandidatures, ConcurrencyConflict
from cyclades_core.model.account import Account, AccountKind, AccountState
from cyclades_core.model.values import CandidateNumber, EmailAddress

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
        identity=IDENTITIES.get(row.identity),
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


_IDS_PER_QUERY = 500  # ids in one IN (…) list
_HOT = PreparedSet({
    "lock_account": select(*_ACCOUNT_COLUMNS).where(t.accounts.c.id == bindparam("b_id")).with_for_update(),
})  # fmt: skip


class _Accounts(Repository):
    statements = _HOT

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
