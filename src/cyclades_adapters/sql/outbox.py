"""The outbox of the SQL storage (``uow.outbox``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from attrs import evolve
from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from cyclades_adapters.sql import schema as t
from cyclades_adapters.sql._common import Repository, bind_columns
from cyclades_adapters.sql.prepared import PreparedSet
from cyclades_core.errors import ConflictError
from cyclades_core.model.mail import MailKind, OutboxMessage

_OUTBOX_COLUMNS = (
    "id", "kind", "account_id", "recipient", "subject", "body", "created_at", "sent_at", "attempts",
    "next_attempt_at", "claimed_until", "last_error", "dead_at",
)  # fmt: skip
_HOT = PreparedSet({
    # ON CONFLICT DO NOTHING: a duplicate id is reported (row count 0) without aborting the caller's transaction.
    # No RETURNING: on SQLite it tripled the statement's cost.
    "insert_outbox": {
        "sqlite": sqlite_insert(t.outbox).values(bind_columns(t.outbox, *_OUTBOX_COLUMNS))
            .on_conflict_do_nothing(index_elements=["id"]),
        "postgresql": postgresql_insert(t.outbox).values(bind_columns(t.outbox, *_OUTBOX_COLUMNS))
            .on_conflict_do_nothing(index_elements=["id"]),
    },
})  # fmt: skip


def _message(row: Any) -> OutboxMessage:
    return OutboxMessage(
        row.id, MailKind(row.kind), row.account_id, row.recipient, row.subject, row.body, row.created_at, row.sent_at,
        row.attempts, row.next_attempt_at, row.claimed_until, row.last_error, row.dead_at,
    )  # fmt: skip


class _Outbox(Repository):
    statements = _HOT

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
