"""The token store of the SQL storage (``uow.tokens``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, insert, select, update

from cyclades_adapters.sql import schema as t
from cyclades_adapters.sql._common import Repository
from cyclades_core.model.tokens import IssuedToken, TokenPurpose


def _token(row: Any) -> IssuedToken:
    return IssuedToken(
        row.digest, TokenPurpose(row.purpose), row.account_id, row.issued_at, row.expires_at, row.used_at,
        row.last_used_at,
    )  # fmt: skip


class _Tokens(Repository):
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
