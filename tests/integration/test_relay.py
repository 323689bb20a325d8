"""A relay that never stalls (issue 15, item 8; checklist J2, J3, L1): against real SMTP servers (aiosmtpd) that
answer 4xx, 5xx, hang or lack SMTPUTF8, and a mailer that chokes on one message, on memory, SQLite and PostgreSQL.

Each failure is stored on its row (attempts, reason without the address) and logged; a temporary one is retried
with backoff a bounded number of times, a permanent one becomes a dead letter at once; a poison message is
isolated and the batch goes on; the lease covers a whole batch of worst-case sends."""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from cyclades_adapters.mail import MemoryMailer, SmtpMailer
from cyclades_adapters.memory import MemoryDatabase
from cyclades_core.errors import ConfigurationError, MailDeliveryError, MailRejected
from cyclades_core.model.mail import MailKind, OutboxMessage
from cyclades_core.ports.storage import UnitOfWorkFactory
from cyclades_core.testing import ManualClock
from cyclades_core.usecases.mail import MailRelay, RelayReport
from tests.conftest import T0
from tests.sql_support import postgres_database, sqlite_database

REFUSED = "refuse.moi@exemple.fr"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """An aiosmtpd handler: refuses ``refused`` recipients with ``rcpt_reply``, answers DATA with ``data_reply``
    (or hangs ``hang`` seconds first); records what it accepted."""

    def __init__(self, *, rcpt_reply: str = "", data_reply: str = "250 OK", hang: float = 0.0) -> None:
        self.rcpt_reply, self.data_reply, self.hang = rcpt_reply, data_reply, hang
        self.accepted: list[str] = []

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if self.rcpt_reply and address == REFUSED:
            return self.rcpt_reply.replace("{address}", address)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.hang:
            await asyncio.sleep(self.hang)
        if self.data_reply.startswith("250"):
            self.accepted.extend(envelope.rcpt_tos)
        return self.data_reply


def serve(handler: Server, **options: Any) -> tuple[Controller, int]:
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **options)
    controller.start()
    return controller, port


def mailer(port: int, timeout: float = 5.0) -> SmtpMailer:
    return SmtpMailer("127.0.0.1", port, sender="ne-pas-repondre@ac-exemple.fr", security="none", timeout=timeout)


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def uow_factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[UnitOfWorkFactory]:
    if request.param == "memory":
        yield MemoryDatabase().unit_of_work
        return
    database = sqlite_database(tmp_path) if request.param == "sqlite" else postgres_database()
    yield database.unit_of_work
    if request.param == "sqlite":
        database.dispose()


def queue(uow_factory: UnitOfWorkFactory, *recipients: str) -> list[str]:
    ids = [f"m{n}" for n in range(len(recipients))]
    with uow_factory() as uow:
        for n, (message_id, recipient) in enumerate(zip(ids, recipients, strict=True)):
            uow.outbox.add(
                OutboxMessage(message_id, MailKind.ACTIVATION, None, recipient, "[CYCLADES] Activer mon compte",
                              "Bonjour", T0 + timedelta(seconds=n))
            )  # fmt: skip
        uow.commit()
    return ids


def failed_rows(uow_factory: UnitOfWorkFactory) -> dict[str, OutboxMessage]:
    with uow_factory() as uow:
        return {m.id: m for m in uow.outbox.failed(100)}


def pending_ids(uow_factory: UnitOfWorkFactory) -> list[str]:
    with uow_factory() as uow:
        return [m.id for m in uow.outbox.pending(100)]


