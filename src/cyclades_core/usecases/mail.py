"""The outbox seen from outside: what is waiting to be sent, and marking it sent (the relay builds on this)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from attrs import frozen

from cyclades_core.errors import ConfigurationError, ConflictError, MailDeliveryError
from cyclades_core.model.mail import MailContent, OutboxMessage, pieces_reminder_mail
from cyclades_core.model.pieces import Piece
from cyclades_core.model.text import check_int, lookup_key
from cyclades_core.ports.catalogue import Catalogue
from cyclades_core.ports.clock import Clock
from cyclades_core.ports.mail import Mailer, TimedMailer
from cyclades_core.ports.storage import UnitOfWork, UnitOfWorkFactory
from cyclades_core.timeutil import format_datetime

__all__ = ["MailRelay", "OutboxService", "RelayReport", "ReminderService", "queue_mail"]


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
        """Unsent mails, oldest first (dead letters left out); ``limit`` from 1 to 100,000."""
        check_int(limit, "limit", minimum=1, maximum=100_000)
        with self._uow() as uow:
            return list(uow.outbox.pending(limit))

    def failed(self, limit: int = 100) -> Sequence[OutboxMessage]:
        """Unsent mails whose delivery failed at least once, dead letters included, oldest first (the operator's
        ``cyclades outbox failed``)."""
        check_int(limit, "limit", minimum=1, maximum=100_000)
        with self._uow() as uow:
            return list(uow.outbox.failed(limit))

    def mark_sent(self, message_id: str) -> bool:
        """Record a delivery made outside the relay; ``False`` for an unknown message (or an id no storage holds)."""
        if lookup_key(message_id) is None:
            return False
        with self._uow() as uow:
            marked = uow.outbox.mark_sent(message_id, self._clock.now())
            uow.commit()
            return marked


@frozen
class RelayReport:
    """What one relay run did: ``failed`` deliveries (a failure per message and run), of which ``dead`` were given
    up (dead letters)."""

    sent: int
    failed: int
    dead: int = 0


log = logging.getLogger("cyclades.mail.relay")

#: The lease's margin over the worst case of a batch (claim, marks and the process's own pauses).
LEASE_MARGIN = timedelta(minutes=1)


class MailRelay:
    """Delivers the outbox through the mailer: claims a batch under a lease (concurrent relays never take the same
    message, J3), sends each outside any transaction, marks it sent; a failure is retried later with exponential
    backoff. A crash between the send and the mark leaves the lease to expire: the message is sent once more, with
    the same Message-ID (at least once, J2).

    The lease covers the worst case of a batch: ``batch`` sends of the mailer's ``timeout`` each (a
    :class:`~cyclades_core.ports.mail.TimedMailer`), plus a margin; a shorter ``lease`` is refused. A message whose
    lease ran out before its turn is left to the next claim, not sent. A failure is stored on its row (attempts,
    ``last_error``) and logged on ``cyclades.mail.relay`` (message id, kind, attempts, error; never the recipient).
    A message the server refuses for good (:class:`~cyclades_core.errors.MailRejected`) becomes a dead letter after
    ``max_permanent_attempts`` tries, any other after ``max_attempts``; a message whose sending raises anything
    else (a "poison" message) is isolated like a temporary failure and the batch goes on.
    """

    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        clock: Clock,
        mailer: Mailer,
        batch: int = 50,
        lease: timedelta | None = None,
        base_backoff: timedelta = timedelta(minutes=1),
        max_backoff: timedelta = timedelta(hours=6),
        max_attempts: int = 8,
        max_permanent_attempts: int = 1,
    ) -> None:
        if batch < 1 or max_attempts < 1 or max_permanent_attempts < 1:
            raise ConfigurationError("relais : le lot et les nombres d'essais doivent être d'au moins 1.")
        self._uow = uow
        self._clock = clock
        self.mailer = mailer
        self.batch = batch
        needed = self.worst_batch() + LEASE_MARGIN
        if lease is not None and lease < needed:
            raise ConfigurationError(
                f"relais : le bail de {lease.total_seconds():g} s ne couvre pas un lot de {batch} envois "
                f"(au plus {needed.total_seconds():g} s avec la marge) ; allongez le bail ou réduisez le lot."
            )
        self.lease = lease if lease is not None else max(timedelta(minutes=5), needed)
        self.base_backoff, self.max_backoff = base_backoff, max_backoff
        self.max_attempts, self.max_permanent_attempts = max_attempts, max_permanent_attempts

    def worst_batch(self) -> timedelta:
        """The longest a batch can take to send: ``batch`` × the mailer's timeout (0 for a mailer without one)."""
        timeout = self.mailer.timeout if isinstance(self.mailer, TimedMailer) else 0.0
        return timedelta(seconds=self.batch * timeout)

    def backoff(self, attempts: int) -> timedelta:
        delay: timedelta = self.base_backoff * (2 ** min(attempts, 20))
        return min(delay, self.max_backoff)

    def run_once(self) -> RelayReport:
        """One batch. Returns how many were sent, how many failed and how many of those were given up."""
        now = self._clock.now()
        with self._uow() as uow:
            claimed = list(uow.outbox.claim(now, self.batch, self.lease))
            uow.commit()
        sent = failed = dead = 0
        for message in claimed:
            if message.claimed_until is not None and self._clock.now() >= message.claimed_until:
                continue  # the lease ran out (the process stalled): another relay may have it, leave it
            try:
                self.mailer.send(message)
            except MailDeliveryError as failure:
                given_up = self._failed(message, failure.reason, permanent=failure.permanent)
            except OSError as failure:
                given_up = self._failed(message, type(failure).__name__, permanent=False)
            except Exception as failure:  # a poison message: isolated, the batch goes on
                given_up = self._failed(message, f"poison {type(failure).__name__}", permanent=False)
            else:
                with self._uow() as uow:
                    uow.outbox.mark_sent(message.id, self._clock.now())
                    uow.commit()
                sent += 1
                continue
            failed += 1
            dead += given_up
        return RelayReport(sent, failed, dead)

    def _failed(self, message: OutboxMessage, error: str, *, permanent: bool) -> bool:
        """Record the failure on the row (a retry after backoff, or a dead letter); True when given up."""
        attempts = message.attempts + 1
        given_up = attempts >= (self.max_permanent_attempts if permanent else self.max_attempts)
        now = self._clock.now()
        with self._uow() as uow:
            if given_up:
                uow.outbox.mark_dead(message.id, now, error)
            else:
                uow.outbox.mark_failed(message.id, now + self.backoff(message.attempts), error)
            uow.commit()
        log.log(
            logging.ERROR if given_up else logging.WARNING,
            "mail %s (%s) %s after attempt %d: %s",
            message.id, message.kind.value, "given up" if given_up else "to retry", attempts, error,
            extra={
                "message_id": message.id, "mail_kind": message.kind.value, "attempts": attempts, "error": error,
                "permanent": permanent, "dead": given_up,
            },
        )  # fmt: skip
        return given_up

    def run_until_idle(self, max_rounds: int = 1000) -> RelayReport:
        """Batches until nothing due is left (or ``max_rounds``); the CLI's ``outbox relay`` loops on this."""
        sent = failed = dead = 0
        for _ in range(max_rounds):
            report = self.run_once()
            sent, failed, dead = sent + report.sent, failed + report.failed, dead + report.dead
            if report.sent + report.failed == 0 or report.sent == 0:
                break
        return RelayReport(sent, failed, dead)


