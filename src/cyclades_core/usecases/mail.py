"""The outbox seen from outside: what is waiting to be sent, and marking it sent (the relay builds on this)."""

from __future__ import annotations

from collections.abc import Sequence

from cyclades_core.model.mail import OutboxMessage
from cyclades_core.ports.clock import Clock
from cyclades_core.ports.storage import UnitOfWorkFactory

__all__ = ["OutboxService"]


class OutboxService:
    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    def pending(self, limit: int = 100) -> Sequence[OutboxMessage]:
        """Unsent mails, oldest first."""
        with self._uow() as uow:
            return list(uow.outbox.pending(limit))

    def mark_sent(self, message_id: str) -> bool:
        with self._uow() as uow:
            marked = uow.outbox.mark_sent(message_id, self._clock.now())
            uow.commit()
            return marked