@pytest.mark.rule("J2")
def test_a_4xx_is_retried_with_backoff_its_reason_and_attempts_stored_then_given_up(
    uow_factory: UnitOfWorkFactory,
) -> None:
    handler = Server(data_reply="451 4.3.0 Mail server temporarily rejected message")
    controller, port = serve(handler)
    clock = ManualClock(T0)
    relay = MailRelay(uow=uow_factory, clock=clock, mailer=mailer(port), max_attempts=3)
    queue(uow_factory, "candidat@exemple.fr")
    try:
        first = relay.run_once()
        assert (first.sent, first.failed, first.dead) == (0, 1, 0)
        row = failed_rows(uow_factory)["m0"]
        assert (row.attempts, row.last_error, row.dead_at) == (1, "smtp 451 4.3.0 send", None)
        assert row.next_attempt_at == T0 + relay.backoff(0)
        assert relay.run_once().failed == 0  # not before its backoff
        clock.advance(relay.backoff(0))
        assert relay.run_once().failed == 1
        assert failed_rows(uow_factory)["m0"].attempts == 2
        clock.advance(relay.backoff(1))
        third = relay.run_once()  # the bounded number of tries: a dead letter, never claimed again
        assert (third.failed, third.dead) == (1, 1)
        row = failed_rows(uow_factory)["m0"]
        assert (row.attempts, row.dead_at, row.recipient, row.body) == (3, T0 + relay.backoff(0) + relay.backoff(1),
                                                                        "", "")  # fmt: skip
        clock.advance(days=2)
        assert relay.run_once() == RelayReport(0, 0, 0)
        assert pending_ids(uow_factory) == []
    finally:
        controller.stop()
    assert handler.accepted == []


