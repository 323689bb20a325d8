"""The outbox seen from outside: what is waiting to be sent, and marking it sent (the relay builds on this)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from attrs import frozen

from cyclades_core.errors import ConflictError, MailDeliveryError
from cyclades_core.model.mail import MailContent, OutboxMessage, pieces_reminder_mail
from cyclades_core.model.pieces import Piece
from cyclades_core.ports.catalogue import Catalogue
from cyclades_core.ports.clock import Clock
from cyclades_core.ports.mail import Mailer
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
        """Unsent mails, oldest first."""
        with self._uow() as uow:
            return list(uow.outbox.pending(limit))

    def mark_sent(self, message_id: str) -> bool:
        with self._uow() as uow:
            marked = uow.outbox.mark_sent(message_id, self._clock.now())
            uow.commit()
            return marked


@frozen
class RelayReport:
    sent: int
    failed: int


class MailRelay:
    """Delivers the outbox through the mailer: claims a batch under a lease (concurrent relays never take the same
    message, J3), sends each outside any transaction, marks it sent; a failure is retried later with exponential
    backoff. A crash between the send and the mark leaves the lease to expire: the message is sent once more, with
    the same Message-ID (at least once, J2)."""

    def __init__(
        self,
        *,
        uow: UnitOfWorkFactory,
        clock: Clock,
        mailer: Mailer,
        batch: int = 50,
        lease: timedelta = timedelta(minutes=5),
        base_backoff: timedelta = timedelta(minutes=1),
        max_backoff: timedelta = timedelta(hours=6),
    ) -> None:
        self._uow = uow
        self._clock = clock
        self.mailer = mailer
        self.batch, self.lease = batch, lease
        self.base_backoff, self.max_backoff = base_backoff, max_backoff

    def backoff(self, attempts: int) -> timedelta:
        delay: timedelta = self.base_backoff * (2 ** min(attempts, 20))
        return min(delay, self.max_backoff)

    def run_once(self) -> RelayReport:
        """One batch. Returns how many were sent and how many failed."""
        now = self._clock.now()
        with self._uow() as uow:
            claimed = list(uow.outbox.claim(now, self.batch, self.lease))
            uow.commit()
        sent = failed = 0
        for message in claimed:
            try:
                self.mailer.send(message)
            except (MailDeliveryError, OSError):
                with self._uow() as uow:
                    uow.outbox.mark_failed(message.id, self._clock.now() + self.backoff(message.attempts))
                    uow.commit()
                failed += 1
                continue
            with self._uow() as uow:
                uow.outbox.mark_sent(message.id, self._clock.now())
                uow.commit()
            sent += 1
        return RelayReport(sent, failed)

    def run_until_idle(self, max_rounds: int = 1000) -> RelayReport:
        """Batches until nothing due is left (or ``max_rounds``); the CLI's ``outbox relay`` loops on this."""
        sent = failed = 0
        for _ in range(max_rounds):
            report = self.run_once()
            sent, failed = sent + report.sent, failed + report.failed
            if report.sent + report.failed == 0 or report.sent == 0:
                break
        return RelayReport(sent, failed)


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
