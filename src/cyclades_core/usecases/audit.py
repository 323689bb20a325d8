"""The audit trail seen from outside: reading an account's records and the retention purge (I3, I4)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from cyclades_core.errors import ConfigurationError
from cyclades_core.model.audit import AuditRecord
from cyclades_core.model.text import lookup_key
from cyclades_core.ports.clock import Clock
from cyclades_core.ports.storage import UnitOfWorkFactory

__all__ = ["DEFAULT_RETENTION", "AuditService"]

#: 12 months: the CNIL recommends keeping access logs 6 to 12 months (I4).
DEFAULT_RETENTION = timedelta(days=365)


class AuditService:
    """``retention`` defaults to 12 months (the CNIL recommends 6 to 12 months for access logs); it must be positive
    (ConfigurationError): a retention of zero or less would erase the trail at each purge."""

    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock, retention: timedelta = DEFAULT_RETENTION) -> None:
        if retention <= timedelta(0):
            raise ConfigurationError("retention : la durée de conservation du journal d'audit doit être positive.")
        self._uow = uow
        self._clock = clock
        self.retention = retention

    def records_for(self, account_id: str) -> Sequence[AuditRecord]:
        """The account's records, oldest first; none for an unknown id (or one no storage can hold)."""
        if lookup_key(account_id) is None:
            return []
        with self._uow() as uow:
            return list(uow.audit.for_account(account_id))

    def purge_expired(self) -> int:
        """Remove the records older than the retention period; returns how many."""
        with self._uow() as uow:
            removed = uow.audit.expire_before(self._clock.now() - self.retention)
            uow.commit()
            return removed
