"""The managing service's accounts and their sessions in the SQL storage (``uow.managers``), with their mappers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from cyclades_adapters.sql import schema as t
from cyclades_adapters.sql._common import Repository
from cyclades_core.errors import ConcurrencyConflict, ConflictError, ManagerLoginTaken
from cyclades_core.model.managers import ManagerAccount, ManagerSessionToken


def _manager_row(manager: ManagerAccount) -> dict[str, Any]:
    return {
        "login": manager.login, "name": manager.name, "academie_codes": list(manager.academie_codes),
        "password_hash": manager.password_hash, "created_at": manager.created_at, "disabled_at": manager.disabled_at,
        "version": manager.version,
    }  # fmt: skip


def _manager(row: Any) -> ManagerAccount:
    return ManagerAccount(
        login=row.login, name=row.name, academie_codes=tuple(row.academie_codes), password_hash=row.password_hash,
        created_at=row.created_at, disabled_at=row.disabled_at, version=row.version,
    )  # fmt: skip


def _session(row: Any) -> ManagerSessionToken:
    return ManagerSessionToken(row.digest, row.login, row.issued_at, row.expires_at, row.last_used_at)


class _Managers(Repository):
    def add(self, manager: ManagerAccount) -> None:
        try:
            self._c.execute(insert(t.managers), _manager_row(manager))
        except IntegrityError:  # the primary key: the login is taken
            raise ManagerLoginTaken() from None

    def get(self, login: str) -> ManagerAccount | None:
        row = self._c.execute(select(t.managers).where(t.managers.c.login == login)).first()
        return _manager(row) if row else None

    def all(self) -> Sequence[ManagerAccount]:
        return [_manager(row) for row in self._c.execute(select(t.managers).order_by(t.managers.c.login))]

    def update(self, manager: ManagerAccount) -> None:
        statement = (
            update(t.managers)
            .where(and_(t.managers.c.login == manager.login, t.managers.c.version == manager.version - 1))
            .values(_manager_row(manager))
        )
        if self._write(statement).rowcount != 1:
            raise ConcurrencyConflict()

    def add_session(self, session: ManagerSessionToken) -> None:
        row = {
            "digest": session.digest, "login": session.login, "issued_at": session.issued_at,
            "expires_at": session.expires_at, "last_used_at": session.last_used_at,
        }  # fmt: skip
        try:
            self._c.execute(insert(t.manager_sessions), row)
        except IntegrityError:  # a digest issued twice, or a manager that does not exist (the foreign key)
            raise ConflictError() from None

    def get_session(self, digest: str) -> ManagerSessionToken | None:
        row = self._c.execute(select(t.manager_sessions).where(t.manager_sessions.c.digest == digest)).first()
        return _session(row) if row else None

    def touch_session(self, digest: str, at: datetime) -> None:
        self._write(update(t.manager_sessions).where(t.manager_sessions.c.digest == digest).values(last_used_at=at))

    def revoke_session(self, digest: str) -> None:
        self._write(delete(t.manager_sessions).where(t.manager_sessions.c.digest == digest))

    def revoke_sessions(self, login: str) -> int:
        return int(self._write(delete(t.manager_sessions).where(t.manager_sessions.c.login == login)).rowcount)

    def remove_expired_sessions(self, now: datetime) -> int:
        statement = delete(t.manager_sessions).where(t.manager_sessions.c.expires_at < now)
        return int(self._write(statement).rowcount)
