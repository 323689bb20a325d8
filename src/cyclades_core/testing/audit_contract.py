"""Contract suite of the audit log (``uow.audit``)."""

from __future__ import annotations

from datetime import timedelta

from cyclades_core.model.audit import AuditRecord
from cyclades_core.ports.storage import UnitOfWorkFactory
from cyclades_core.testing._storage_suite import T0, StorageSuite


class AuditLogContract(StorageSuite):
    """``uow.audit``: appended with the change, purged by age. Fixture: ``uow_factory``."""

    def test_the_audit_log_appends_and_rolls_back_with_the_change(self, uow_factory: UnitOfWorkFactory) -> None:
        with uow_factory() as uow:
            uow.audit.append(AuditRecord.of(T0, "account_created", "anonymous", "acc-1"))
            uow.audit.append(AuditRecord.of(T0, "account_activated", "candidate", "acc-1", note="ok\r\nFAKE ENTRY"))
            uow.commit()
        with uow_factory() as uow:
            uow.audit.append(AuditRecord.of(T0, "ghost", "anonymous", "acc-1"))
        with uow_factory() as uow:
            records = uow.audit.for_account("acc-1")
        assert [r.action for r in records] == ["account_created", "account_activated"]
        assert records[1].details == (("note", "ok\\x0d\\x0aFAKE ENTRY"),)
        assert not hasattr(uow.audit, "update")
        assert not hasattr(uow.audit, "delete")

    def test_the_retention_purge_removes_only_older_records(self, uow_factory: UnitOfWorkFactory) -> None:
        """I4: records older than the cutoff go, newer ones stay, and appending goes on after a purge."""
        with uow_factory() as uow:
            for days in (0, 100, 400):
                uow.audit.append(AuditRecord.of(T0 + timedelta(days=days), f"day{days}", "system", "acc-r"))
            uow.commit()
        with uow_factory() as uow:
            assert uow.audit.expire_before(T0 + timedelta(days=100)) == 1
            uow.audit.append(AuditRecord.of(T0 + timedelta(days=500), "day500", "system", "acc-r"))
            uow.commit()
        with uow_factory() as uow:
            assert [r.action for r in uow.audit.for_account("acc-r")] == ["day100", "day400", "day500"]
