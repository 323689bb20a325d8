"""The mailer port: delivers one outbox message. The relay calls it outside any unit of work."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from cyclades_core.model.mail import OutboxMessage

__all__ = ["Mailer", "TimedMailer"]


class Mailer(Protocol):
    def send(self, message: OutboxMessage) -> None:
        """Deliver ``message`` with its stable ``message_id`` as Message-ID (a retry after a crash is recognisable).

        Raises :class:`~cyclades_core.errors.MailDeliveryError` (or ``OSError``) when delivery failed for now: the
        relay retries with backoff, a bounded number of times; :class:`~cyclades_core.errors.MailRejected` when it
        can never succeed (5xx, recipient refused, SMTPUTF8 unsupported): the relay gives it up (a dead letter).
        The error's ``reason`` is stored on the outbox row: it must not hold the recipient. Any other exception is
        a bug of this message (a "poison" message): the relay isolates it, records its type and goes on.
        """
        ...


@runtime_checkable
class TimedMailer(Mailer, Protocol):
    """A mailer that bounds each send: ``timeout`` seconds at most, whatever the server does (a network mailer).
    The relay sizes its lease from it, so a batch is always sent within the lease of its claim (J3)."""

    @property
    def timeout(self) -> float: ...