@pytest.mark.rule("J2", "L1")
def test_a_5xx_recipient_refusal_is_a_dead_letter_at_once_and_the_batch_goes_on(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """The server's reply quotes the address: only its codes are stored."""
    handler = Server(rcpt_reply="550 5.1.1 <{address}>: Recipient address rejected: User unknown")
    controller, port = serve(handler)
    relay = MailRelay(uow=uow_factory, clock=ManualClock(T0), mailer=mailer(port))
    queue(uow_factory, "premier@exemple.fr", REFUSED, "troisieme@exemple.fr")
    try:
        report = relay.run_once()
    finally:
        controller.stop()
    assert (report.sent, report.failed, report.dead) == (2, 1, 1)
    assert handler.accepted == ["premier@exemple.fr", "troisieme@exemple.fr"]
    dead = failed_rows(uow_factory)["m1"]
    assert (dead.attempts, dead.last_error, dead.is_dead) == (1, "smtp 550 5.1.1 recipient refused", True)
    assert "refuse.moi" not in repr(failed_rows(uow_factory))
    assert pending_ids(uow_factory) == []


@pytest.mark.rule("J2")
def test_a_5xx_to_the_message_is_permanent_and_smtputf8_unsupported_too(uow_factory: UnitOfWorkFactory) -> None:
    handler = Server(data_reply="554 5.6.0 Message content rejected")
    controller, port = serve(handler, enable_SMTPUTF8=False)
    relay = MailRelay(uow=uow_factory, clock=ManualClock(T0), mailer=mailer(port))
    queue(uow_factory, "ascii@exemple.fr", "françois@exemple.fr")
    try:
        report = relay.run_once()
    finally:
        controller.stop()
    assert (report.sent, report.failed, report.dead) == (0, 2, 2)
    rows = failed_rows(uow_factory)
    assert [rows["m0"].last_error, rows["m1"].last_error] == ["smtp 554 5.6.0", "smtputf8 unsupported"]


@pytest.mark.rule("J2", "J3")
def test_a_hanging_server_costs_at_most_the_timeout_and_is_retried(uow_factory: UnitOfWorkFactory) -> None:
    handler = Server(hang=5)
    controller, port = serve(handler)
    relay = MailRelay(uow=uow_factory, clock=ManualClock(T0), mailer=mailer(port, timeout=0.5), batch=2)
    queue(uow_factory, "lent@exemple.fr")
    started = time.monotonic()
    try:
        report = relay.run_once()
    finally:
        elapsed = time.monotonic() - started
        controller.stop()
    assert (report.sent, report.failed, report.dead) == (0, 1, 0)
    assert elapsed < 3
    row = failed_rows(uow_factory)["m0"]
    assert (row.attempts, row.last_error) == (1, "timeout (send)")
    assert relay.lease >= timedelta(seconds=2 * 0.5)


@pytest.mark.rule("J2")
def test_a_server_that_never_greets_costs_at_most_the_timeout() -> None:
    """Accepts the connection, says nothing: the watchdog ends the send, a temporary failure."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        started = time.monotonic()
        with pytest.raises(MailDeliveryError) as failure:
            mailer(port, timeout=0.5).send(OutboxMessage("g", MailKind.ACTIVATION, None, "a@exemple.fr", "s", "b", T0))
        assert time.monotonic() - started < 3
    assert failure.value.permanent is False
    assert failure.value.reason == "timeout (connect)"


@pytest.mark.rule("J2", "J3")
def test_a_server_that_trickles_its_answer_costs_at_most_the_timeout() -> None:
    """One byte every 0.1 s never trips a per-read timeout: the watchdog bounds the whole send all the same."""
    import threading

    stop = threading.Event()
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]

        def trickle() -> None:
            connection, _ = listener.accept()
            with connection:
                for byte in b"220-" + b"x" * 100:
                    if stop.wait(0.1):
                        return
                    try:
                        connection.sendall(bytes([byte]))
                    except OSError:
                        return

        server = threading.Thread(target=trickle, daemon=True)
        server.start()
        started = time.monotonic()
        try:
            with pytest.raises(MailDeliveryError) as failure:
                mailer(port, timeout=0.5).send(
                    OutboxMessage("t", MailKind.ACTIVATION, None, "a@exemple.fr", "s", "b", T0)
                )
            elapsed = time.monotonic() - started
        finally:
            stop.set()
            server.join(timeout=5)
    assert elapsed < 2
    assert (failure.value.permanent, failure.value.reason) == (False, "timeout (connect)")


@pytest.mark.rule("J3")
class TestTheLease:
    def test_the_default_lease_covers_a_whole_batch_of_worst_case_sends(self) -> None:
        """50 sends of 10 s each: 500 s, more than the former fixed 5-minute lease."""
        relay = MailRelay(uow=MemoryDatabase().unit_of_work, clock=ManualClock(T0), mailer=mailer(25, timeout=10))
        assert relay.worst_batch() == timedelta(seconds=500)
        assert relay.lease >= relay.worst_batch()

    def test_a_lease_shorter_than_a_batch_is_refused(self) -> None:
        with pytest.raises(ConfigurationError, match="bail"):
            MailRelay(uow=MemoryDatabase().unit_of_work, clock=ManualClock(T0), mailer=mailer(25, timeout=10),
                      batch=50, lease=timedelta(minutes=5))  # fmt: skip

    def test_a_message_whose_lease_ran_out_before_its_turn_is_left_to_the_next_claim(
        self, uow_factory: UnitOfWorkFactory
    ) -> None:
        """The relay stalls on its first message beyond the lease: the second may already be another relay's, so
        it is not sent by this one; the next claim sends it, once."""
        clock = ManualClock(T0)

        class Stalling(MemoryMailer):
            def send(self, message: OutboxMessage) -> None:
                super().send(message)
                clock.advance(minutes=10)

        stalling = Stalling()
        first = MailRelay(uow=uow_factory, clock=clock, mailer=stalling, batch=2)
        queue(uow_factory, "a@exemple.fr", "b@exemple.fr")
        report = first.run_once()
        assert (report.sent, report.failed) == (1, 0)
        assert [m["Message-ID"] for m in stalling.sent] == ["<m0@cyclades>"]
        assert pending_ids(uow_factory) == ["m1"]
        other = MemoryMailer()
        assert MailRelay(uow=uow_factory, clock=clock, mailer=other, batch=2).run_once().sent == 1
        assert [m["Message-ID"] for m in other.sent] == ["<m1@cyclades>"]


class Poisoned(MemoryMailer):
    def __init__(self, poison: BaseException) -> None:
        super().__init__()
        self.poison = poison

    def send(self, message: OutboxMessage) -> None:
        if message.id == "m1":
            raise self.poison
        super().send(message)


@pytest.mark.rule("J2")
@pytest.mark.parametrize(
    "poison",
    [ValueError("bad header"), UnicodeEncodeError("ascii", "é", 0, 1, "no"), KeyError("x")],
    ids=["ValueError", "UnicodeEncodeError", "KeyError"],
)
def test_a_poison_message_is_isolated_and_the_batch_goes_on(
    uow_factory: UnitOfWorkFactory, poison: BaseException, caplog: pytest.LogCaptureFixture
) -> None:
    clock = ManualClock(T0)
    relay = MailRelay(uow=uow_factory, clock=clock, mailer=Poisoned(poison), max_attempts=2)
    queue(uow_factory, "a@exemple.fr", "poison@exemple.fr", "c@exemple.fr")
    with caplog.at_level(logging.WARNING, logger="cyclades.mail.relay"):
        report = relay.run_once()
    assert (report.sent, report.failed, report.dead) == (2, 1, 0)
    row = failed_rows(uow_factory)["m1"]
    assert (row.attempts, row.last_error) == (1, f"poison {type(poison).__name__}")
    assert pending_ids(uow_factory) == ["m1"]  # not left claimed: due again after its backoff
    [record] = caplog.records
    assert (record.message_id, record.attempts, record.error, record.dead) == (  # type: ignore[attr-defined]
        "m1", 1, f"poison {type(poison).__name__}", False,
    )  # fmt: skip
    assert "poison@" not in caplog.text
    assert "poison@" not in repr(vars(record))
    clock.advance(relay.backoff(0))
    assert relay.run_once().dead == 1
    assert failed_rows(uow_factory)["m1"].is_dead


def test_the_smtp_mailer_classifies_what_the_relay_must_know() -> None:
    """Permanent: 5xx to the message, refused recipient, SMTPUTF8 missing. Temporary: the rest, including a 5xx
    to the login (the operator's configuration, fixed without losing the queue)."""
    import smtplib

    from cyclades_adapters.mail.mailers import _classified

    cases = [
        (smtplib.SMTPRecipientsRefused({"x@y.fr": (550, b"5.1.1 <x@y.fr> unknown")}), "send", MailRejected,
         "smtp 550 5.1.1 recipient refused"),
        (smtplib.SMTPRecipientsRefused({"x@y.fr": (452, b"4.2.2 mailbox full")}), "send", MailDeliveryError,
         "smtp 452 4.2.2 recipient refused"),
        (smtplib.SMTPDataError(552, b"5.3.4 too big"), "send", MailRejected, "smtp 552 5.3.4"),
        (smtplib.SMTPDataError(421, b"try later"), "send", MailDeliveryError, "smtp 421 send"),
        (smtplib.SMTPNotSupportedError("SMTPUTF8 not supported by server"), "send", MailRejected,
         "smtputf8 unsupported"),
        (smtplib.SMTPNotSupportedError("STARTTLS extension not supported"), "tls", MailDeliveryError,
         "tls unsupported"),
        (smtplib.SMTPAuthenticationError(535, b"5.7.8 bad credentials"), "login", MailDeliveryError,
         "smtp 535 5.7.8 login"),
        (smtplib.SMTPSenderRefused(553, b"5.7.1 sender", "s@y.fr"), "send", MailDeliveryError, "smtp 553 5.7.1 send"),
        (smtplib.SMTPServerDisconnected("gone"), "send", MailDeliveryError, "SMTPServerDisconnected send"),
        (ConnectionRefusedError(), "connect", MailDeliveryError, "ConnectionRefusedError connect"),
        (TimeoutError(), "login", MailDeliveryError, "timeout (login)"),
    ]  # fmt: skip
    for failure, stage, kind, reason in cases:
        classified = _classified(failure, stage, expired=False)
        assert (type(classified), classified.reason) == (kind, reason), failure
        assert "@" not in classified.reason
        assert "@" not in classified.message