class ReminderService:
    """Reminder mails (issue 7): run periodically, it mails one reminder per candidature for the online pièces still
    missing ``days_before`` days (or less) before their deadline, never twice for one deadline."""

    def __init__(self, *, uow: UnitOfWorkFactory, clock: Clock, catalogue: Catalogue, days_before: int = 7) -> None:
        self._uow = uow
        self._clock = clock
        self._catalogue = catalogue
        self.days_before = days_before

    def send_due(self) -> int:
        now = self._clock.now()
        horizon = now + timedelta(days=self.days_before)
        sent = 0
        with self._uow() as uow:
            due: dict[tuple[str, datetime], list[Piece]] = {}
            for piece in uow.pieces.due(now, horizon):
                due.setdefault((piece.candidature_id, piece.period.end), []).append(piece)
            for (candidature_id, deadline), pieces in sorted(due.items(), key=lambda item: item[0][1]):
                candidature = uow.candidatures.get(candidature_id)
                if candidature is None or not candidature.visible_to_candidate:
                    continue
                account = uow.accounts.get(candidature.account_id)
                session = self._catalogue.session(candidature.session_id)
                if account is None or account.email is None or session is None:
                    continue
                exam = next((e.name for e in self._catalogue.exams() if e.code == session.exam_code), session.exam_code)
                content = pieces_reminder_mail(
                    exam, session.label, candidature.inscription_number, [p.title for p in pieces],
                    format_datetime(deadline),
                )  # fmt: skip
                message = OutboxMessage(
                    id=f"reminder-{candidature.id}-{deadline:%Y%m%d%H%M}", kind=content.kind, account_id=account.id,
                    recipient=account.email.display, subject=content.subject, body=content.body, created_at=now,
                )  # fmt: skip
                try:
                    uow.outbox.add(message)
                except ConflictError:  # already reminded for this deadline
                    continue
                sent += 1
            uow.commit()
        return sent
