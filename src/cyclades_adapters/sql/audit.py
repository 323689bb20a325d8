"""The audit log of the SQL storage (``uow.audit``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, insert, select

from cyclades_adapters.sql import schema as t
from cyclades_adapters.sql._common import Repository, bind_columns
from cyclades_adapters.sql.prepared import PreparedSet
from cyclades_core.model.audit import AuditRecord

_HOT = PreparedSet({
    "insert_audit": insert(t.audit).values(bind_columns(t.audit, "at", "action", "actor", "account_id", "details")),
})  # fmt: skip


class _Audit(Repository):
    statements = _HOT

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
