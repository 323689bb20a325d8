"""The mailer port: delivers one outbox message. The relay calls it outside any unit of work."""

from __future__ import annotations

from typing import Protocol

from cyclades_core.model.mail import OutboxMessage

__all__ = ["Mailer"]


class Mailer(Protocol):
    def send(self, message: OutboxMessage) -> None:
        """Deliver ``message`` with its stable ``message_id`` as Message-ID (a retry after a crash is recognisable).

        Raises :class:`~cyclades_core.errors.MailDeliveryError` (or ``OSError``) when delivery failed; the relay
        then retries with backoff.
        """
        ...
