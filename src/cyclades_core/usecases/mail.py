"""The outbox seen from outside: what is waiting to be sent, and marking it sent (the relay builds on this)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from cyclades_core.model.mail import MailContent, OutboxMessage
from cyclades_core.ports.clock import Clock
from cyclades_core.ports.storage import UnitOfWork, UnitOfWorkFactory

__all__ = ["OutboxService", "queue_mail"]


def queue_mail(
    uow: UnitOfWork, content: MailContent, now: datetime, *, recipient: str, account_id: str | None
) -> OutboxMessage:
    """Write a mail to the outbox of ``uow``: it is sent only if the unit of work commits (J1).

    ``account_id`` ties it to an account whose erasure drops it; ``None`` for mails that outlive the account.
    """
    message = OutboxMessage(
        id=uuid.uuid4().hex,
        kind=content.kind,
        account_id=account_id,
        recipient=recipient,
        subject=content.subject,
        body=content.body,
        created_at=now,
    )
    uow.outbox.add(message)
    return message


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
